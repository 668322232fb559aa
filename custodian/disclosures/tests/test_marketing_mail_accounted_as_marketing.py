"""A marketing mailing to the mailing vendor is read, logged and accounted as Marketing, and shown so to the
customer (who has seen my data, whom we gave it to), never as contacting customers; a customer who opted out
of marketing, or who asked for their data to be deleted, is not in it."""

from custodian.audit.models import AccessEvent
from custodian.disclosures.exports import vendor_export_run
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest
from custodian.disclosures.selectors import accounting_summary
from custodian.retention.erasure import erasure_carry_out
from custodian.testing import export_rows, make_vendor
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.gate import customer_actor
from custodian.vault.services import Submission, marketing_preference_set


def test_a_marketing_mailing_is_marketing_in_the_log_the_accounting_and_the_customers_pages(
    privacy_officer, customer, other_customer
):
    # Bob opted out of marketing.
    marketing_preference_set(
        customer=other_customer,
        opted_out=True,
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    keys = new_vendor_keypair()
    vendor = make_vendor("mailing", keys, privacy_officer)
    export = vendor_export_run(requested_by=privacy_officer, vendor=vendor, for_marketing=True)
    assert [r["name"] for r in export_rows(export, keys[0])] == ["Alice Anderson"]
    read = AccessEvent.objects.filter(customer_id=str(customer.pk), action="vendor_export")
    assert {e.purpose for e in read} == {"marketing"}
    assert not AccessEvent.objects.filter(customer_id=str(other_customer.pk), action="vendor_export").exists()
    assert list(DisclosureEntry.objects.values_list("customer_id", "purpose")) == [(customer.pk, "marketing")]
    assert DisclosureRequest.objects.get(outcome="disclosed").purpose == "marketing"
    [told] = accounting_summary(fetched_by=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
    assert told["purpose_label"] == "Marketing"


def test_a_customer_who_asked_for_deletion_is_not_in_a_marketing_mailing(
    privacy_officer, customer, other_customer
):
    erasure_carry_out(customer=other_customer, requested_via="phone", recorded_by=privacy_officer)
    keys = new_vendor_keypair()
    export = vendor_export_run(
        requested_by=privacy_officer, vendor=make_vendor("mailing", keys, privacy_officer), for_marketing=True
    )
    assert [r["name"] for r in export_rows(export, keys[0])] == ["Alice Anderson"]
    assert not DisclosureEntry.objects.filter(customer_id=other_customer.pk).exists()
