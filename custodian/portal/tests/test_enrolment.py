"""Portal enrolment: the two figures printed on every bill are not enough to take an account over. Signing up
never changes the e-mail address on file; where one is on file and differs, the confirmation link goes there
(the address signing up is told to look there); opening a link confirms nothing (the page's button does); a
confirmed online account is never replaced by a sign-up, and its holder is told; a customer with no e-mail on
file gets a letter once an online account is opened; the answer is the same whether or not the account
number exists. Also: an unconfirmed sign-up gives way, links expire, bank details are masked until the
password is entered again, the confirmation link printed in development is whole.

Personas: Alice (a customer with an e-mail address on file; the bill's figures are those of the review's
finding), Bob (another customer), Carol (a customer with no e-mail address on file), and an attacker holding
one of Alice's paper bills."""

import re
import time
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from conftest import PAPER_FORM, application_for
from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import content_parse
from custodian.portal.models import PortalAccount
from custodian.portal.services import email_on_file
from custodian.testing import letter_text
from custodian.testing.portal import PASSWORD, confirm_link, enrol, link_confirmed, signed_in

LINK = re.compile(r"http://testserver(/portal/confirm/[^\s]+/)")
USAGE = '{"electric":{"unit":"kWh","months":[{"month":"2026-10","total":%s}]}}'
ALICE_ON_FILE = "alice@example.com"
ATTACKER = "attacker@example.org"


def bill(account_number, kwh):
    return {"account_number": account_number, "last_electric_kwh": kwh}


ALICE_BILL = bill("0010000010", 378)
BOB_BILL = bill("0010000020", 512)
CAROL_BILL = bill("0010000030", 240)


@pytest.fixture
def alice(db):
    """Alice Anderson, with an e-mail address on file; her bill says 0010000010 and 378 kWh."""
    return customer_enrol(
        application=application_for(
            "Alice Anderson", ALICE_ON_FILE, "507-555-0101", "0010000010", meter_usage=USAGE % 378.2
        ),
        submission=PAPER_FORM,
    )


@pytest.fixture
def bob(db):
    """Bob Brandt, another customer."""
    return customer_enrol(
        application=application_for(
            "Bob Brandt", "bob@example.net", "507-555-0202", "0010000020", meter_usage=USAGE % 512
        ),
        submission=PAPER_FORM,
    )


@pytest.fixture
def carol(db):
    """Carol Cruz, who gave no e-mail address on her application."""
    app = application_for("Carol Cruz", "", "507-555-0303", "0010000030", meter_usage=USAGE % 240)
    del app.personal["email"]
    return customer_enrol(application=app, submission=PAPER_FORM)


def sign_up(client, figures, email):
    return client.post("/portal/enrol/", {**figures, "email": email, "password": PASSWORD})


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def can_sign_in(email) -> bool:
    return Client().post("/portal/sign-in/", {"email": email, "password": PASSWORD}).status_code == 302


def test_an_attacker_holding_a_paper_bill_gets_no_link_and_changes_nothing(alice):
    attacker = Client()
    response = sign_up(attacker, ALICE_BILL, ATTACKER)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    # The attacker's mailbox is told to look at the address on file; it holds no link.
    (told,) = to(ATTACKER)
    assert "/portal/" not in told.body and "address on file" in told.body
    # The link went to Alice's address on file, which the bill does not give.
    (asked,) = to(ALICE_ON_FILE)
    assert LINK.search(asked.body) and "another e-mail address" in asked.body
    assert PortalAccount.objects.get(customer=alice).confirmed_at is None
    assert not can_sign_in(ATTACKER)
    assert email_on_file(alice.pk) == ALICE_ON_FILE


def test_opening_a_confirmation_link_confirms_nothing(alice):
    sign_up(Client(), ALICE_BILL, ATTACKER)
    link = confirm_link(to=ALICE_ON_FILE)
    scanner = Client()
    page = scanner.get(link)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    scanner.get(link)  # a mail scanner opens links, maybe twice
    assert PortalAccount.objects.get(customer=alice).confirmed_at is None and not can_sign_in(ATTACKER)


def test_alice_can_still_enrol_and_her_address_on_file_stays_hers(alice):
    # With the address on file: the link comes to it.
    client = Client()
    sign_up(client, ALICE_BILL, ALICE_ON_FILE)
    page = link_confirmed(client, confirm_link(to=ALICE_ON_FILE))
    assert page.status_code == 200 and "The sign-up is confirmed" in page.content.decode()
    assert can_sign_in(ALICE_ON_FILE)
    confirmed = AccessEvent.objects.get(action=Action.PORTAL_SIGNED_UP)
    assert confirmed.customer_id == str(alice.pk)


def test_alice_can_sign_in_with_another_address_confirmed_from_the_one_on_file(alice):
    client = Client()
    sign_up(client, ALICE_BILL, "alice.home@example.org")
    assert link_confirmed(client, confirm_link(to=ALICE_ON_FILE)).status_code == 200
    assert can_sign_in("alice.home@example.org")
    # Signing in with it does not make it the address bills and notices go to.
    assert email_on_file(alice.pk) == ALICE_ON_FILE


def test_a_confirmed_account_is_never_replaced_and_its_holder_is_told(alice):
    signed_in_alice = Client()
    sign_up(signed_in_alice, ALICE_BILL, "alice.home@example.org")
    link_confirmed(signed_in_alice, confirm_link(to=ALICE_ON_FILE))
    mail.outbox.clear()
    response = sign_up(Client(), ALICE_BILL, ATTACKER)
    assert "don&#x27;t match our records" in response.content.decode()
    assert not to(ATTACKER)
    # Alice hears of it where she signs in and at the address on file; neither message carries a link.
    for address in ("alice.home@example.org", ALICE_ON_FILE):
        (notice,) = to(address)
        assert "refused" in notice.body and "/portal/" not in notice.body
    assert OutboundMessage.objects.filter(template="portal_sign_up_refused").count() == 2  # on the record
    assert can_sign_in("alice.home@example.org") and not can_sign_in(ATTACKER)


def test_another_customers_figures_open_nothing(alice, bob):
    mixed = bill(ALICE_BILL["account_number"], BOB_BILL["last_electric_kwh"])
    response = sign_up(Client(), mixed, "bob@example.net")
    assert "don&#x27;t match our records" in response.content.decode() and not mail.outbox


def answer(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_same_answer_whether_or_not_the_account_number_exists(alice):
    unknown = sign_up(Client(), bill("0099999999", 900), ATTACKER)
    wrong_figure = sign_up(Client(), bill(ALICE_BILL["account_number"], 900), ATTACKER)
    assert unknown.status_code == wrong_figure.status_code == 400
    assert answer(unknown).replace("0099999999", "X") == answer(wrong_figure).replace("0010000010", "X")
    # And a sign-up that passes the proof says the same whichever address the link went to.
    sent_to_on_file = answer(sign_up(Client(), ALICE_BILL, ATTACKER))
    sent_to_given = answer(sign_up(Client(), ALICE_BILL, ALICE_ON_FILE))
    assert sent_to_on_file.replace(ATTACKER, "X") == sent_to_given.replace(ALICE_ON_FILE, "X")


def test_a_customer_with_no_email_on_file_gets_a_letter_once_online_access_is_opened(carol):
    client = Client()
    sign_up(client, CAROL_BILL, "carol@example.org")
    assert not OutboundMessage.objects.filter(channel="letter").exists()  # nothing until it is confirmed
    assert link_confirmed(client, confirm_link(to="carol@example.org")).status_code == 200
    letter = OutboundMessage.objects.get(channel="letter", to_customer=carol)
    assert letter.template == "portal_signed_up" and letter.status == "queued"
    assert can_sign_in("carol@example.org") and email_on_file(carol.pk) == ""


def test_an_unconfirmed_sign_up_gives_way_to_the_customer(alice):
    squatter = Client()
    sign_up(squatter, ALICE_BILL, ATTACKER)
    squatter_link = confirm_link(to=ALICE_ON_FILE)
    # Alice signs up later, with the same proof: it works, and the first sign-up's link is dead.
    real = Client()
    response = sign_up(real, ALICE_BILL, ALICE_ON_FILE)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert squatter.get(squatter_link).status_code == 400
    assert squatter.post(squatter_link).status_code == 400
    assert link_confirmed(real, confirm_link(to=ALICE_ON_FILE)).status_code == 200
    assert PortalAccount.objects.get(customer=alice).confirmed_at is not None
    assert can_sign_in(ALICE_ON_FILE) and not can_sign_in(ATTACKER)


def test_confirmation_links_expire(alice, monkeypatch):
    client = Client()
    sign_up(client, ALICE_BILL, ALICE_ON_FILE)
    link = confirm_link()
    later = time.time() + 49 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.get(link).status_code == 400 and client.post(link).status_code == 400


@pytest.fixture
def paying_by_bank(db):
    """A household that pays by automatic bank payment, with an e-mail address on file (without one, the
    online account is limited and shows bank details masked even after the password: see
    test_binding_acts_wait_for_the_mailed_code.py)."""

    app = next(
        a
        for a in (application(7, i, date(2026, 11, 26)) for i in range(50))
        if "bank_account" in a.personal and "email" in a.personal
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
    assert wrong.status_code == 400 and account not in client.get("/portal/me/").content.decode()
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
    assert client.post(link).status_code == 302


def test_a_sign_up_made_in_spanish_gets_its_letter_in_spanish(carol):
    """Carol never chose a language in the portal; she signs up and confirms on the Spanish pages: the letter
    to her mailing address is in Spanish (the page's language, the best sign of the household's)."""
    client = Client()
    client.post("/portal/enrol/?lang=es", {**CAROL_BILL, "email": "carol@example.org", "password": PASSWORD})
    (sent,) = to("carol@example.org")
    assert f"{confirm_link(to='carol@example.org')}?lang=es" in sent.body  # the link opens in Spanish
    assert client.post(f"{confirm_link(to='carol@example.org')}?lang=es").status_code == 302
    letter = OutboundMessage.objects.get(channel="letter", to_customer=carol)
    headers, _body = content_parse(letter_text(letter))
    assert headers["Language"] == "es"
    assert headers["Subject"] == "Se abrió el acceso en línea a su cuenta de servicios públicos"
