"""A sign-up confirmed only from an address typed on the page (the customer has no e-mail on file) opens an
online account that is limited: it sees the data, bills and usage and pays, but every other page (a consent,
an app, deleting data, contact details, the marketing choice...) is refused with a page saying how to lift the
limit, until the code printed in the letter mailed to the mailing address on file is entered. Only a hash of
the code is kept; it expires and stops after a few wrong tries; the customer may ask for a new letter; the
lift is a change in the access log. And "Delete my data" asks everyone for the password again first.

Personas: an attacker holding Carol's paper bill, Carol (no e-mail address on file; she gets the letter),
and Alice (a customer with an e-mail address on file)."""

import base64
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import PAPER_FORM, application_for
from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.customers.services import customer_enrol
from custodian.disclosures.selectors import consent_list
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letters_mail
from custodian.portal.access import OPEN_WHILE_LIMITED
from custodian.portal.mailed_code import CODE_TRIES, code_printed
from custodian.portal.models import PortalAccount
from custodian.testing import export_rows, letter_text
from custodian.testing.portal import CAROL_BILL, PASSWORD, USAGE, confirm_link, link_confirmed, online
from custodian.testing.routes import named_routes
from custodian.vault.gate import customer_actor, reveal_documents
from custodian.vault.models import SealedDocument

ALICE_BILL = {"account_number": "0010000010", "last_electric_kwh": 378}
ALICE_ON_FILE = "alice@example.com"
ATTACKER = "attacker@example.org"
CODE = re.compile(r"(?:Your code|Su código): ([A-Z0-9]{5}-[A-Z0-9]{5})")
# What a limited account may open: what the bill that opened it shows, paying, asking, its own sign-in.
# Adding a page here is a decision that it binds nobody and tells one bill's holder nothing the bill does not;
# every other page is refused while limited (deny by default).
SEEING_AND_PAYING = {
    *("home", "bills", "bill", "bill_pdf", "statement", "pay", "pay_deposit"),
    *("requests", "request", "security", "reauthenticate", "limit_lift"),
}
# Beyond the bill: the hourly usage and its downloads, the comparison, who has seen the data and to whom it
# was given, the apps authorised.
BEYOND_THE_BILL = {
    *("usage", "green_button", "comparison", "comparison_pdf", "accesses", "access_receipt", "disclosures"),
    "connected_apps",
}
BINDING = {
    *("consents", "consent_revoke", "connect_authorize", "connected_app_revoke", "erasure"),
    *("update_contact", "marketing", "paperless", "autopay", "payment_agreement", "budget", "moving"),
    *("act_for", "disagreement", "usage_upload", "messages", "letter_pdf", "download"),
}


@pytest.fixture
def alice(db):
    """Alice Anderson, with an e-mail address on file."""
    app = application_for(
        "Alice Anderson", ALICE_ON_FILE, "507-555-0101", "0010000010", meter_usage=USAGE % 378
    )
    return customer_enrol(application=app, submission=PAPER_FORM)


def code_in_letter(customer) -> str:
    """The code the letter prints (drawn into the mailing vendor's PDF only: the kept text says a code was
    there, `outbox/tests/test_letters.py` follows it onto the paper)."""
    letter = OutboundMessage.objects.filter(channel="letter", to_customer=customer).latest("pk")
    assert letter.template == "portal_signed_up"
    assert not CODE.search(letter_text(letter)), "the code is kept in the letter's text"
    return code_printed(customer.pk)


def refused(response) -> bool:
    return response.status_code == 403 and reverse("portal:limit_lift") in response.content.decode()


def enter(client, code):
    return client.post("/portal/me/code-from-our-letter/", {"step": "code", "code": code})


def lifted_events(customer) -> int:
    return AccessEvent.objects.filter(action=Action.PORTAL_LIMIT_LIFTED, customer_id=str(customer.pk)).count()


def test_an_attacker_holding_carols_bill_sees_but_binds_her_to_nothing(carol):
    attacker = online(CAROL_BILL, ATTACKER)
    assert PortalAccount.objects.get(customer=carol).limited
    assert attacker.get("/portal/me/").status_code == 200
    assert attacker.get("/portal/me/bills/").status_code == 200
    consent = {
        "recipient_name": "Data Broker LLC",
        "recipient_contact": ATTACKER,
        "categories": ["meter_usage"],
        "purpose": "resale",
        "covers_until": "2027-12-31",
    }
    assert refused(attacker.post("/portal/me/consents/", consent))
    assert list(consent_list(fetched_by=customer_actor(carol.pk), customer_id=carol.pk)) == []
    assert refused(attacker.post("/portal/me/delete-my-data/", {"understood": "on"}))
    assert refused(attacker.post("/portal/me/contact/", {"email": ATTACKER, "phone": "507-555-9999"}))
    assert refused(attacker.get("/portal/connect/authorize/"))
    # The page it lands on says how the limit is lifted, and the home page offers none of those forms.
    assert "/portal/me/contact/" not in attacker.get("/portal/me/").content.decode()
    # The letter holding the code is out of the account's reach: the letters page and the download.
    assert refused(attacker.get("/portal/me/messages/"))
    assert refused(attacker.get("/portal/me/download.json"))


def test_an_attacker_holding_carols_bill_learns_nothing_the_bill_does_not_show(carol):
    attacker = online(CAROL_BILL, ATTACKER)
    home = attacker.get("/portal/me/").content.decode()
    assert "Carol Cruz" in home and "0010000030" in home  # printed on the bill
    assert "507-555-0303" not in home  # her phone number is not
    assert "your usage hour by hour, who has seen your data" in home
    for page in ("/portal/me/usage/", "/portal/me/who-has-seen-my-data/", "/portal/me/connected-apps/"):
        assert refused(attacker.get(page)), page
    # Carol, once she enters the code from her letter, sees all of it.
    enter(attacker, code_in_letter(carol))
    assert "507-555-0303" in attacker.get("/portal/me/").content.decode()


def test_every_page_that_is_not_seeing_or_paying_refuses_a_limited_account(carol):
    """Every portal page a signed-in customer opens, from the URL configuration: those outside the short list
    of seeing and paying refuse a limited account, GET and POST alike, before the page does anything."""
    assert OPEN_WHILE_LIMITED == SEEING_AND_PAYING
    attacker = online(CAROL_BILL, ATTACKER)
    anonymous = Client()
    behind_sign_in = set()
    for name, route in named_routes("portal/").items():
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "json" if m.group(1) == "fmt" else "1", route)
        answer = anonymous.get(path)
        page = name.split(":", 1)[1]
        if not (answer.status_code == 302 and "/portal/sign-in/" in answer["Location"]) or page == "code":
            continue  # a page for whoever is signed out (sign-up, sign-in and its second factor, links)
        behind_sign_in.add(page)
        if page in OPEN_WHILE_LIMITED:
            continue
        assert refused(attacker.get(path)), page
        assert refused(attacker.post(path, {"choice": "on"})), page
    assert behind_sign_in - OPEN_WHILE_LIMITED >= BINDING | BEYOND_THE_BILL
    assert behind_sign_in >= OPEN_WHILE_LIMITED


def test_carol_lifts_the_limit_with_the_code_from_her_letter(carol):
    carol_online = online(CAROL_BILL, "carol@example.org")
    account = PortalAccount.objects.get(customer=carol)
    code = code_in_letter(carol)
    # Only a keyed hash of the code is kept.
    assert code.replace("-", "") not in account.code_hash and len(account.code_hash) == 64
    assert refused(carol_online.get("/portal/me/consents/"))
    answer = enter(carol_online, code.lower().replace("-", " "))  # as typed off paper
    assert answer.status_code == 302 and answer["Location"] == "/portal/me/"
    account.refresh_from_db()
    assert not account.limited and account.code_hash == ""
    assert lifted_events(carol) == 1
    assert carol_online.get("/portal/me/consents/").status_code == 200
    assert carol_online.get("/portal/me/messages/").status_code == 200


def test_wrong_codes_use_the_code_up_and_a_new_letter_brings_a_new_one(carol):
    attacker = online(CAROL_BILL, ATTACKER)
    first = code_in_letter(carol)
    for _ in range(CODE_TRIES):
        answer = enter(attacker, "AAAAA-AAAAA")
        assert answer.status_code == 400 and "code" in answer.context["form"].errors
    assert enter(attacker, first).status_code == 400  # spent: even the right code no longer works
    assert PortalAccount.objects.get(customer=carol).limited and lifted_events(carol) == 0
    # A new letter: not twice in a day.
    attacker.post("/portal/me/code-from-our-letter/", {"step": "letter"})
    assert OutboundMessage.objects.filter(channel="letter", to_customer=carol).count() == 1
    PortalAccount.objects.filter(customer=carol).update(
        code_sent_at=PortalAccount.objects.get(customer=carol).code_sent_at - timedelta(days=2)
    )
    attacker.post("/portal/me/code-from-our-letter/", {"step": "letter"})
    assert OutboundMessage.objects.filter(channel="letter", to_customer=carol).count() == 2
    second = code_in_letter(carol)
    assert second != first and enter(attacker, first).status_code == 400
    assert enter(attacker, second).status_code == 302  # whoever gets Carol's mail holds her account


def test_the_code_expires(carol):
    carol_online = online(CAROL_BILL, "carol@example.org")
    code = code_in_letter(carol)
    account = PortalAccount.objects.get(customer=carol)
    PortalAccount.objects.filter(pk=account.pk).update(code_sent_at=account.code_sent_at - timedelta(days=31))
    assert enter(carol_online, code).status_code == 400
    assert PortalAccount.objects.get(pk=account.pk).limited


def test_a_limited_account_sees_bank_details_masked_even_after_its_password(carol):
    attacker = online(CAROL_BILL, ATTACKER)
    attacker.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})
    page = attacker.get("/portal/me/").content.decode()
    assert "123456789" not in page


@pytest.mark.parametrize("email", [ALICE_ON_FILE, ATTACKER])
def test_a_customer_with_an_email_on_file_is_never_limited(alice, email):
    """The link went to Alice's address on file either way: whoever confirmed it reads her mail."""
    client = Client()
    client.post("/portal/enrol/", {**ALICE_BILL, "email": email, "password": PASSWORD})
    assert link_confirmed(client, confirm_link(to=ALICE_ON_FILE)).status_code == 200
    assert not PortalAccount.objects.get(customer=alice).limited
    assert not OutboundMessage.objects.filter(channel="letter", to_customer=alice).exists()


def test_deleting_my_data_asks_everyone_for_the_password_again(alice):
    alice_online = online(ALICE_BILL, ALICE_ON_FILE)
    answer = alice_online.post("/portal/me/delete-my-data/", {"understood": "on"})
    assert answer.status_code == 302 and answer["Location"].startswith("/portal/me/confirm-it-is-you/")
    assert PortalAccount.objects.filter(customer=alice).exists()  # nothing deleted
    assert alice_online.get("/portal/me/delete-my-data/").status_code == 302
    follow = alice_online.post(answer["Location"], {"password": PASSWORD})
    assert follow["Location"] == "/portal/me/delete-my-data/"
    assert alice_online.get("/portal/me/delete-my-data/").status_code == 200


def test_the_code_is_printed_on_the_paper_and_kept_nowhere(carol, letter_vendor, privacy_officer):
    """The mailing vendor's PDF carries the code; the letter's kept text and the PDF kept as printed (read by
    the customer's representatives, by staff answering a data request) say a code was there instead."""
    online(CAROL_BILL, ATTACKER)
    code = code_printed(carol.pk)
    vendor, private_key = letter_vendor
    letter = OutboundMessage.objects.get(channel="letter", to_customer=carol)
    letters_mail(vendor=vendor, requested_by=privacy_officer)
    (row,) = export_rows(OutboundMessage.objects.get(pk=letter.pk).letter_export, private_key)
    printed = pdf_words(base64.b64decode(row["letter_pdf_base64"]))
    assert f"Your code: {code}" in printed
    kept = SealedDocument.objects.get(customer=carol, ref=f"outbox:{letter.pk}:printed")
    (document,) = reveal_documents(
        actor=customer_actor(carol.pk),
        customer_id=carol.pk,
        category="correspondence",
        refs=[kept.ref],
        purpose="providing_services",
    )
    kept_words = pdf_words(document.content)
    assert code not in kept_words and "a code that works once" in kept_words
    assert code not in letter_text(letter)


def pdf_words(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
