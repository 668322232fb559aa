"""A bill's PDF is the letter the mailing vendor prints: the customer's name, mailing and service address,
account number and use. Rosa Reyes, acting for a customer under an authority that covers the bills but not
the mailing address, is told so rather than given the address, and still reads the bill on its page; with
every one of those covered she gets the PDF."""

from dataclasses import replace

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.testing import power_of_attorney
from custodian.testing.portal import acting_for, categories_but, households  # noqa: F401 (a fixture)

CYCLE = "2026-10"


def _rosa(customer, service_rep, privacy_officer, *left_out):
    """Rosa under an authority leaving out `left_out`, from a sign-in of its own (an address of its own)."""
    authority = power_of_attorney(customer, ("view",), categories_but(*left_out))
    authority = replace(authority, email=f"rosa.{'.'.join(left_out) or 'all'}@example.org")
    return acting_for(customer, service_rep, privacy_officer, authority)[1]


def test_a_bill_prints_only_within_the_authority(households, service_rep, privacy_officer):  # noqa: F811
    assert bill_run(cycle=CYCLE) == 2
    (customer, _), _ = households
    bill = Bill.objects.get(customer=customer, cycle=CYCLE)
    pdf, page = f"/portal/me/bills/{bill.pk}/bill.pdf", f"/portal/me/bills/{bill.pk}/"

    without_address = _rosa(customer, service_rep, privacy_officer, "mailing_address")
    refused = without_address.get(pdf)
    assert refused.status_code == 403
    assert "does not cover mailing address." in refused.content.decode()
    assert without_address.get(page).status_code == 200  # the bill's page shows no mailing address

    covered = _rosa(customer, service_rep, privacy_officer)
    assert covered.get(pdf)["Content-Type"] == "application/pdf"
