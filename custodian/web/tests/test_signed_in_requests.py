"""A signed-in request is refused the moment the session or the user stops being good: the session and the
user are read in hand-written SQL (custodian.web.sessions, custodian.staff.backends), and every safeguard of
Django's own session engine and authentication backend must still hold through a real request — an expired
or deleted session, a key that is malformed or an injection attempt, a deactivated user, a changed password,
a second factor not passed or withdrawn, and a session that is cycled at sign-in and emptied at sign-out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.portal.models import PortalAccount
from custodian.staff.backends import UserWithSignInBackend
from custodian.web.sessions import SessionStore

pytestmark = pytest.mark.django_db

PORTAL_HOME = "/portal/me/"
PASSWORD = "a long portal passphrase"


@pytest.fixture
def portal_customer(customer):
    """A customer signed in to the portal (e-mail confirmed, no authenticator app)."""
    user = get_user_model().objects.create_user(username="blind-index-of-an-address", password=PASSWORD)
    PortalAccount.objects.create(user=user, customer=customer, confirmed_at=timezone.now())
    client = Client()
    client.force_login(user)
    assert client.get(PORTAL_HOME).status_code == 200
    return client, user


def _key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_out(response):
    return response.status_code == 302 and response.url.startswith("/portal/sign-in/")


def test_an_expired_session_opens_nothing(portal_customer):
    client, _ = portal_customer
    Session.objects.filter(session_key=_key(client)).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _signed_out(client.get(PORTAL_HOME))


def test_a_session_expiring_this_instant_opens_nothing(portal_customer):
    """The row's expiry is compared as the ORM compares it (`expire_date > now`), to the second and beyond."""
    client, _ = portal_customer
    Session.objects.filter(session_key=_key(client)).update(expire_date=timezone.now())
    assert _signed_out(client.get(PORTAL_HOME))


def test_a_deleted_session_opens_nothing(portal_customer):
    client, _ = portal_customer
    Session.objects.filter(session_key=_key(client)).delete()
    assert _signed_out(client.get(PORTAL_HOME))


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "x" * 200,
        "' OR '1'='1",
        "' OR 1=1 --",
        "abcdefgh' OR expire_date > '2000-01-01",
        "%s%s%s%s",
        "abcdefgh\x00",
    ],
)
def test_a_forged_or_malformed_session_key_opens_nothing(portal_customer, key):
    _, user = portal_customer
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    response = thief.get(PORTAL_HOME)
    assert _signed_out(response)
    store = SessionStore(session_key=key)
    assert dict(store.items()) == {}
    assert store.session_key is None  # not looked up: a key Django never makes starts a new session


def test_a_nul_in_a_quoted_session_cookie_is_no_error(portal_customer):
    """Django decodes a quoted cookie's octal escapes, so a browser can send a key holding a NUL, which
    PostgreSQL refuses inside a query."""
    response = Client(HTTP_COOKIE=f'{settings.SESSION_COOKIE_NAME}="abcdefgh\\000xyz"').get(PORTAL_HOME)
    assert _signed_out(response)


def test_another_session_key_of_the_same_length_opens_nothing(portal_customer):
    client, _ = portal_customer
    key = _key(client)
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + ("a" if key[-1] != "a" else "b")
    assert _signed_out(thief.get(PORTAL_HOME))


def test_a_deactivated_user_is_signed_out_at_their_next_request(portal_customer):
    client, user = portal_customer
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert _signed_out(client.get(PORTAL_HOME))


def test_a_changed_password_ends_every_other_session(portal_customer):
    """The session holds a hash of the password; a session from before the change must not match it."""
    client, user = portal_customer
    user.set_password("another long portal passphrase")
    user.save()
    assert _signed_out(client.get(PORTAL_HOME))


def test_a_session_of_one_user_never_becomes_another(portal_customer, other_customer):
    """A session naming another user's id but carrying this user's password hash is refused."""
    client, user = portal_customer
    other = get_user_model().objects.create_user(username="another-blind-index", password=PASSWORD)
    PortalAccount.objects.create(user=other, customer=other_customer, confirmed_at=timezone.now())
    session = SessionStore(session_key=_key(client))
    session["_auth_user_id"] = str(other.pk)
    session.save()
    assert _signed_out(client.get(PORTAL_HOME))


@pytest.mark.parametrize(
    "user_id", ["1 OR 1=1", "1; DROP TABLE auth_user", "' OR ''='", "", None, "1.5", [1]]
)
def test_a_user_id_that_is_no_id_signs_in_no_one(portal_customer, user_id):
    _, user = portal_customer
    assert UserWithSignInBackend().get_user(user_id) is None
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_an_unconfirmed_sign_in_opens_nothing(portal_customer):
    client, user = portal_customer
    PortalAccount.objects.filter(user=user).update(confirmed_at=None)
    assert _signed_out(client.get(PORTAL_HOME))


def test_a_customer_who_chose_an_authenticator_is_asked_for_its_code(portal_customer):
    """The choice is read with the user on every request: turned on in another session, it is asked here at
    the next request, not at the next sign-in."""
    client, user = portal_customer
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = client.get(PORTAL_HOME)
    assert response.status_code == 302 and response.url == "/portal/sign-in/code/"


def test_a_staff_session_whose_authenticator_was_withdrawn_opens_nothing(billing_clerk, console):
    client = console(billing_clerk)
    assert client.get("/staff/").status_code == 200
    TOTPDevice.objects.filter(user=billing_clerk).delete()
    response = client.get("/staff/")
    assert response.status_code == 302


def test_a_deactivated_member_of_staff_is_out_at_once(billing_clerk, console):
    client = console(billing_clerk)
    assert client.get("/staff/").status_code == 200
    get_user_model().objects.filter(pk=billing_clerk.pk).update(is_active=False)
    assert client.get("/staff/").status_code == 302


def test_sign_in_cycles_the_key_and_sign_out_deletes_the_row(customer):
    user = get_user_model().objects.create_user(username="blind-index-of-an-address", password=PASSWORD)
    PortalAccount.objects.create(user=user, customer=customer, confirmed_at=timezone.now())
    client = Client()
    client.get("/portal/sign-in/")
    session = client.session
    session["before_sign_in"] = True
    session.save()
    before = session.session_key
    client.force_login(user)
    after = _key(client)
    assert after != before
    assert client.get(PORTAL_HOME).status_code == 200
    assert client.get("/portal/sign-out/").status_code == 405  # a link or an image can't sign anyone out
    client.post("/portal/sign-out/")
    assert not Session.objects.filter(session_key=after).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after
    assert _signed_out(replay.get(PORTAL_HOME))
