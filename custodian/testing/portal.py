"""Households on the portal: two demo customers enrolled on paper, each enrolling online with the account
number and the last electric figure of its bill, confirming the e-mail and signing in; Carol, with no e-mail
address on file, whose bill opens an online account that stays limited until the code mailed to her is
entered (`carol`, `CAROL_BILL`, `online`); a household with 13 months of interval readings from its meter
(`metered`, `household_with_readings`)."""

import csv
import html
import io
import json
import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from conftest import PAPER_FORM, application_for
from custodian.casework.representatives import representative_register, representative_verify
from custodian.customers.models import Customer
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application, hourly_electric, local_clock
from custodian.policy.loader import current_policy
from custodian.portal.mailed_code import code_printed
from custodian.vault.interval_files import IntervalBlock
from custodian.vault.services import Submission, interval_blocks_record

PASSWORD = "a long portal passphrase"
# Last month's electricity use on a bill (its figure left to fill in), and Carol's bill.
USAGE = '{"electric":{"unit":"kWh","months":[{"month":"2026-10","total":%s}]}}'
CAROL_BILL = {"account_number": "0010000030", "last_electric_kwh": 240}
METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


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


CONFIRM_LINK = re.compile(r"http://testserver(/portal/confirm/[^\s]+/)")


def confirm_link(to=None) -> str:
    """The path of the last sign-up confirmation link e-mailed (to `to`, if given): the sign-up's own address,
    or the address on file when the account has another."""
    for message in reversed(mail.outbox):
        found = CONFIRM_LINK.search(message.body)
        if found and (to is None or message.to == [to]):
            return found.group(1)
    raise AssertionError(f"no confirmation link e-mailed{f' to {to}' if to else ''}")


CHANGE_LINK = re.compile(r"http://testserver(/portal/contact/confirm/[^\s]+/)")


def change_confirm_url(token: str, language: str) -> str:
    """A new e-mail address's confirmation link as the console builds it for a correction by staff."""
    return f"http://testserver/portal/contact/confirm/{token}/"


def change_link(to: str) -> str:
    """The path of the last link e-mailed to `to` that puts a new e-mail address on file once confirmed."""
    for message in reversed(mail.outbox):
        found = CHANGE_LINK.search(message.body)
        if found and message.to == [to]:
            return found.group(1)
    raise AssertionError(f"no link to confirm a new e-mail address e-mailed to {to}")


def link_confirmed(client, path: str):
    """Open a confirmation link and press its page's button (opening it alone confirms nothing); the page it
    leads to, as a browser shows it (sign-in, saying the sign-up is confirmed: the message is shown there,
    not left for the next page)."""
    assert client.get(path).status_code == 200
    return client.post(path, follow=True)


def signed_in(app, email) -> Client:
    client = Client()
    enrol(client, app, email)
    assert link_confirmed(client, confirm_link()).status_code == 200
    assert client.post("/portal/sign-in/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def carol(db):
    """Carol Cruz, who gave no e-mail address on her application; her bill says 0010000030 and 240 kWh. An
    online account opened with her bill's figures is limited until the code mailed to her is entered."""
    app = application_for("Carol Cruz", "", "507-555-0303", "0010000030", meter_usage=USAGE % 240)
    del app.personal["email"]
    return customer_enrol(application=app, submission=PAPER_FORM)


def online(figures, email) -> Client:
    """Sign up with the bill's figures and `email`, confirm from that inbox, sign in."""
    client = Client()
    client.post("/portal/enrol/", {**figures, "email": email, "password": PASSWORD})
    assert link_confirmed(client, confirm_link()).status_code == 200
    assert client.post("/portal/sign-in/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def password_again(client, password: str = PASSWORD) -> Client:
    """The signed-in customer enters the password again ("Confirm it is you"), as deleting their data asks
    first; the client, for the next few minutes re-authenticated."""
    assert client.post("/portal/me/confirm-it-is-you/", {"password": password}).status_code == 302
    return client


REPRESENTATIVE_PASSWORD = "a long representative passphrase"
INVITE = re.compile(r"http://testserver(/portal/representative/[^\s]+/)")


def categories_but(*left_out: str) -> list[str]:
    """The policy file's categories a representative's authority covers in these tests: all but `left_out`,
    and never the bank account nor the protection from disconnection."""
    never = ("bank_account", "disconnection_protection", *left_out)
    return [c for c in current_policy().categories if c not in never]


def acting_for(customer, service_rep, privacy_officer, authority) -> tuple:
    """Rosa Reyes acting in the portal for `customer` under `authority` (`testing.power_of_attorney`):
    registered by the service desk, verified by the privacy officer, her sign-in set up from the e-mailed
    link, signed in and acting for the customer. (The representative, her browser.)"""
    rep = representative_register(authority=authority, by=service_rep)
    representative_verify(
        rep=rep, by=privacy_officer, invite_url=lambda t: f"http://testserver/portal/representative/{t}/"
    )
    client = Client()
    link = INVITE.search(mail.outbox[-1].body).group(1)
    assert client.post(link, {"password": REPRESENTATIVE_PASSWORD}).status_code == 200
    signed = client.post("/portal/sign-in/", {"email": authority.email, "password": REPRESENTATIVE_PASSWORD})
    assert signed.status_code == 302
    assert client.post("/portal/me/act-for/", {"authority": rep.pk}).status_code == 302
    return rep, client


CARRIED = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def consent_given_in_portal(client: Client, fields: dict, path: str = "/portal/me/consents/"):
    """The customer fills in the consent form, reads the consent's words on the page that follows and gives
    it there; the answer to that second step."""
    shown = client.post(path, fields)
    assert shown.status_code == 200 and 'name="words"' in shown.content.decode(), shown.content[:3000]
    carried: dict[str, list[str]] = {}
    for name, value in CARRIED.findall(shown.content.decode()):
        carried.setdefault(name, []).append(html.unescape(value))
    return client.post(path, carried)


def household_with_readings(number: int, seconds: int):
    """Household `number` of the demo with 13 months of electric readings every `seconds`, adding up to its
    bills."""
    app = application(9, number, date.today())
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    months = json.loads(app.personal["meter_usage"])["electric"]["months"]
    blocks = []
    for m in months:
        clock = local_clock(m["month"], seconds)
        values = hourly_electric(9, number, m["month"], m["total"], clock, app.heating_fuel)
        blocks.append(IntervalBlock(customer.pk, "electric", m["month"], clock[0], seconds, values))
    interval_blocks_record(blocks=blocks, submission=METER)
    return customer, app, months


def green_button_downloaded(household, language: str, fmt: str) -> bytes:
    """The Green Button download (`fmt`: "csv" or "xml") of the household's customer, who reads `language`,
    signed in to the portal."""
    customer, app = household
    Customer.objects.filter(pk=customer.pk).update(language=language)
    response = signed_in(app, "meter.reader@example.com").get(f"/portal/me/green-button.{fmt}")
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.fixture
def metered(db):
    """A household with 13 months of hourly electric readings."""
    return household_with_readings(3, 3600)


def limit_lifted(client: Client, customer) -> Client:
    """The signed-in customer enters the code from the letter mailed at sign-up (an online account opened
    where we hold no e-mail address is limited until then: `portal.access.OPEN_WHILE_LIMITED`); the client."""
    answer = client.post(
        "/portal/me/code-from-our-letter/", {"step": "code", "code": code_printed(customer.pk)}
    )
    assert answer.status_code == 302, "the code was not accepted"
    return client


def spreadsheet_sections(response) -> dict[str, list[list[str]]]:
    """The download of everything's spreadsheet by its sections' titles: each its column headings, then its
    rows."""
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode().removeprefix("\ufeff")
    found, current = {}, None
    for row in csv.reader(io.StringIO(text)):
        if not row:
            current = None
        elif current is None:
            current = found.setdefault(row[0], [])
        else:
            current.append(row)
    return found
