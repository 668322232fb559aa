"""A vendor function with an export of its own (the bank's debits due, the letters the outbox queued) never
receives the export of every customer's values: a bank with no debit due is sent nothing, and no customer's
accounting of disclosures names it. Every vendor function of the policy file is one of three kinds, so a new
function is a decision, not a default."""

import pytest
from django.test import Client

from custodian.api.services import api_token_create
from custodian.disclosures.exports import ExportRefused, own_export_of, rows_of_function, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.policy.loader import current_policy
from custodian.testing import make_vendor
from custodian.vault.export_crypto import new_vendor_keypair

# Functions whose file is every active customer's values in the function's categories (or their pseudonyms).
EVERY_CUSTOMER = {"mailing", "consumption_reports"}


@pytest.mark.parametrize("function", ["ach_origination", "letter_mailing"])
def test_a_vendor_with_an_export_of_its_own_is_refused_every_customers_values(
    privacy_officer, customer, other_customer, function
):
    vendor = make_vendor(function, new_vendor_keypair(), privacy_officer)
    with pytest.raises(ExportRefused, match="nothing else"):
        vendor_export_run(vendor=vendor, requested_by=privacy_officer)
    assert not VendorExport.objects.filter(vendor=vendor, status="done").exists()
    assert not DisclosureEntry.objects.exists()


def test_the_api_refuses_the_banks_export_by_name(privacy_officer, customer):
    vendor = make_vendor("ach_origination", new_vendor_keypair(), privacy_officer)
    token = api_token_create(user=privacy_officer, name="desk")[1]
    answer = Client().post(
        f"/api/v1/vendors/{vendor.pk}/exports",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        content_type="application/json",
    )
    said = answer.content.decode()
    assert answer.status_code == 409 and "Automatic payment" in said and "ach_origination" not in said
    assert not DisclosureEntry.objects.exists()


def test_every_vendor_function_of_the_policy_is_sent_by_one_kind_of_export():
    for key, function in current_policy().vendor_functions.items():
        if not function.categories:
            continue  # no personal data in clear: nothing to export
        kinds = [own_export_of(key) is not None, rows_of_function(key) is not None, key in EVERY_CUSTOMER]
        assert kinds.count(True) == 1, (
            f"{key}: decide how its vendors' data leaves (own export, rows or every customer)"
        )


def test_the_disclosure_desk_offers_the_bank_no_export_button(console, privacy_officer):
    bank = make_vendor("ach_origination", new_vendor_keypair(), privacy_officer)
    page = console(privacy_officer).get("/staff/privacy/disclosures/").content.decode()
    assert f"/staff/privacy/disclosures/vendors/{bank.pk}/export/" not in page
    assert "the debits due on automatic payment" in page
    assert "<td>Automatic payment: the utility" in page and "<td>ach_origination</td>" not in page


def test_a_marketing_mailing_refused_names_the_function_by_its_label(privacy_officer, customer):
    vendor = make_vendor("payment_processing", new_vendor_keypair(), privacy_officer)
    with pytest.raises(ExportRefused, match="“Payment processing") as refused:
        vendor_export_run(vendor=vendor, requested_by=privacy_officer, for_marketing=True)
    assert "payment_processing" not in str(refused.value)
