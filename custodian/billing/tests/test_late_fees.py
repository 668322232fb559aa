"""Late payment charges, daily from the schedule (`manage.py late_fees`): the tariff's percent of what is
still owed on a bill past its due date, at least its minimum, once per bill however often it runs; a bill
paid in time or a day in the future is not charged, and a late payment charge is never charged one itself."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from custodian.billing.arrears import arrears_on
from custodian.billing.models import LedgerEntry
from custodian.billing.services import balance_of, late_fees_assess, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.customers.models import Account
from custodian.testing import bill_charged


def test_a_late_bill_is_charged_once_however_often_the_job_runs(customer, other_customer):
    late_account = Account.objects.get(customer=customer)
    paid_account = Account.objects.get(customer=other_customer)
    late = bill_charged(late_account, 8, "200.00", ref="bill/late/1")
    paid = bill_charged(paid_account, 8, "50.00", ref="bill/paid/1")
    ledger_post(
        account_id=paid_account.pk, kind="payment", amount=Decimal("-50.00"), posted_on=date(2026, 9, 20)
    )
    out = StringIO()
    call_command("late_fees", "--as-of", "2026-10-01", stdout=out)
    assert out.getvalue().startswith("1 late payment charges posted")
    call_command("late_fees", "--as-of", "2026-10-02", stdout=StringIO())
    fees = LedgerEntry.objects.filter(kind="late_fee")
    tariff = current_tariff()
    expected = max(tariff.round(Decimal("200.00") * tariff.late_fee_percent / 100), tariff.late_fee_minimum)
    assert [(f.bill_id, f.amount, f.posted_on) for f in fees] == [(late.pk, expected, date(2026, 9, 23))]
    assert not fees.filter(bill=paid).exists()


def test_the_command_refuses_a_bad_or_future_day(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("late_fees", "--as-of", "yesterday")
    with pytest.raises(CommandError, match="in the future"):
        call_command("late_fees", "--as-of", "2999-01-01")
    assert not LedgerEntry.objects.filter(kind="late_fee").exists()


def test_a_late_fee_left_unpaid_is_past_due_but_draws_no_fee_itself(customer):
    """Pat paid January's bill late and never its late fee, then paid February's bill in full before it was
    due: the fee is still owed, and past due, but no late fee is charged on it, month after month."""
    account = Account.objects.get(customer=customer)
    bill_charged(account, 1, "100.00")
    assert late_fees_assess(as_of=date(2026, 2, 25)) == 1
    fee = LedgerEntry.objects.get(kind="late_fee").amount
    ledger_post(account_id=account.pk, kind="payment", amount=Decimal("-100.00"), posted_on=date(2026, 3, 1))
    bill_charged(account, 2, "120.00")
    ledger_post(account_id=account.pk, kind="payment", amount=Decimal("-120.00"), posted_on=date(2026, 3, 15))
    assert late_fees_assess(as_of=date(2026, 3, 25)) == 0
    bill_charged(account, 3, "90.00")
    ledger_post(account_id=account.pk, kind="payment", amount=Decimal("-90.00"), posted_on=date(2026, 4, 15))
    assert late_fees_assess(as_of=date(2026, 4, 25)) == 0
    assert balance_of(account.pk) == fee == arrears_on(account.pk, on=date(2026, 4, 25)).past_due
