"""Signing up with an address that signs in already gives away nothing: the page answers "check your e-mail"
as for any sign-up, the address's owner is told someone tried (that they have an account, how to sign in or
set a new password, nothing of the account typed), no second account is made, and the sign-up's other
effects are those of any sign-up (an unconfirmed one gives way), so a bill's figures can't be used to learn
whether an address has an account. The enrolment's limit per account number still counts these.

Personas: Alice (online, signing in as alice.online@example.org), Ana (online, who chose Spanish), Carol (no
e-mail address on file, not online) and a prober holding one of Carol's paper bills."""

import re

import pytest
from django.core import mail
from django.test import Client

from custodian.outbox.models import OutboundMessage
from custodian.portal.models import PortalAccount
from custodian.testing.portal import CAROL_BILL, PASSWORD, confirm_link, signed_in

ALICE = "alice.online@example.org"
ANA = "ana.online@example.org"
PROBER = "prober@example.net"
NOBODY = "nobody.yet@example.net"
PROBERS_PASSWORD = "the prober's own passphrase"


@pytest.fixture
def alice(households):
    (customer, app), _ = households
    signed_in(app, ALICE)
    mail.outbox.clear()
    return customer


def sign_up(email, client=None):
    return (client or Client()).post(
        "/portal/enrol/", {**CAROL_BILL, "email": email, "password": PROBERS_PASSWORD}
    )


def page(response, email) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(email, "X")


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_page_answers_the_same_whether_or_not_the_address_signs_in(alice, carol):
    known = sign_up(ALICE)
    unknown = sign_up(NOBODY)
    assert known.status_code == unknown.status_code == 200
    assert "Check your e-mail" in known.content.decode()
    assert page(known, ALICE) == page(unknown, NOBODY)


def test_the_address_s_owner_is_told_and_nothing_else_changes(alice, carol):
    sign_up(ALICE)
    (told,) = to(ALICE)
    assert told.subject == "Someone tried to sign up for My account with your e-mail address"
    assert "already signs in to My account" in told.body and "Forgot your password?" in told.body
    # Nothing of the account the prober typed, and no link to follow.
    assert CAROL_BILL["account_number"] not in told.body and "/portal/" not in told.body
    record = OutboundMessage.objects.get(template="portal_sign_up_address_in_use")
    assert record.to_customer_id == alice.pk  # on Alice's record, not Carol's
    assert len(mail.outbox) == 1  # nobody else is written to
    assert not PortalAccount.objects.filter(customer=carol).exists()
    # Alice's sign-in is hers as before; the prober's password opens nothing.
    assert Client().post("/portal/sign-in/", {"email": ALICE, "password": PASSWORD}).status_code == 302
    assert (
        Client().post("/portal/sign-in/", {"email": ALICE, "password": PROBERS_PASSWORD}).status_code == 400
    )


def test_an_unconfirmed_sign_up_gives_way_whichever_address_follows(alice, carol):
    """The prober's own earlier sign-up (its link came to the prober: Carol has no address on file) gives way
    to a later sign-up whether or not its address signs in, so the link's fate tells nothing either."""
    for later in (ALICE, NOBODY):
        prober = Client()
        sign_up(PROBER, prober)
        link = confirm_link(to=PROBER)
        sign_up(later)
        assert prober.get(link).status_code == 400, later


def test_the_owner_is_told_in_the_language_they_chose(households, carol):
    _, (ana, app) = households
    assert signed_in(app, ANA).get("/portal/me/?lang=es").status_code == 200
    mail.outbox.clear()
    sign_up(ANA)  # from an English page
    (told,) = to(ANA)
    assert told.subject == "Alguien intentó registrarse en Mi cuenta con su dirección de correo electrónico"
    assert "¿Olvidó su contraseña?" in told.body


def test_the_limit_per_account_number_counts_these_sign_ups(alice, carol):
    for _attempt in range(5):
        assert "Check your e-mail" in sign_up(ALICE).content.decode()
    assert sign_up(ALICE).status_code == 429
