"""The mailing vendor gets the names and addresses of the people actually being mailed, never everyone's: an
export names what is mailed and to whom, or is refused with the reason; nobody whose data was destroyed is
ever in it; the API says the same, by field."""

import pytest
from django.test import Client

from custodian.api.services import api_token_create
from custodian.disclosures.exports import MAILING_NAMES_WHAT_AND_WHOM, ExportRefused, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, VendorExport
from custodian.testing import export_rows, make_vendor
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.services import customers_data_destroy

OUTAGE = "Notice of a planned outage on the customer's street"


def test_the_privacy_officer_cannot_send_everyones_name_and_address(
    privacy_officer, customer, other_customer
):
    vendor = make_vendor("mailing", new_vendor_keypair(), privacy_officer)
    for named in ({}, {"mailing": OUTAGE}, {"customer_ids": [customer.pk]}):
        with pytest.raises(ExportRefused, match="names what is being mailed"):
            vendor_export_run(requested_by=privacy_officer, vendor=vendor, **named)
    assert not DisclosureEntry.objects.exists()
    assert not VendorExport.objects.filter(status="done").exists()


def test_only_the_customers_being_mailed_are_sent_and_accounted(privacy_officer, customer, other_customer):
    keys = new_vendor_keypair()
    vendor = make_vendor("mailing", keys, privacy_officer)
    export = vendor_export_run(
        requested_by=privacy_officer, vendor=vendor, mailing=OUTAGE, customer_ids=[customer.pk]
    )
    assert [r["name"] for r in export_rows(export, keys[0])] == ["Alice Anderson"]
    assert list(DisclosureEntry.objects.values_list("customer_id", "purpose")) == [
        (customer.pk, "contacting_customers")
    ]
    assert OUTAGE in DisclosureRequest.objects.get(outcome="disclosed").reason


def test_a_customer_whose_data_was_destroyed_is_never_in_a_mailing(privacy_officer, customer, other_customer):
    customers_data_destroy(
        customer_ids=[other_customer.pk], schedule_item="closed_accounts", record_ref="test"
    )
    keys = new_vendor_keypair()
    vendor = make_vendor("mailing", keys, privacy_officer)
    export = vendor_export_run(
        requested_by=privacy_officer,
        vendor=vendor,
        mailing=OUTAGE,
        customer_ids=[customer.pk, other_customer.pk],
    )
    assert [r["name"] for r in export_rows(export, keys[0])] == ["Alice Anderson"]
    marketing = vendor_export_run(requested_by=privacy_officer, vendor=vendor, for_marketing=True)
    assert [r["name"] for r in export_rows(marketing, keys[0])] == ["Alice Anderson"]
    assert not DisclosureEntry.objects.filter(customer_id=other_customer.pk).exists()


def test_the_api_asks_what_is_mailed_and_to_whom(privacy_officer, customer, other_customer):
    vendor = make_vendor("mailing", new_vendor_keypair(), privacy_officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=privacy_officer, name='desk')[1]}"}
    url = f"/api/v1/vendors/{vendor.pk}/exports"
    everyone = Client().post(url, content_type="application/json", **auth)
    assert everyone.status_code == 409 and MAILING_NAMES_WHAT_AND_WHOM in everyone.json()["detail"]
    bad = Client().post(url, {"mailing": OUTAGE, "customers": ["x"]}, content_type="application/json", **auth)
    assert bad.status_code in (400, 422) and "customers" in bad.content.decode()
    named = Client().post(
        url, {"mailing": OUTAGE, "customers": [customer.pk]}, content_type="application/json", **auth
    )
    assert named.status_code == 200 and named.json()["rows"] == 1
    assert list(DisclosureEntry.objects.values_list("customer_id", flat=True)) == [customer.pk]
