"""A customer whose sign-in is locked after repeated wrong passwords reads why, for how long and that a
password reset unlocks it, from any network; an address with no account locks the same way and reads the same
page; one address is slowed after many failed sign-ins, and never by its successful ones."""

import re

from django.core import mail
from django.test import Client

from custodian.portal import account_views
from custodian.testing.portal import PASSWORD, signed_in

NEW = "another long portal passphrase"


def fail(client, email, times):
    for _ in range(times):
        client.post("/portal/sign-in/", {"email": email, "password": "wrong"})


def alert(response) -> str:
    return re.search(r'<p role="alert">(.*?)</p>', response.content.decode(), re.S).group(1)


def test_a_locked_sign_in_says_why_for_how_long_and_how_to_reset_from_any_network(households, settings):
    (_, app), _ = households
    signed_in(app, "pat@example.com")
    fail(Client(REMOTE_ADDR="192.0.2.10"), "pat@example.com", settings.AXES_FAILURE_LIMIT)
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")  # the customer, from another network, with the right one
    locked = elsewhere.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    said = alert(locked)
    assert "locked for 15 minutes" in said and "repeated failed sign-ins" in said
    page = locked.content.decode()
    assert "network" not in page and "ask IT" not in page
    assert 'href="/portal/password/"' in page

    # An address with no account is locked alike: the page does not tell whether an address has one.
    fail(Client(REMOTE_ADDR="192.0.2.11"), "nobody@example.com", settings.AXES_FAILURE_LIMIT)
    unknown = elsewhere.post("/portal/sign-in/", {"email": "nobody@example.com", "password": PASSWORD})
    assert unknown.status_code == 429 and alert(unknown) == said


def test_a_password_set_from_the_e_mailed_link_unlocks_the_sign_in(households, settings):
    (_, app), _ = households
    signed_in(app, "pat@example.com")
    client = Client()
    fail(client, "pat@example.com", settings.AXES_FAILURE_LIMIT)
    client.post("/portal/password/", {"email": "pat@example.com"})
    link = re.search(r"http://testserver(/portal/password/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link, {"password": NEW})
    assert client.post("/portal/sign-in/", {"email": "pat@example.com", "password": NEW}).status_code == 302


def test_one_address_is_slowed_by_its_failed_sign_ins_only(households, monkeypatch):
    (_, app), _ = households
    signed_in(app, "pat@example.com")
    monkeypatch.setattr(account_views, "SIGN_IN_FAILURES_PER_ADDRESS", 3)
    office = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(5):  # a household signing in often from one address
        assert (
            office.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD}).status_code
            == 302
        )
        office.post("/portal/sign-out/")
    for n in range(3):
        office.post("/portal/sign-in/", {"email": f"guess{n}@example.com", "password": "wrong"})
    slowed = office.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD})
    assert slowed.status_code == 429 and "from your network" in slowed.content.decode()
