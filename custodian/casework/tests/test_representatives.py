"""Authorized representatives: registered from the document that gives the authority (sealed), verified by
another staff member, scoped and expiring; they act in the portal for the customer, and every act is logged
naming both."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.casework.models import Representative
from custodian.casework.representatives import (
    RepresentativeError,
    representative_register,
    representative_revoke,
    representative_verify,
)
from custodian.customers.models import Account
from custodian.outbox.services import message_render
from custodian.testing import EVERYTHING_BUT_BANK, bill_charged, power_of_attorney
from custodian.vault.models import SealedDocument

PASSWORD = "a long representative passphrase"


def _invited(
    customer, service_rep, privacy_officer, scope=("view",), categories=EVERYTHING_BUT_BANK
) -> tuple[Representative, Client]:
    rep = representative_register(authority=power_of_attorney(customer, scope, categories), by=service_rep)
    representative_verify(
        rep=rep, by=privacy_officer, invite_url=lambda t: f"http://testserver/portal/representative/{t}/"
    )
    link = re.search(r"http://testserver(/portal/representative/[^\s]+/)", mail.outbox[-1].body).group(1)
    client = Client()
    assert client.post(link, {"password": PASSWORD}).status_code == 200
    assert (
        client.post("/portal/sign-in/", {"email": "rosa@example.org", "password": PASSWORD}).status_code
        == 302
    )
    return rep, client


def test_an_authority_needs_a_second_staff_member_and_seals_its_document(
    customer, service_rep, privacy_officer
):
    rep = representative_register(authority=power_of_attorney(customer), by=service_rep)
    assert not rep.is_current()
    with pytest.raises(RepresentativeError, match="another staff member"):
        representative_verify(rep=rep, by=service_rep, invite_url=str)
    document = SealedDocument.objects.get(customer=customer, ref=rep.document_ref)
    assert b"power of attorney" not in bytes(document.ciphertext)
    with pytest.raises(RepresentativeError, match="within 5 years"):
        representative_register(
            authority=replace(power_of_attorney(customer), expires_on=timezone.localdate()),
            by=service_rep,
        )


def test_the_privacy_officer_who_registers_an_authority_does_not_verify_it_too(
    customer, service_rep, privacy_officer
):
    """Priya, the privacy officer, registers Rosa's power of attorney for Alice from the document: its check
    is a second person's, Cora's at the service desk, not Priya's own (as every two-person decision)."""
    rep = representative_register(authority=power_of_attorney(customer), by=privacy_officer)
    with pytest.raises(RepresentativeError, match="another staff member verifies what you registered"):
        representative_verify(rep=rep, by=privacy_officer, invite_url=str)
    rep.refresh_from_db()
    assert rep.verified_by is None and not rep.is_current()
    representative_verify(rep=rep, by=service_rep, invite_url=str)
    rep.refresh_from_db()
    assert rep.registered_by == privacy_officer and rep.verified_by == service_rep and rep.is_current()


def test_rosa_s_invitation_is_titled_in_words_that_read_right_whatever_the_utility_s_name(
    customer, service_rep, privacy_officer
):
    """The subject names the utility after the customer ("a customer of …"), never after an article chosen
    for another name ("a Owatonna…"): Rosa's own invitation, and the template with other names, in English
    and Spanish."""
    rep = representative_register(authority=power_of_attorney(customer), by=service_rep)
    representative_verify(rep=rep, by=privacy_officer, invite_url=str)
    assert mail.outbox[-1].subject == "Your authority to act for a customer of Owatonna Public Utilities"
    for name in ("Owatonna Public Utilities", "Austin Utilities", "the City of Eagan"):
        subject = {
            language: message_render(
                template="representative_invitation",
                context={"utility": {"name": name}, "scope": [], "data": []},
                language=language,
            ).subject
            for language in ("en", "es")
        }
        assert subject == {
            "en": f"Your authority to act for a customer of {name}",
            "es": f"Su autorización para actuar en nombre de un cliente de {name}",
        }


def test_a_representative_acts_in_the_portal_within_the_scope_and_both_are_logged(
    customer, service_rep, privacy_officer
):
    rep, client = _invited(customer, service_rep, privacy_officer, scope=("view",))
    page = client.get("/portal/me/act-for/").content.decode()
    # Her authority does not cover the account number: the customer is named without it (never by an id).
    assert "A customer whose account number your authority does not cover: Power of attorney" in page
    client.post("/portal/me/act-for/", {"authority": rep.pk})
    home = client.get("/portal/me/").content.decode()
    assert "Alice Anderson" in home
    event = (
        AccessEvent.objects.filter(customer_id=str(customer.pk), actor_kind="customer")
        .order_by("-seq")
        .first()
    )
    assert (
        f"representative {rep.person_id}" in event.actor_label and f"authority {rep.pk}" in event.actor_label
    )
    # Outside the scope: no requests, no contact changes.
    assert client.get("/portal/me/request/").status_code == 403
    assert client.post("/portal/me/contact/", {"phone": "507-555-0000"}).status_code == 403
    # Back to oneself: the representative's own record, not the customer's.
    client.post("/portal/me/act-for/", {"authority": ""})
    assert "Alice Anderson" not in client.get("/portal/me/").content.decode()


def test_an_expired_or_revoked_authority_stops_at_once(customer, service_rep, privacy_officer):
    rep, client = _invited(customer, service_rep, privacy_officer)
    client.post("/portal/me/act-for/", {"authority": rep.pk})
    assert client.get("/portal/me/").status_code == 200
    Representative.objects.filter(pk=rep.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert client.get("/portal/me/").status_code == 302
    Representative.objects.filter(pk=rep.pk).update(expires_on=timezone.localdate() + timedelta(days=10))
    client.post("/portal/me/act-for/", {"authority": rep.pk})
    representative_revoke(rep=rep, by=privacy_officer, reason="The customer revoked the power of attorney.")
    response = client.get("/portal/me/bills/")
    assert response.status_code == 302 and "Alice Anderson" not in client.get("/portal/me/").content.decode()


def test_the_console_registers_a_representative(console, service_rep, customer):
    client = console(service_rep)
    page = client.get(f"/staff/customers/{customer.pk}/representatives/").content.decode()
    assert "Read this to the representative first" in page
    response = client.post(
        f"/staff/customers/{customer.pk}/representatives/",
        {
            "kind": "guardian",
            "scope": ["view", "payments"],
            "categories": ["name", "bills"],
            "expires_on": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "name": "Gil Guardian",
            "email": "gil@example.org",
            "channel": "in_person",
            "document": SimpleUploadedFile("letters.pdf", b"%PDF letters of guardianship", "application/pdf"),
        },
    )
    assert response.status_code == 302
    rep = Representative.objects.get(customer=customer)
    assert (rep.kind, rep.scope_list, rep.verified_at) == ("guardian", ["payments", "view"], None)


def test_a_representative_for_the_bills_cannot_read_the_usage(customer, service_rep, privacy_officer):
    """A property manager's authority covers the bills and the name: the portal shows those, and the gate
    refuses the meter usage (logged naming the representative), though their scope lets them open pages."""
    rep, client = _invited(
        customer, service_rep, privacy_officer, scope=("view",), categories=("name", "bills")
    )
    assert "Bills" in client.get("/portal/me/act-for/").content.decode()
    client.post("/portal/me/act-for/", {"authority": rep.pk})
    home = client.get("/portal/me/").content.decode()
    assert "Alice Anderson" in home and "115 Elm Street" not in home  # the address is not theirs to see
    assert client.get("/portal/me/bills/").status_code == 200
    usage = client.get("/portal/me/usage/")
    assert usage.status_code == 403 and "does not cover meter usage" in usage.content.decode()
    refused = AccessEvent.objects.filter(
        customer_id=str(customer.pk), categories="meter_usage", decision="deny"
    ).latest("seq")
    assert f"authority {rep.pk}" in refused.actor_label
    assert "outside the representative's authority" in refused.reason


def test_an_authority_names_the_data_it_covers(customer, service_rep):
    with pytest.raises(RepresentativeError, match="which of the customer's data"):
        representative_register(authority=power_of_attorney(customer, categories=()), by=service_rep)
    with pytest.raises(RepresentativeError, match="which of the customer's data"):
        representative_register(authority=power_of_attorney(customer, categories=("ssn",)), by=service_rep)


def test_a_representative_for_the_usage_sees_no_bills_in_the_portal(customer, service_rep, privacy_officer):
    """The mirror case: an authority covering the meter usage only. The home says nothing of what is owed
    (not even that a balance is past due) but that the authority does not cover the bills, and the bills
    page, the statement and a bill's own page say so too instead of an empty answer; the selectors decide
    it, at no cost in queries."""
    bill = bill_charged(Account.objects.get(customer=customer), 9, "41.20")
    rep, client = _invited(customer, service_rep, privacy_officer, categories=("name", "meter_usage"))
    client.post("/portal/me/act-for/", {"authority": rep.pk})
    home = client.get("/portal/me/").content.decode()
    assert "Alice Anderson" in home
    assert "41.20" not in home and "Past due:" not in home and "Needs your attention" not in home
    assert "does not cover bills" in home
    for page in ("/portal/me/bills/", "/portal/me/statement/?month=2026-10", f"/portal/me/bills/{bill.pk}/"):
        answer = client.get(page)
        assert answer.status_code == 403 and "does not cover bills" in answer.content.decode(), page
        assert "41.20" not in answer.content.decode()  # nor the balance, the ledger's charge, the statement
