"""A customer on automatic payment whose bill is corrected upward: the bank is debited for each part of the
month by its own due date (what the bill asked first by the bill's due date, the correction's increase by
the increase's), never the increase before it is due, never a part twice; and the customer, paid
automatically, is never past due, charged a late fee or on the collections worklist. A debit of the increase
returned by the bank is reversed like any other. On budget billing the debit is the level amount the month
asks, and a customer who stops it is debited the difference with their next bill, by its due date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from custodian.billing.arrears import arrears_on
from custodian.billing.budget import budget_plan_start, budget_plan_stop, carried
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import balance_of, bill_correct, bill_run, late_fees_assess, ledger_post
from custodian.collecting.selectors import collections_worklist
from custodian.payments.ach_returns import ReturnEntry, returns_post
from custodian.payments.autopay import ach_export_run, autopay_enrol, debits_due
from custodian.payments.models import AchDebit
from custodian.payments.selectors import autopay_pays_what_is_due
from custodian.testing import TEST_ROUTING, bill_charged
from custodian.testing.billing import AUTOPAY_FORM, YEAR, billing_day, household, reading_corrected
from custodian.vault.gate import customer_actor, staff_actor

DUE = date(2026, 11, 22)  # the October bills' due date (issued November 1)


@pytest.fixture
def ostby(on_autopay):
    """Ostby 0, on automatic payment, and their October bill."""
    account = on_autopay[0]
    return account, Bill.objects.get(account=account, cycle="2026-10")


def _corrected(account, bill, billing_clerk, on: date) -> Bill:
    reading_corrected(account.customer)
    return bill_correct(
        bill_id=bill.pk, reason="meter misread; corrected read", by=billing_clerk, issued_on=on
    )


def _due_for(account, effective_on: date):
    return [
        (d.bill.pk, d.amount, d.due_on)
        for d in debits_due(effective_on=effective_on)
        if d.bill.account_id == account.pk
    ]


def _never_past_due(account, days, collections_agent):
    agent = staff_actor(collections_agent)
    for on in days:
        assert arrears_on(account.pk, on=on).past_due == Decimal("0.00"), on
        assert account.pk not in [i.account.pk for i in collections_worklist(on=on, actor=agent)], on
        late_fees_assess(as_of=on)
    assert not LedgerEntry.objects.filter(account=account, kind="late_fee").exists()


@pytest.fixture
def debited_then_corrected(ostby, bank, privacy_officer, billing_clerk):
    """Ostby's bill debited on November 20, then corrected upward on November 27: (account, the bill, the
    correction, its increase)."""
    account, bill = ostby
    ach_export_run(vendor=bank[0], requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    corrected = _corrected(account, bill, billing_clerk, date(2026, 11, 27))
    return account, bill, corrected, corrected.total - bill.total


def test_corrected_after_the_debit_the_increase_is_debited_when_it_falls_due(
    debited_then_corrected, bank, privacy_officer, collections_agent
):
    account, bill, corrected, increase = debited_then_corrected
    vendor, _ = bank
    assert increase > 0 and corrected.increase_due_on == date(2026, 12, 18)
    # The increase is not due yet: nothing is debited for it the day after the correction, nor before the
    # last run that still collects it by its date.
    assert _due_for(account, date(2026, 11, 28)) == []
    assert _due_for(account, date(2026, 12, 15)) == []
    assert autopay_pays_what_is_due(
        fetched_by=customer_actor(account.customer_id),
        customer_id=account.customer_id,
        due_from=date(2026, 12, 1),
    )
    assert _due_for(account, date(2026, 12, 16)) == [(corrected.pk, increase, date(2026, 12, 18))]
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 12, 16))
    debits = list(
        AchDebit.objects.filter(account=account).order_by("pk").values_list("bill_id", "amount", "due_on")
    )
    assert debits == [(bill.pk, bill.total, DUE), (corrected.pk, increase, date(2026, 12, 18))]
    assert _due_for(account, date(2026, 12, 20)) == []  # each part once
    days = [DUE + timedelta(days=n) for n in range(0, 40, 3)]
    _never_past_due(account, days, collections_agent)


def test_corrected_before_the_debit_each_part_is_debited_by_its_own_date(
    ostby, bank, privacy_officer, billing_clerk, collections_agent
):
    account, bill = ostby
    vendor, _ = bank
    corrected = _corrected(account, bill, billing_clerk, date(2026, 11, 10))
    increase = corrected.total - bill.total
    increase_due = corrected.increase_due_on
    assert increase > 0 and increase_due == date(2026, 12, 1)
    # What the bill asked first, by its due date; not the corrected bill's whole total.
    assert _due_for(account, date(2026, 11, 20)) == [(corrected.pk, bill.total, DUE)]
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    assert _due_for(account, date(2026, 11, 21)) == []
    assert _due_for(account, date(2026, 11, 29)) == [(corrected.pk, increase, increase_due)]
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 29))
    assert sorted(AchDebit.objects.filter(bill=corrected).values_list("amount", flat=True)) == sorted(
        [bill.total, increase]
    )
    _never_past_due(
        account,
        [DUE, DUE + timedelta(days=1), increase_due, increase_due + timedelta(days=5)],
        collections_agent,
    )


def test_a_returned_debit_of_the_increase_is_reversed_and_not_sent_again(
    debited_then_corrected, bank, privacy_officer, collections_agent
):
    account, _bill, corrected, increase = debited_then_corrected
    vendor, _ = bank
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 12, 16))
    debit = AchDebit.objects.get(bill=corrected)
    returned = ReturnEntry(line=1, reference=debit.reference, amount=debit.amount, reason="R01")
    report = returns_post(entries=[returned], by=collections_agent, received_on=date(2026, 12, 21))
    assert report.posted == 1
    assert LedgerEntry.objects.get(reference=f"ach-return:{debit.reference}").amount == increase
    assert _due_for(account, date(2027, 1, 5)) == []  # the customer's to pay now
    assert arrears_on(account.pk, on=date(2026, 12, 22)).past_due == increase


def test_on_budget_billing_the_level_amount_is_debited_and_a_stop_s_difference_with_the_next_bill(
    bank, privacy_officer, collections_agent, monkeypatch
):
    """Vera pays automatically on budget billing from October, then stops it in November: October's debit is
    her level amount (not the month's computed total), and what her use cost beyond it is debited with the
    November bill, by that bill's due date."""
    vendor, _ = bank
    home = household("Vera Level", "0060000777", YEAR)
    account = home.accounts.get()
    for month in (7, 8, 9):
        bill_charged(account, month, "50.00")  # a level amount of $50 a month; October's use costs more
    ledger_post(
        account_id=account.pk, kind="payment", amount=-balance_of(account.pk), posted_on=date(2026, 10, 20)
    )
    autopay_enrol(
        account_id=account.pk, bank_account=f"routing {TEST_ROUTING} account 5550077", submission=AUTOPAY_FORM
    )
    plan = budget_plan_start(account_id=account.pk, by="customer", today=date(2026, 10, 5))
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = Bill.objects.get(account=account, cycle="2026-10")
    assert october.total != plan.monthly_amount
    assert _due_for(account, date(2026, 11, 20)) == [(october.pk, plan.monthly_amount, DUE)]
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    stopped = budget_plan_stop(account_id=account.pk, by="customer", today=date(2026, 11, 24))
    owed = stopped.owed_on_next_bill
    assert owed == -carried(plan) > 0
    assert _due_for(account, date(2026, 11, 28)) == []  # asked by no bill yet: nothing to debit
    billing_day(monkeypatch, date(2026, 12, 1))
    bill_run(cycle="2026-11", issued_on=date(2026, 12, 1))
    november = Bill.objects.get(account=account, cycle="2026-11")
    assert _due_for(account, date(2026, 12, 10)) == []
    assert _due_for(account, date(2026, 12, 20)) == [(november.pk, november.total + owed, november.due_on)]
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 12, 20))
    assert balance_of(account.pk) == Decimal("0.00")
    _never_past_due(
        account,
        [date(2026, 11, 24), DUE + timedelta(days=1), november.due_on + timedelta(days=1)],
        collections_agent,
    )
