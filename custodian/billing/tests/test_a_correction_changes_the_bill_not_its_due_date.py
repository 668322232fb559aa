"""A correction is a re-bill that fixes what was billed: it keeps the original's due date (what was past due
stays past due, and a late fee charged on the original is not charged again), and a re-bill that would
change nothing is refused, leaving the bill and the ledger as they were."""

from datetime import date

import pytest

from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import BillingError, balance_of, bill_correct, bill_run, late_fees_assess
from custodian.testing.billing import YEAR, household, usage_document
from custodian.vault.services import Submission, personal_data_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


@pytest.fixture
def billed(db):
    home = household("Re Bill", "0020000444", YEAR)
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    return home, Bill.objects.get(customer=home, cycle="2026-10")


def test_a_re_bill_that_changes_nothing_is_refused(billed, billing_clerk):
    _, bill = billed
    entries = LedgerEntry.objects.count()
    with pytest.raises(BillingError, match=f"^nothing changed: bill {bill.pk}, "):
        bill_correct(bill_id=bill.pk, reason="customer called about the amount", by=billing_clerk)
    bill.refresh_from_db()
    assert bill.is_current and Bill.objects.count() == 1 and LedgerEntry.objects.count() == entries


def test_the_corrected_bill_keeps_the_due_date_and_is_not_charged_a_second_late_fee(billed, billing_clerk):
    home, bill = billed
    assert bill.due_on == date(2026, 11, 22)
    assert late_fees_assess(as_of=date(2026, 11, 25)) == 1  # the original is past due, unpaid
    fixed = {**YEAR, "2026-10": {"electric": 500.0, "gas": 40.0, "water": 4000.0}}  # a misread fixed
    personal_data_record(customer=home, values={"meter_usage": usage_document(fixed)}, submission=METER)
    new = bill_correct(
        bill_id=bill.pk,
        reason="meter misread; corrected read",
        by=billing_clerk,
        issued_on=date(2026, 11, 27),
    )
    assert new.total < bill.total and new.issued_on == date(2026, 11, 27)
    assert new.due_on == bill.due_on == date(2026, 11, 22)  # no more time to pay than the original gave
    assert late_fees_assess(as_of=date(2026, 11, 28)) == 0  # the cycle's fee was charged once
    fees = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LATE_FEE)
    assert fees.count() == 1 and fees.get().bill_id == bill.pk
    assert balance_of(bill.account_id) == new.total + fees.get().amount
