"""A forgotten portal password: a link by e-mail through the outbox, the same answer for any address, the link
good once and for a few hours, the change in the access log."""

import re

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import Client

from custodian.audit.models import AccessEvent
from custodian.outbox.models import OutboundMessage
from custodian.portal.account_views import password_forgotten
from custodian.portal.password_reset import RESETS_PER_HOUR
from custodian.testing.portal import PASSWORD, signed_in

NEW = "another long portal passphrase"


def ask(client, email):
    return client.post("/portal/password/", {"email": email}, follow=True).content.decode()


def test_a_reset_link_by_e_mail_sets_a_new_password_once(households):  # noqa: F811
    (customer, app), _ = households
    signed_in(app, "pat@example.com")
    client = Client()
    before = len(mail.outbox)
    unknown = ask(client, "nobody@example.com")
    assert len(mail.outbox) == before  # nothing sent, and the page says the same as for a known address
    known = ask(client, "pat@example.com")
    message = "If that address signs in to My account, we sent it a link"
    assert message in unknown and message in known
    sent = mail.outbox[-1]
    assert sent.to == ["pat@example.com"] and OutboundMessage.objects.filter(template="portal_password_reset")
    link = re.search(r"http://testserver(/portal/password/[^\s]+/)", sent.body).group(1)
    assert "Choose a new password" in client.get(link).content.decode()
    weak = client.post(link, {"password": "short"})
    assert weak.status_code == 200 and "New password" in weak.content.decode()  # the field named
    done = client.post(link, {"password": NEW}, follow=True).content.decode()
    assert "Your new password is set." in done
    assert client.post("/portal/sign-in/", {"email": "pat@example.com", "password": NEW}).status_code == 302
    assert (
        Client().post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD}).status_code
        == 400
    )
    assert client.get(link).status_code == 400  # used once: the token changed with the password
    event = AccessEvent.objects.get(action="portal_password_reset")
    assert event.customer_id == str(customer.pk) and event.actor_kind == "customer"


def test_a_forged_or_mangled_link_is_refused(households):  # noqa: F811
    client = Client()
    for path in (
        "/portal/password/MQ/forged-token/",
        "/portal/password/!!!/x/",
        "/portal/password/9999999/x/",
    ):
        assert client.get(path).status_code == 400


def test_a_reset_ends_every_session_signed_in_with_the_old_password(households):  # noqa: F811
    """Someone who had the old password and a session keeps nothing once the customer resets it."""
    (_, app), _ = households
    earlier = signed_in(app, "pat@example.com")
    assert earlier.get("/portal/me/").status_code == 200
    client = Client()
    ask(client, "pat@example.com")
    link = re.search(r"http://testserver(/portal/password/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link, {"password": NEW})
    after = earlier.get("/portal/me/")
    assert after.status_code == 302 and "/portal/sign-in/" in after["Location"]


def test_the_answer_is_sent_before_the_address_is_looked_up_or_mailed(households, rf):  # noqa: F811
    """The same answer in the same time: the look-up and the e-mail happen once the response has gone (the
    server's close), so an address that signs in answers no later than one that does not."""
    (customer, app), _ = households
    signed_in(app, "pat@example.com")
    request = rf.post("/portal/password/", {"email": "pat@example.com"})
    request.LANGUAGE_CODE = "en"  # what the locale middleware sets
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    before = (len(mail.outbox), OutboundMessage.objects.count())
    response = password_forgotten(request)
    assert response.status_code == 302 and response["Location"] == "/portal/sign-in/"
    assert (len(mail.outbox), OutboundMessage.objects.count()) == before  # nothing looked up or sent yet
    response.close()  # what the WSGI server does once the body is sent
    assert len(mail.outbox) == before[0] + 1 and mail.outbox[-1].to == ["pat@example.com"]


def test_a_password_set_from_a_reset_link_is_told_at_both_addresses(households):  # noqa: F811
    """As a change in My account is: at the address the account signs in with and at the address on file, so
    a reset the customer did not ask for does not go unnoticed."""
    (customer, app), _ = households
    signed_in(app, "pat@example.com")
    on_file = app.personal["email"]
    assert on_file != "pat@example.com"
    client = Client()
    ask(client, "pat@example.com")
    link = re.search(r"http://testserver(/portal/password/[^\s]+/)", mail.outbox[-1].body).group(1)
    mail.outbox.clear()
    client.post(link, {"password": NEW})
    told = {m.to[0]: m for m in mail.outbox if m.subject == "My account: your sign-in was changed"}
    assert set(told) == {"pat@example.com", on_file}
    assert all("set from a link e-mailed to ask for a new one" in m.body for m in told.values())
    kept = OutboundMessage.objects.filter(template="portal_sign_in_changed", to_customer=customer)
    assert kept.count() == 2


def test_reset_links_to_one_account_are_capped_an_hour_whatever_networks_ask(households):  # noqa: F811
    """Three networks asking ten times each for Pat's address sent her thirty links in a minute: now three an
    hour reach her, and every ask is answered as before (the page answers before the look-up)."""
    (_, app), _ = households
    signed_in(app, "pat@example.com")
    mail.outbox.clear()
    answers = set()
    for network in ("198.51.100.7", "203.0.113.8", "192.0.2.9"):
        client = Client(REMOTE_ADDR=network)
        for _ask in range(3):
            answers.add(ask(client, "pat@example.com").count("we sent it a link"))
    assert answers == {1}
    sent = [m for m in mail.outbox if m.to == ["pat@example.com"]]
    assert len(sent) == RESETS_PER_HOUR == 3
