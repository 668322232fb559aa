"""A customer removes their telephone number or e-mail address from My account (both are voluntary, the
notice at collection says; without them we write by mail). The e-mail address stays where something rests
on it: the address the customer signs in with, or paperless billing (the refusal says what to do first).
Each removal is in the access log as a removal, and the customer is told as for any change.

The address paperless bills go to stays whoever asks: the refusal stands on the facts, not on what the asker
may read (a representative whose authority leaves out the bills is told no paperless choice, yet the bills
still go to that address alone).

Personas: a customer of a demo household signed in to My account (with an address of their own for the
sign-in, or with the address on file); Alice, paperless, and Rosa Reyes acting for her with authority over
her contact details but not her bills."""

from django.core import mail

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.billing.notices import paperless_set
from custodian.outbox.models import OutboundMessage
from custodian.portal.services import email_on_file
from custodian.testing import power_of_attorney
from custodian.testing.portal import acting_for, signed_in
from custodian.vault.gate import customer_actor, reveal

CONTACT = "/portal/me/contact/"
EMPTY = {"email": "", "phone": "", "mailing_address": ""}


def held(customer, field) -> str:
    return reveal(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        fields=[field],
        purpose="providing_services",
    ).get(field, "")


def removals(customer) -> list[str]:
    return list(
        AccessEvent.objects.filter(action=Action.VALUES_REMOVED, customer_id=str(customer.pk)).values_list(
            "categories", flat=True
        )
    )


def told(customer) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to_customer=customer, template="contact_changed"))


def test_the_customer_removes_their_telephone_number_and_is_told_at_their_e_mail_address(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    mail.outbox.clear()
    page = client.post(CONTACT, {**EMPTY, "remove_phone": "on"}, follow=True)
    assert "Removed: your telephone number." in page.content.decode()
    assert held(customer, "phone") == "" and held(customer, "name") == app.personal["name"]
    assert removals(customer) == ["phone"]
    (message,) = told(customer)
    (sent,) = [m for m in mail.outbox if m.to == [app.personal["email"]]]
    assert "telephone number on file for your utility account was removed" in sent.body
    # A second removal finds nothing to remove, and says so.
    again = client.post(CONTACT, {**EMPTY, "remove_phone": "on"})
    assert (
        again.status_code == 400
        and "Nothing to remove: we hold no telephone number" in again.content.decode()
    )


def test_an_e_mail_address_nothing_rests_on_is_removed_and_told_at_that_address(households):
    (customer, app), _ = households
    old = app.personal["email"]
    client = signed_in(app, "owner@example.org")  # signs in with another address than the one on file
    mail.outbox.clear()
    page = client.post(CONTACT, {**EMPTY, "remove_email": "on"}, follow=True)
    assert "We write to you by mail from now on." in page.content.decode()
    assert email_on_file(customer.pk) == ""
    assert removals(customer) == ["email"]
    (sent,) = [m for m in mail.outbox if m.to == [old]]
    assert "e-mail address on file for your utility account was removed" in sent.body


def test_the_address_the_customer_signs_in_with_is_not_removed(households):
    (customer, app), _ = households
    client = signed_in(app, app.personal["email"])
    page = client.post(CONTACT, {**EMPTY, "remove_email": "on", "remove_phone": "on"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "the one you sign in to My account with" in body and "507-451-2480" in body
    # All or nothing: neither the address nor the telephone number went.
    assert email_on_file(customer.pk) == app.personal["email"] and held(customer, "phone")
    assert removals(customer) == [] and told(customer) == []


def test_with_paperless_billing_on_the_address_stays_until_it_is_turned_off(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    paperless_set(customer_id=customer.pk, paperless=True, channel="portal")
    page = client.post(CONTACT, {**EMPTY, "remove_email": "on"})
    assert page.status_code == 400 and "Turn paperless billing off first" in page.content.decode()
    assert email_on_file(customer.pk) == app.personal["email"]
    client.post("/portal/me/paperless/", {"choice": "paper"})
    assert client.post(CONTACT, {**EMPTY, "remove_email": "on"}).status_code == 302
    assert email_on_file(customer.pk) == ""


def test_a_value_typed_and_removed_at_once_is_neither(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    page = client.post(CONTACT, {**EMPTY, "phone": "507-555-0142", "remove_phone": "on"})
    assert page.status_code == 400 and "Type a new one or remove it, not both." in page.content.decode()
    assert held(customer, "phone") == app.personal["phone"]


def test_the_removal_reads_in_spanish(households):
    (customer, app), _ = households
    client = signed_in(app, app.personal["email"])
    client.get("/portal/me/?lang=es")
    page = client.post(CONTACT, {**EMPTY, "remove_email": "on"})
    assert "No se eliminó" in page.content.decode()


def test_a_representative_who_may_not_see_the_bills_can_t_remove_the_paperless_address(
    customer, service_rep, privacy_officer
):
    paperless_set(customer_id=customer.pk, paperless=True, channel="portal")
    authority = power_of_attorney(customer, ("contact",), ("name", "email", "phone", "mailing_address"))
    _, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    page = rosa.post(CONTACT, {**EMPTY, "remove_email": "on"})
    assert page.status_code == 400 and "Turn paperless billing off first" in page.content.decode()
    assert email_on_file(customer.pk) == "Alice@Example.com"
    assert removals(customer) == []
    # What she may do still is done: the telephone number goes.
    assert rosa.post(CONTACT, {**EMPTY, "remove_phone": "on"}).status_code == 302
    assert removals(customer) == ["phone"]
