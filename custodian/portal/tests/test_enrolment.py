"""Portal enrolment can't be squatted: only a confirmed sign-up holds an account, an unconfirmed one gives way
to a later sign-up that passes the same proof, and its link stops working; the e-mail address on file hears
of every sign-up; bank details are masked (last four digits) in the portal and its downloads unless the
customer re-entered their password a moment ago; the confirmation link printed in development is whole."""

import re
import time
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from conftest import PAPER_FORM
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application
from custodian.portal.models import PortalAccount
from custodian.testing.portal import PASSWORD, enrol, signed_in

LINK = re.compile(r"http://testserver(/portal/confirm/[^\s]+/)")


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def test_an_unconfirmed_sign_up_gives_way_to_the_customer(households):  # noqa: F811
    (customer, app), _ = households
    squatter = Client()
    enrol(squatter, app, "squatter@evil.example")
    squatter_link = link_in(next(m for m in mail.outbox if m.to == ["squatter@evil.example"]))
    # The real customer signs up later, with the same proof: it works, and the squatter's link is dead.
    real = Client()
    response = enrol(real, app, "owner@example.org")
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert squatter.get(squatter_link).status_code == 400
    assert real.get(link_in(next(m for m in mail.outbox if m.to == ["owner@example.org"]))).status_code == 200
    assert PortalAccount.objects.get(customer=customer).confirmed_at is not None
    assert (
        real.post("/portal/sign-in/", {"email": "owner@example.org", "password": PASSWORD}).status_code == 302
    )


def test_a_confirmed_sign_up_is_not_superseded(households):  # noqa: F811
    (_, app), _ = households
    signed_in(app, "owner@example.org")
    mail.outbox.clear()
    response = enrol(Client(), app, "squatter@evil.example")
    assert "don&#x27;t match our records" in response.content.decode()
    assert not mail.outbox


def test_confirmation_links_expire(households, monkeypatch):  # noqa: F811
    (_, app), _ = households
    client = Client()
    enrol(client, app, "late@example.org")
    link = link_in(mail.outbox[-1])
    later = time.time() + 49 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.get(link).status_code == 400


def test_the_address_on_file_is_told_of_a_sign_up(households):  # noqa: F811
    (customer, app), _ = households
    on_file = app.personal["email"]
    enrol(Client(), app, "someone.else@example.org")
    notice = next(m for m in mail.outbox if m.to == [on_file])
    assert "signed up" in notice.body and "http" not in notice.body  # no link to follow
    assert "someone.else" not in notice.body


@pytest.fixture
def paying_by_bank(db):
    """A household that pays by automatic bank payment."""

    app = next(
        a for a in (application(7, i, date(2026, 11, 26)) for i in range(50)) if "bank_account" in a.personal
    )
    customer_enrol(application=app, submission=PAPER_FORM)
    return app


def test_bank_details_are_masked_until_the_customer_re_enters_the_password(paying_by_bank, settings):
    app = paying_by_bank
    client = signed_in(app, "owner@example.org")
    account = re.search(r"account (\d+)", app.personal["bank_account"]).group(1)
    for page in ("/portal/me/", "/portal/me/download.csv", "/portal/me/download.json"):
        body = client.get(page).content.decode()
        assert account not in body and account[-4:] in body, page
    wrong = client.post("/portal/me/confirm-it-is-you/", {"password": "not it at all"})
    assert wrong.status_code == 200 and account not in client.get("/portal/me/").content.decode()
    before = client.cookies["sessionid"].value
    ok = client.post("/portal/me/confirm-it-is-you/?next=/portal/me/download.csv", {"password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == "/portal/me/download.csv"
    assert client.cookies["sessionid"].value != before  # privilege rose: a new session id
    for page in ("/portal/me/", "/portal/me/download.csv", "/portal/me/download.json"):
        assert account in client.get(page).content.decode(), page
    settings.CUSTODIAN_REAUTH_SECONDS = 0  # the moment has passed
    assert account not in client.get("/portal/me/download.csv").content.decode()


def test_the_confirmation_link_printed_in_development_is_whole(households, settings, capsys):  # noqa: F811
    (_, app), _ = households
    settings.MAILERS = {"default": {"BACKEND": "custodian.mail.ReadableConsoleBackend"}}
    client = Client()
    enrol(client, app, "a.rather.long.address.for.wrapping@example.org")
    printed = capsys.readouterr().out
    link = LINK.search(printed).group(1)
    assert client.get(link).status_code == 200
