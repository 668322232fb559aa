"""An address that only looks like a customer's gets nothing of the account: the blind index lower-cases an
address, and the Kelvin sign "\u212a" lower-cased is "k", so "\u212airk.full@example.test" finds the account
of kirk.full@example.test. Every message sent after a look-up by a typed address goes to the address we hold
for the account (the reset link, the word that an address signs in already, a sign-up's confirmation link,
an e-mailed request's auto-reply), never to the address typed, which may be an attacker's mailbox.

Personas: Kirk Full (online, signing in as kirk.full@example.test, the same address on file), Mallory (who
owns the look-alike mailbox and holds a paper bill of Kirk's or of her own, Carol's)."""

import re
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client

from conftest import PAPER_FORM, application_for
from custodian.casework.mail_import import import_one
from custodian.customers.services import customer_enrol
from custodian.portal.models import PortalAccount
from custodian.portal.services import sign_in_address
from custodian.testing.portal import CAROL_BILL, PASSWORD, USAGE, confirm_link, online

KIRK = "kirk.full@example.test"
LOOK_ALIKE = "\u212airk.full@example.test"  # the Kelvin sign, then "irk.full"
KIRK_BILL = {"account_number": "0010000077", "last_electric_kwh": 310}


@pytest.fixture
def kirk(db):
    app = application_for("Kirk Full", KIRK, "507-555-0777", "0010000077", meter_usage=USAGE % 310)
    return customer_enrol(application=app, submission=PAPER_FORM)


@pytest.fixture
def kirk_online(kirk):
    online(KIRK_BILL, KIRK)
    mail.outbox.clear()
    return kirk


def to(address):
    return [m for m in mail.outbox if address in m.to]


def test_the_look_alike_is_one_sign_in_with_the_real_address():
    """What the look-ups below rest on: lower-casing folds the look-alike into Kirk's address."""
    assert LOOK_ALIKE != KIRK and LOOK_ALIKE.lower() == KIRK


def test_a_reset_asked_with_a_look_alike_goes_to_the_address_the_account_signs_in_with(kirk_online):
    Client().post("/portal/password/", {"email": LOOK_ALIKE})
    assert to(LOOK_ALIKE) == []
    (sent,) = to(KIRK)
    assert "/portal/password/" in sent.body


def test_a_sign_up_with_a_look_alike_of_an_address_in_use_tells_the_real_address(kirk_online, carol):
    Client().post("/portal/enrol/", {**CAROL_BILL, "email": LOOK_ALIKE, "password": "mallory's passphrase"})
    assert to(LOOK_ALIKE) == []
    (told,) = to(KIRK)
    assert told.subject == "Someone tried to sign up for My account with your e-mail address"


def test_a_sign_up_with_a_look_alike_of_the_address_on_file_sends_its_link_to_the_address_on_file(kirk):
    """Mallory holds Kirk's bill and types a look-alike of the address on file: the link goes to Kirk's
    mailbox, and the address his account would sign in with is his own, not hers."""
    Client().post("/portal/enrol/", {**KIRK_BILL, "email": LOOK_ALIKE, "password": "mallory's passphrase"})
    assert to(LOOK_ALIKE) == []
    assert confirm_link(to=KIRK)
    assert sign_in_address(PortalAccount.objects.get(customer=kirk)) == KIRK


def test_an_e_mailed_request_from_a_look_alike_is_acknowledged_at_the_address_on_file(kirk):
    message = EmailMessage()
    message["From"] = f"Kirk Full <{LOOK_ALIKE}>"
    message["To"] = "info@owatonnautilities.com"
    message["Subject"] = "A question about my bill"
    message["Message-ID"] = "<look-alike@example.test>"
    message.set_content("Please send me my data.")
    assert import_one(message.as_bytes())
    assert to(LOOK_ALIKE) == []
    (reply,) = to(KIRK)
    assert re.search(r"\d", reply.subject + reply.body)


def test_kirk_still_signs_in_and_resets_with_his_own_address(kirk_online):
    assert Client().post("/portal/sign-in/", {"email": KIRK, "password": PASSWORD}).status_code == 302
    Client().post("/portal/password/", {"email": KIRK})
    assert len(to(KIRK)) == 1
