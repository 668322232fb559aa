"""Households on the portal: two demo customers enrolled on paper, each enrolling online with the account
number and the last electric figure of its bill, confirming the e-mail and signing in."""

import json
import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from conftest import PAPER_FORM
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application

PASSWORD = "a long portal passphrase"


def last_kwh(app):
    return round(json.loads(app.personal["meter_usage"])["electric"]["months"][-1]["total"])


@pytest.fixture
def households(db):
    apps = [application(7, i, date(2026, 11, 26)) for i in (1, 2)]
    customers = [customer_enrol(application=a, submission=PAPER_FORM) for a in apps]
    return list(zip(customers, apps, strict=True))


def enrol(client, app, email):
    return client.post(
        "/portal/enrol/",
        {
            "account_number": app.personal["account_number"],
            "last_electric_kwh": last_kwh(app),
            "email": email,
            "password": PASSWORD,
        },
    )


def signed_in(app, email) -> Client:
    client = Client()
    enrol(client, app, email)
    link = re.search(r"http://testserver(/portal/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert client.post("/portal/sign-in/", {"email": email, "password": PASSWORD}).status_code == 302
    return client
