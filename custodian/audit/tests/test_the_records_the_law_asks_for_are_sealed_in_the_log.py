"""A consent, its revocation, an entry of the accounting of disclosures and a vendor determination with its
decision are sealed into the access log's events: whoever can write the database past the append-only
triggers (dropped on SQLite, skipped as the owner on PostgreSQL) and changes, deletes or adds such a row is
named by `audit verify` (table, row, what differs), and the disclosure desk and the gate no longer act on
a consent whose row disagrees with its events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.audit.tests.conftest import tamper
from custodian.audit.verify import verify_log
from custodian.disclosures.models import DisclosureEntry
from custodian.disclosures.services import DisclosureRefused, consent_revoke
from custodian.testing import CO_OP, accounted, disclosed, paper_consent_given, vendor_with_determination
from custodian.vault.consents_in_force import consent_in_force

TODAY = timezone.localdate()


@pytest.fixture
def consent(customer, service_rep):
    """Alice's paper consent to the Energy Savers Co-op: her name and meter usage, for a year."""
    return paper_consent_given(customer, service_rep, expires_on=TODAY + timedelta(days=365))


def ask(officer, customer, consent, categories=("name",)):
    return disclosed(
        officer, [customer.pk], CO_OP, list(categories), "home energy audit", ("consent", consent.pk)
    )


def named(*words) -> str:
    """verify's findings, which must be there and name every word."""
    result = verify_log()
    assert not result.ok, "audit verify said OK"
    text = str(result)
    for word in words:
        assert word in text, text
    return text


def changed(sql, params=()):
    tamper(sql, params, tables="disclosures_%")


def test_nothing_is_named_when_nobody_tampered(consent, customer, privacy_officer):
    ask(privacy_officer, customer, consent)
    consent_revoke(consent=consent, how="letter")
    vendor_with_determination(function="bill_mailing", officer=privacy_officer)
    assert verify_log().ok, str(verify_log())


def test_a_consent_widened_is_named_and_not_acted_on(consent, customer, privacy_officer):
    changed(
        "UPDATE disclosures_consent SET categories = %s, expires_on = %s WHERE id = %s",
        ["bank_account,meter_usage,name", "2099-01-01", consent.pk],
    )
    named("modified", f"disclosures_consent: the consent {consent.pk}", "categories, expires_on differ")
    with pytest.raises(DisclosureRefused, match="can't be relied on"):
        ask(privacy_officer, customer, consent, ["bank_account", "name"])
    assert not consent_in_force(consent_id=consent.pk, customer_id=customer.pk, categories=["bank_account"])
    assert not consent_in_force(consent_id=consent.pk, customer_id=customer.pk, categories=["name"])


def test_a_revocation_deleted_is_named_and_the_consent_stays_revoked(consent, customer, privacy_officer):
    consent_revoke(consent=consent, how="letter")
    changed("DELETE FROM disclosures_consentrevocation WHERE consent_id = %s", [consent.pk])
    named("deleted", f"disclosures_consentrevocation: the revocation of consent {consent.pk}", "is gone")
    with pytest.raises(DisclosureRefused, match="revocation"):
        ask(privacy_officer, customer, consent)
    assert not consent_in_force(consent_id=consent.pk, customer_id=customer.pk, categories=["name"])


def test_a_consent_deleted_is_named(consent):
    changed("DELETE FROM disclosures_consent WHERE id = %s", [consent.pk])
    named("deleted", f"disclosures_consent: the consent {consent.pk}", "is gone")


def test_a_consent_added_past_the_application_is_named(consent):
    changed(
        "INSERT INTO disclosures_consent (customer_id, sealed_ref, categories, covers_from, allows_sale, "
        "terms, method, signed_at, signer_ip, scan_ref, recorded_at) SELECT customer_id, sealed_ref, "
        "'bank_account', covers_from, allows_sale, terms, method, signed_at, signer_ip, scan_ref, "
        "recorded_at FROM disclosures_consent WHERE id = %s",
        [consent.pk],
    )
    named("inserted", f"disclosures_consent: the consent {consent.pk + 1} has no event")


def test_a_disclosure_entry_deleted_is_named(consent, customer, privacy_officer):
    ask(privacy_officer, customer, consent)
    entry = DisclosureEntry.objects.get()
    changed("DELETE FROM disclosures_disclosureentry WHERE id = %s", [entry.pk])
    named("deleted", "disclosures_disclosureentry: every entry of batch", entry.batch)


def test_a_disclosure_entry_deleted_from_a_batch_is_named(customer, other_customer):
    accounted(
        [customer.pk, other_customer.pk], ("Mail House", ""), ["name"], "bills", ("vendor_determination", "1")
    )
    entry = DisclosureEntry.objects.get(customer=other_customer)
    changed("DELETE FROM disclosures_disclosureentry WHERE id = %s", [entry.pk])
    named("modified", f"batch {entry.batch}", "entries, customers differ")


def test_a_disclosure_entry_modified_is_named(consent, customer, privacy_officer):
    ask(privacy_officer, customer, consent)
    entry = DisclosureEntry.objects.get()
    changed(
        "UPDATE disclosures_disclosureentry SET recipient_name = %s, categories = %s WHERE id = %s",
        ["Someone Else", "meter_usage", entry.pk],
    )
    named("modified", f"entries {entry.pk}", "recipient_name, categories differ")


def test_a_vendor_determination_and_its_decision_changed_are_named(privacy_officer):
    vendor, _key = vendor_with_determination(function="bill_mailing", officer=privacy_officer)
    determination = vendor.determinations.get()
    changed(
        "UPDATE disclosures_vendordetermination SET review_by = %s WHERE id = %s",
        ["2099-01-01", determination.pk],
    )
    changed(
        "UPDATE disclosures_determinationdecision SET approved = %s WHERE determination_id = %s",
        [False, determination.pk],
    )
    named(
        f"disclosures_vendordetermination: the vendor determination {determination.pk}: its review_by "
        "differs",
        f"disclosures_determinationdecision: the decision on vendor determination {determination.pk}: its "
        "approved differs",
    )


def test_a_vendor_determination_s_decision_deleted_is_named(privacy_officer):
    vendor, _key = vendor_with_determination(function="bill_mailing", officer=privacy_officer)
    determination = vendor.determinations.get()
    changed("DELETE FROM disclosures_determinationdecision WHERE determination_id = %s", [determination.pk])
    named("deleted", f"the decision on vendor determination {determination.pk}", "is gone")
