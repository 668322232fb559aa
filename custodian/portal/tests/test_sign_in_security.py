"""The sign-in's security in the portal: switching an authenticator app on or off and changing the password
each ask for the current password in the same form, so a session alone (left open, or stolen) can't lock
the customer out; each change is an event in the access log and an e-mail to the customer, and the page
says what happened. Personas: a customer (a demo household) and an attacker holding their open session."""

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.staff import mfa
from custodian.testing import current_code
from custodian.testing.portal import PASSWORD, signed_in

PAGE = "/portal/me/security/"
NEW_PASSWORD = "another long portal passphrase"


def on(client, password):
    client.get(PAGE)
    device = TOTPDevice.objects.get(confirmed=False)
    return client.post(
        PAGE,
        {
            "change": "authenticator_on",
            "authenticator_on-password": password,
            "authenticator_on-code": current_code(device),
        },
        follow=True,
    )


def customer_mail():
    return [m for m in mail.outbox if "My account" in m.subject and "sign-in" in m.subject]


@pytest.fixture
def session(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    mail.outbox.clear()
    return customer, client


def test_a_session_alone_cannot_switch_on_an_authenticator(session):
    customer, attacker = session
    refused = on(attacker, "a guess at the password")
    assert refused.status_code == 400 and "not your current password" in refused.content.decode()
    # The form without the password field at all (the old page's) changes nothing either.
    device = TOTPDevice.objects.get(confirmed=False)
    attacker.post(PAGE, {"code": current_code(device)})
    attacker.post(PAGE, {"change": "authenticator_on", "authenticator_on-code": current_code(device)})
    user = customer.portal_account.user
    assert not mfa.has_confirmed_totp(user) and not customer_mail()
    assert not AccessEvent.objects.filter(action=Action.PORTAL_AUTHENTICATOR_ON).exists()


def test_switching_the_authenticator_on_and_off_asks_the_password_and_is_logged_and_told(session):
    customer, client = session
    done = on(client, PASSWORD)
    assert "authenticator app is on" in done.content.decode() and "Recovery codes" in done.content.decode()
    user = customer.portal_account.user
    assert mfa.has_confirmed_totp(user)
    assert AccessEvent.objects.get(action=Action.PORTAL_AUTHENTICATOR_ON).customer_id == str(customer.pk)
    assert any("switched on" in m.body for m in customer_mail())
    # Off: the password again.
    wrong = client.post(PAGE, {"change": "authenticator_off", "authenticator_off-password": "nope"})
    assert wrong.status_code == 400 and mfa.has_confirmed_totp(user)
    off = client.post(
        PAGE, {"change": "authenticator_off", "authenticator_off-password": PASSWORD}, follow=True
    )
    assert "authenticator app is off" in off.content.decode() and not mfa.has_confirmed_totp(user)
    assert AccessEvent.objects.filter(action=Action.PORTAL_AUTHENTICATOR_OFF).count() == 1
    assert any("switched off" in m.body for m in customer_mail())


def test_changing_the_password_asks_the_current_one_and_is_logged_and_told(households, session):
    (_, app), _ = households
    customer, client = session
    refused = client.post(
        PAGE, {"change": "password", "password-password": "nope", "password-new_password": NEW_PASSWORD}
    )
    assert refused.status_code == 400 and not customer_mail()
    changed = client.post(
        PAGE,
        {"change": "password", "password-password": PASSWORD, "password-new_password": NEW_PASSWORD},
        follow=True,
    )
    assert "new password is set" in changed.content.decode()
    assert client.get("/portal/me/").status_code == 200  # this session stays signed in
    event = AccessEvent.objects.get(action=Action.PORTAL_PASSWORD_CHANGED)
    assert event.customer_id == str(customer.pk)
    (told,) = [m for m in customer_mail() if m.to == ["owner@example.org"]]
    assert "password" in told.body and "/portal/" not in told.body
    # The address on file is told too, where it is not the address the customer signs in with.
    assert [m for m in customer_mail() if m.to == [app.personal["email"]]]
    fresh = Client()
    old = {"email": "owner@example.org", "password": PASSWORD}
    assert fresh.post("/portal/sign-in/", old).status_code == 400
    new = {"email": "owner@example.org", "password": NEW_PASSWORD}
    assert fresh.post("/portal/sign-in/", new).status_code == 302
