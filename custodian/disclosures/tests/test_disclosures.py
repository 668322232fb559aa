"""Third parties get personal data only on the customer's prior written consent or legal authority; every
refusal path is recorded with its reason; every disclosure is accounted for per customer."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest
from custodian.disclosures.selectors import accounting_summary
from custodian.disclosures.services import (
    AccountingError,
    DisclosureRefused,
    consent_revoke,
)
from custodian.testing import (
    CO_OP,
    COUNTY_ATTORNEY,
    consent_given,
    disclosed,
    paper_consent_given,
    police_request,
    subpoena_recorded,
)
from custodian.vault.gate import customer_actor

TODAY = timezone.localdate()


@pytest.fixture
def consent(customer, service_rep):
    return paper_consent_given(customer, service_rep)


def ask(customer, officer, **over):
    basis = ("consent", over.pop("basis_id"))
    categories, purpose = (
        over.pop("categories", ["name", "meter_usage"]),
        over.pop("purpose", "home energy audit"),
    )
    return disclosed(officer, [customer.pk], CO_OP, categories, purpose, basis, **over)


def test_a_consented_disclosure_reads_through_the_gate_and_is_accounted(consent, customer, privacy_officer):
    result = ask(customer, privacy_officer, basis_id=consent.pk)
    assert b"Alice Anderson" in result.package
    entry = DisclosureEntry.objects.get()
    assert (entry.customer_id, entry.recipient_name, entry.basis_kind, entry.basis_ref) == (
        customer.pk,
        "Energy Savers Co-op",
        "consent",
        f"consent {consent.pk}",
    )
    # The meter usage is the consent's period's only, and the record says which.
    until = (TODAY + timedelta(days=365)).isoformat()
    assert entry.data_description == f"Meter usage, Name; dated data from 2025-01-01 to {until}"
    assert AccessEvent.objects.filter(
        action="disclosure", customer_id=str(customer.pk), decision="allow"
    ).exists()
    assert DisclosureRequest.objects.get().outcome == "disclosed"


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"recipient_name": "Another Company"}, "another recipient"),
        ({"categories": ["name", "bank_account"]}, "does not cover all the data"),
        ({"purpose": "resale"}, "another purpose"),
        ({"is_sale": True}, "names sale explicitly"),
    ],
)
def test_refusals_for_another_recipient_category_purpose_or_sale(
    consent, customer, privacy_officer, change, reason
):
    with pytest.raises(DisclosureRefused, match=reason):
        ask(customer, privacy_officer, basis_id=consent.pk, **change)
    assert not DisclosureEntry.objects.exists()
    refused = DisclosureRequest.objects.get()
    assert refused.outcome == "refused" and reason in refused.reason


def test_no_consent_and_another_customers_consent_are_refused(
    consent, customer, other_customer, privacy_officer
):
    with pytest.raises(DisclosureRefused, match="no consent"):
        ask(customer, privacy_officer, basis_id=consent.pk + 100)
    with pytest.raises(DisclosureRefused, match="no consent"):
        ask(other_customer, privacy_officer, basis_id=consent.pk)


def electronic_consent(customer, *, signed_at, **over):
    """A consent signed online to the Energy Savers Co-op's home energy audit, for the customer's name."""
    return consent_given(
        customer,
        recipient_contact="x",
        signed_at=signed_at,
        method="electronic",
        text_shown="I agree …",
        **over,
    )


def test_a_consent_signed_after_the_disclosure_is_refused(
    customer, service_rep, privacy_officer, monkeypatch
):
    signed_at = timezone.now() + timedelta(hours=1)
    with monkeypatch.context() as on_the_day_signed:  # an hour ahead may be tomorrow: recorded as on that day
        on_the_day_signed.setattr(timezone, "localdate", lambda *a, **k: timezone.localtime(signed_at).date())
        late = electronic_consent(customer, signed_at=signed_at, signer_ip="192.0.2.1")
    with pytest.raises(DisclosureRefused, match="predate"):
        ask(customer, privacy_officer, basis_id=late.pk, categories=["name"])


def test_revoked_and_expired_consents_are_refused(consent, customer, service_rep, privacy_officer):
    consent_revoke(consent=consent, how="letter", recorded_by=service_rep)
    with pytest.raises(DisclosureRefused, match="revoked"):
        ask(customer, privacy_officer, basis_id=consent.pk)
    expired = electronic_consent(
        customer, expires_on=TODAY - timedelta(days=1), signed_at=timezone.now() - timedelta(days=30)
    )
    with pytest.raises(DisclosureRefused, match="expired"):
        ask(customer, privacy_officer, basis_id=expired.pk, categories=["name"])


def test_a_sale_needs_a_consent_that_names_it(customer, privacy_officer):
    sale = consent_given(
        customer,
        recipient_name="Data Broker",
        recipient_contact="x",
        purpose="resale",
        allows_sale=True,
        method="electronic",
        text_shown="I agree to the sale",
    )
    result = ask(
        customer,
        privacy_officer,
        recipient_name="Data Broker",
        recipient_address="",
        categories=["name"],
        purpose="resale",
        basis_id=sale.pk,
        is_sale=True,
    )
    assert result.request.is_sale


@pytest.fixture
def subpoena(customer, privacy_officer):
    return subpoena_recorded(privacy_officer, [customer.pk], ["name", "service_address"])


def by_subpoena(subpoena, officer, *, customer_ids, categories=("name",), **over):
    """A disclosure of `categories` (the name, unless given) of `customer_ids` to the subpoena's requester."""
    return disclosed(
        officer,
        customer_ids,
        COUNTY_ATTORNEY,
        categories,
        "subpoena",
        ("legal_authority", subpoena.pk),
        **over,
    )


def test_legal_authority_covers_its_scope_and_nothing_more(
    subpoena, customer, other_customer, privacy_officer
):
    by_subpoena(subpoena, privacy_officer, customer_ids=[customer.pk])
    with pytest.raises(DisclosureRefused, match="does not cover all these customers"):
        by_subpoena(subpoena, privacy_officer, customer_ids=[customer.pk, other_customer.pk])
    with pytest.raises(DisclosureRefused, match="does not cover all the data"):
        by_subpoena(subpoena, privacy_officer, customer_ids=[customer.pk], categories=["phone"])
    with pytest.raises(DisclosureRefused, match="never covers a sale"):
        by_subpoena(subpoena, privacy_officer, customer_ids=[customer.pk], is_sale=True)


def test_law_enforcement_needs_a_second_approver(customer, privacy_officer, counsel, billing_clerk):
    with pytest.raises(AccountingError, match="second approver"):
        police_request(customer, privacy_officer)
    with pytest.raises(AccountingError, match="privacy office or legal"):
        police_request(customer, privacy_officer, billing_clerk)
    assert police_request(customer, privacy_officer, counsel).second_approver == counsel
    with pytest.raises(AccountingError, match="privacy officer approves"):
        police_request(customer, billing_clerk, is_law_enforcement=False)


def test_the_customer_sees_repeated_disclosures_summarized(subpoena, customer, privacy_officer):
    for _ in range(3):
        by_subpoena(subpoena, privacy_officer, customer_ids=[customer.pk])
    (summary,) = accounting_summary(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    assert (summary["recipient"], summary["purpose"], summary["times"]) == (
        "Steele County Attorney",
        "subpoena",
        3,
    )
    assert summary["first"] <= summary["last"]


def test_a_consent_keeps_the_terms_the_customer_was_given(consent):
    assert (
        "Revoke it at any time" in consent.terms and "does not affect your utility service" in consent.terms
    )


@pytest.mark.parametrize("ends", [TODAY - timedelta(days=2), date(1970, 1, 1)])  # signed yesterday
def test_a_consent_that_would_end_before_it_is_given_is_refused(customer, service_rep, ends):
    with pytest.raises(AccountingError, match="end date"):
        consent_given(
            customer,
            categories=["name"],
            covers_until=ends,
            method="paper",
            verified_by=service_rep,
            scan=b"%PDF scanned consent",
            scan_name="consent.pdf",
        )
