"""Changing the e-mail address on file in the portal: nothing changes until the new address confirms (by the
button on the page its link opens: opening the link alone changes nothing); the old address is then told; a
link works once. Personas: a customer signed in (a demo household), and an attacker who reads the link's page
without pressing the button."""

import re

from django.core import mail
from django.test import Client

from custodian.portal.services import email_on_file
from custodian.testing.portal import signed_in

LINK = re.compile(r"http://testserver(/portal/contact/confirm/[^\s]+/)")
NEW = "new.address@example.org"


def test_a_new_address_is_recorded_only_once_confirmed_from_it_and_the_old_one_is_told(households):
    (customer, app), _ = households
    old = app.personal["email"]
    client = signed_in(app, "owner@example.org")
    mail.outbox.clear()
    response = client.post(
        "/portal/me/contact/", {"email": NEW, "phone": "", "mailing_address": ""}, follow=True
    )
    assert "We sent a link to" in response.content.decode()
    assert email_on_file(customer.pk) == old
    (asked,) = [m for m in mail.outbox if m.to == [NEW]]
    link = LINK.search(asked.body).group(1)
    # A mail scanner (or anyone) opening the link changes nothing.
    assert Client().get(link).status_code == 200
    assert email_on_file(customer.pk) == old and not [m for m in mail.outbox if m.to == [old]]
    done = Client().post(link)
    assert done.status_code == 200 and email_on_file(customer.pk) == NEW
    (told,) = [m for m in mail.outbox if m.to == [old]]
    assert "changed" in told.body and "/portal/" not in told.body
    # The link worked once.
    assert Client().post(link).status_code == 400 and Client().get(link).status_code == 400


def test_the_address_on_file_again_changes_nothing_and_sends_nothing(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    mail.outbox.clear()
    response = client.post(
        "/portal/me/contact/",
        {"email": app.personal["email"].upper(), "phone": "", "mailing_address": ""},
        follow=True,
    )
    assert "Nothing to save" in response.content.decode() and not mail.outbox


def test_a_forged_change_link_is_refused(households):
    (customer, app), _ = households
    assert Client().get("/portal/contact/confirm/forged/").status_code == 400
    assert Client().post("/portal/contact/confirm/forged/").status_code == 400
    assert email_on_file(customer.pk) == app.personal["email"]
