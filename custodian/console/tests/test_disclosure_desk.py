"""The privacy officer runs consents, legal authority, vendors, determinations and exports."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodian.demo.personas import DEMO_PASSWORD
from custodian.disclosures.models import (
    Consent,
    DisclosureEntry,
    DisclosureRequest,
    LegalAuthority,
    Vendor,
    VendorExport,
)
from custodian.testing import consent_given
from custodian.testing.disclosures import name_disclosure_form
from custodian.vault.export_crypto import new_vendor_keypair

TODAY = timezone.localdate()


def test_the_privacy_officer_registers_determines_and_exports(console, privacy_officer, counsel, customer):
    client = console(privacy_officer)
    assert client.get("/staff/privacy/disclosures/").status_code == 200
    client.post(
        "/staff/privacy/disclosures/vendors/",
        {
            "name": "Acme Mailing",
            "function": "mailing",
            "contact": "ops@acme.example",
            "contract_start": TODAY,
            "contract_end": TODAY + timedelta(days=365),
            "public_key": new_vendor_keypair()[1],
        },
    )
    vendor = Vendor.objects.get()
    url = f"/staff/privacy/disclosures/vendors/{vendor.pk}/export/"
    asked = client.post(url).content.decode()  # first, what will be sent and to whom
    assert "Send Acme Mailing its export?" in asked and "none current: the export will be refused" in asked
    assert 'name="confirmed" value="1"' in asked and not VendorExport.objects.exists()
    refused = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Export refused" in refused.content.decode()
    client.post(
        f"/staff/privacy/disclosures/vendors/{vendor.pk}/determination/",
        {
            "rationale": "Bills and outage notices by mail keep customers informed and safe.",
            "review_by": TODAY + timedelta(days=200),
        },
    )
    # In force once a second person, independent of the officer, approves it (the utility's counsel).
    determination = vendor.determinations.get()
    approved = console(counsel).post(
        f"/staff/privacy/determinations/{determination.pk}/approve/", {"password": DEMO_PASSWORD}
    )
    assert approved.status_code == 302
    assert "current, to be reviewed by" in client.post(url).content.decode()
    everyone = client.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "Export refused: a mailing export names what is being mailed" in everyone
    typo = client.post(url, {"confirmed": "1", "mailing": "Outage notice", "customers": "A1"}, follow=True)
    assert "Export refused: customers:" in typo.content.decode()
    mailed = {"mailing": "A notice of a planned outage", "customers": str(customer.pk)}
    assert "A notice of a planned outage" in client.post(url, mailed).content.decode()
    done = client.post(url, {"confirmed": "1", **mailed}, follow=True)
    assert "done: 1 customer, encrypted to Acme Mailing." in done.content.decode()
    export = VendorExport.objects.get(status="done")
    file = client.get(f"/staff/privacy/disclosures/exports/{export.pk}/file/")
    assert file.status_code == 200 and b"Alice" not in b"".join(file.streaming_content)
    manifest = json.loads(
        b"".join(client.get(f"/staff/privacy/disclosures/exports/{export.pk}/manifest/").streaming_content)
    )
    assert manifest["rows"] == 1


def test_a_subpoena_is_recorded_as_the_form_gave_it_with_its_document(
    console, privacy_officer, counsel, customer
):
    subpoena = {  # as the form asks for them
        "kind": "subpoena",
        "citation": "Steele County District Court, file 74-CV-26-118",
        "statute_release": "",
        "is_law_enforcement": False,
        "requester": "Steele County Attorney",
        "requester_address": "111 Dane Ave, Owatonna",
        "valid_until": TODAY + timedelta(days=30),
    }
    document = SimpleUploadedFile("subpoena.pdf", b"%PDF subpoena")
    chosen = {
        "customer_ids": str(customer.pk),
        "categories": ["name", "meter_usage"],
        "document": document,
        "second_approver": "lena.legal",
    }
    url = "/staff/privacy/disclosures/authorities/"
    done = console(privacy_officer).post(url, {**subpoena, **chosen}, follow=True)
    authority = LegalAuthority.objects.get()
    assert f"Legal authority {authority.pk} recorded: it covers no disclosure until lena.legal" in (
        done.content.decode()
    )
    assert {key: getattr(authority, key) for key in subpoena} == subpoena
    assert (authority.document_name, bytes(authority.document)) == ("subpoena.pdf", b"%PDF subpoena")
    assert (authority.approved_by, authority.second_approver) == (privacy_officer, counsel)
    assert authority.awaits_second_approver
    assert list(authority.customers.all()) == [customer]
    assert set(authority.categories.split(",")) == {"name", "meter_usage"}


def name_to_energy_savers(consent, customer) -> dict:
    """The disclosure form: the customer's name to the Energy Savers Co-op for its audit, under `consent`."""
    return name_disclosure_form("consent", consent, customer, "Energy Savers Co-op", "home energy audit")


def test_a_paper_consent_then_a_disclosure_and_a_refusal(console, privacy_officer, customer):
    client = console(privacy_officer)
    client.post(
        "/staff/privacy/disclosures/consents/",
        {
            "customer_id": customer.pk,
            "recipient_name": "Energy Savers Co-op",
            "recipient_contact": "x@savers.example",
            "categories": ["name", "meter_usage"],
            "purpose": "home energy audit",
            "covers_from": "2025-01-01",
            "signed_on": TODAY - timedelta(days=2),
            "scan": SimpleUploadedFile("consent.pdf", b"%PDF signed"),
        },
    )
    consent = Consent.objects.get()
    asked = name_to_energy_savers(consent, customer)
    first = client.post("/staff/privacy/disclosures/disclose/", asked).content.decode()
    assert "Disclose to Energy Savers Co-op?" in first and "Disclose and download" in first
    assert DisclosureEntry.objects.count() == 0  # nothing until confirmed
    response = client.post("/staff/privacy/disclosures/disclose/", {**asked, "confirmed": "1"})
    assert response["Content-Disposition"].startswith("attachment") and b"Alice Anderson" in response.content
    # The same confirmed form posted again (a reload, a double click) is refused: sent once, accounted once.
    twice = client.post("/staff/privacy/disclosures/disclose/", {**asked, "confirmed": "1"}, follow=True)
    assert "To send it again, confirm it as a new disclosure" in twice.content.decode()
    assert DisclosureEntry.objects.count() == 1
    again = client.post("/staff/privacy/disclosures/disclose/", asked).content.decode()
    assert "Disclose again, as a new disclosure" in again and 'name="as_new" value="1"' in again
    refused = client.post(
        "/staff/privacy/disclosures/disclose/",
        {
            "basis_kind": "consent",
            "basis_id": consent.pk,
            "customer_ids": str(customer.pk),
            "recipient_name": "Someone Else",
            "categories": ["name"],
            "purpose": "home energy audit",
            "confirmed": "1",
        },
        follow=True,
    )
    assert "another recipient" in refused.content.decode()
    assert DisclosureEntry.objects.count() == 1
    assert list(DisclosureRequest.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "disclosed",
        "refused",
    ]


def test_a_repeated_disclosure_confirmed_as_new_is_sent_and_accounted_again(
    console, privacy_officer, customer
):
    consent = consent_given(customer, method="electronic", text_shown="I consent.")
    asked = {**name_to_energy_savers(consent, customer), "confirmed": "1"}
    client = console(privacy_officer)
    assert client.post("/staff/privacy/disclosures/disclose/", asked)["Content-Disposition"].startswith(
        "attachment"
    )
    again = client.post("/staff/privacy/disclosures/disclose/", {**asked, "as_new": "1"})
    assert again["Content-Disposition"].startswith("attachment") and b"Alice Anderson" in again.content
    entries = DisclosureEntry.objects.order_by("pk")
    assert entries.count() == 2 and {e.recipient_name for e in entries} == {"Energy Savers Co-op"}
    assert list(DisclosureRequest.objects.values_list("outcome", flat=True)) == ["disclosed", "disclosed"]


def test_only_the_privacy_officer_reaches_the_desk(console, billing_clerk, counsel):
    for user in (billing_clerk, counsel):
        assert console(user).get("/staff/privacy/disclosures/").status_code == 403
        assert console(user).post("/staff/privacy/disclosures/disclose/", {}).status_code == 403


def test_an_incomplete_form_is_answered_with_the_fields_labels_not_their_keys(console, privacy_officer):
    client = console(privacy_officer)
    said = messages_of(client.post("/staff/privacy/disclosures/disclose/", {}, follow=True))
    assert said[0].startswith("Nothing disclosed: ")
    assert "Customer numbers (comma-separated): This field is required." in said[0]
    assert "customer_ids" not in said[0] and "* " not in said[0]
    said = messages_of(client.post("/staff/privacy/disclosures/vendors/", {"name": "Acme"}, follow=True))
    assert (
        said[0].startswith("Vendor not registered: ") and "Contract start: This field is required." in said[0]
    )
    assert "Vendor's public key (X25519, base64): This field is required." in said[0]
    assert "contract_start" not in said[0] and "public_key" not in said[0] and "Name:" not in said[0]
    assert not Vendor.objects.exists()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("typed", ["99999999999999999999", "٤٤", "44; 45", "0"])
def test_customer_numbers_no_record_could_have_are_named_not_a_server_error(
    console, privacy_officer, customer, typed
):
    """A customer number beyond the database's integers, in other digits, or not a number at all, on either
    form of the desk: the form names it, nothing is recorded."""
    client = console(privacy_officer)
    subpoena = {
        "kind": "subpoena",
        "citation": "Steele County District Court, file 74-CV-26-118",
        "requester": "Steele County Attorney",
        "valid_until": TODAY + timedelta(days=30),
        "categories": ["name"],
        "document": SimpleUploadedFile("subpoena.pdf", b"%PDF subpoena"),
        "customer_ids": f"{customer.pk}, {typed}",
    }
    consent = consent_given(customer, method="electronic", text_shown="I consent.")
    for url, data in (
        ("/staff/privacy/disclosures/authorities/", subpoena),
        (
            "/staff/privacy/disclosures/disclose/",
            {**name_to_energy_savers(consent, customer), "customer_ids": typed},
        ),
    ):
        answer = client.post(url, data, follow=True)
        assert answer.status_code == 400  # the form again, its error by the field
        assert "is not a record number" in answer.content.decode()
    assert not LegalAuthority.objects.exists() and not DisclosureEntry.objects.exists()
