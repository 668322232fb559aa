"""A link that works once and opens a sign-in (a password reset, a sign-up's confirmation, a new address's
confirmation, a representative's invitation) goes only in the e-mail: the text kept as the customer's
correspondence says a one-time link was there. Personas: a customer who asks for a new password, and Rosa
Reyes, who holds a power of attorney to view the customer's letters and nothing more: reading "Letters and
messages" must not let her set the customer's password."""

import re
from pathlib import Path

from django.core import mail
from django.test import Client

from custodian.outbox.services import ONE_TIME_LINKS, PUBLIC_LINKS
from custodian.testing import power_of_attorney
from custodian.testing.portal import PASSWORD, acting_for, signed_in

RESET_LINK = re.compile(r"http://testserver(/portal/password/[^\s]+/)")
ONE_TIME_PATHS = (
    "/portal/password/",
    "/portal/confirm/",
    "/portal/contact/confirm/",
    "/portal/representative/",
)


def test_a_view_only_representative_reads_the_reset_e_mail_without_its_link(
    households, service_rep, privacy_officer
):
    (customer, app), _ = households
    signed_in(app, "ann@example.com")
    _rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view",), ["correspondence"])
    )
    mail.outbox.clear()
    Client().post("/portal/password/", {"email": "ann@example.com"})
    (sent,) = [m for m in mail.outbox if m.to == ["ann@example.com"]]
    link = RESET_LINK.search(sent.body).group(1)  # the customer's e-mail carries the link

    page = rosa.get("/portal/me/messages/").content.decode()
    assert "a link that worked once: it is only in the e-mail we sent" in page
    assert not any(path in page for path in ONE_TIME_PATHS), "a one-time link is shown with the letters"

    # And the link still works for the customer, from the e-mail.
    assert Client().post(link, {"password": "a new long passphrase", "confirm": "a new long passphrase"})
    customer_page = signed_in_again("ann@example.com").get("/portal/me/messages/").content.decode()
    assert not any(path in customer_page for path in ONE_TIME_PATHS)


def signed_in_again(email: str) -> Client:
    client = Client()
    for password in ("a new long passphrase", PASSWORD):
        if client.post("/portal/sign-in/", {"email": email, "password": password}).status_code == 302:
            return client
    raise AssertionError("could not sign in")


def test_every_link_in_a_message_template_is_known_as_one_time_or_public():
    """A new template's link must be put on one list: a one-time link kept by mistake opens a sign-in."""
    root = Path(__file__).resolve().parents[2]
    found = set()
    for template in root.glob("*/templates/outbox/**/*.txt"):
        found |= set(re.findall(r"{{\s*(\w*url\w*)\s*}}", template.read_text(encoding="utf-8")))
    assert found, "no message template read"
    assert found <= ONE_TIME_LINKS | PUBLIC_LINKS, (
        f"links on no list: {sorted(found - ONE_TIME_LINKS - PUBLIC_LINKS)}"
    )
