"""A customer who stops budget billing owes the difference carried (their use beyond the level amount) on
their next bill, by that bill's due date, as a utility asks it: never past due, charged a late fee, sent a
letter or put on the collections worklist the day they stop for an amount no bill asked. The portal and the
console say it will be on the next bill. A difference in the customer's favour is credited at once, and an
account that closes before its next bill settles it on the final bill."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.arrears import arrears_on
from custodian.billing.budget import budget_plan_start, budget_plan_stop, carried
from custodian.billing.final import service_stop
from custodian.billing.models import Bill, BudgetPlan, LedgerEntry
from custodian.billing.selectors import balance, statement
from custodian.billing.services import bill_run, late_fees_assess, ledger_post
from custodian.billing.summary import bill_summary
from custodian.collecting.notices import past_due_notices_send
from custodian.collecting.selectors import collections_worklist
from custodian.testing import bill_charged, portal_browser
from custodian.testing.billing import account_opened, billing_day
from custodian.vault.gate import staff_actor

STARTED, STOPPED = date(2026, 10, 5), date(2026, 11, 24)  # stopped after October's bill was due and paid


def _on_budget(customer, totals):
    """`customer`'s account since June 2026 with three bills of `totals` (their level amount), on budget
    billing from October, October billed and its level amount paid on time."""
    account = account_opened(customer, date(2026, 6, 1))
    for month, total in zip((7, 8, 9), totals, strict=True):
        bill_charged(account, month, total)
    plan = budget_plan_start(account_id=account.pk, by="customer", today=STARTED)
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    ledger_post(
        account_id=account.pk, kind="payment", amount=-balance([account.pk]), posted_on=date(2026, 11, 20)
    )
    return account, plan


@pytest.fixture
def alice(customer):
    """Alice levels at $30 a month; October's use cost more: she owes the difference when she stops."""
    account, plan = _on_budget(customer, ("30.00", "30.00", "30.00"))
    assert carried(plan) < 0
    return account, plan


@pytest.fixture
def bob(other_customer):
    """Bob levels at $400 a month; October's use cost less: the difference is his."""
    account, plan = _on_budget(other_customer, ("400.00", "400.00", "400.00"))
    assert carried(plan) > 0
    return account, plan


def _settlements(account):
    return list(
        LedgerEntry.objects.filter(account=account, kind=LedgerEntry.Kind.BUDGET_TRUE_UP).values_list(
            "amount", "bill_id", "posted_on"
        )
    )


def test_the_difference_owed_is_asked_by_the_next_bill_and_due_by_its_date(
    alice, billing_clerk, collections_agent, monkeypatch
):
    account, plan = alice
    owed = -carried(plan)
    budget_plan_stop(account_id=account.pk, by="customer", today=STOPPED)
    # Nothing posted without a bill: nothing past due, no fee, no letter, not on the worklist, that day or
    # any day before the next bill is due.
    assert _settlements(account) == [] and balance([account.pk]) == Decimal("0.00")
    agent = staff_actor(collections_agent)
    for on in (STOPPED, STOPPED + timedelta(days=1), date(2026, 12, 5)):
        assert arrears_on(account.pk, on=on).past_due == Decimal("0.00")
        assert collections_worklist(on=on, actor=agent) == []
        assert past_due_notices_send(on=on).sent == 0
        late_fees_assess(as_of=on)
        assert not LedgerEntry.objects.filter(account=account, kind="late_fee").exists()
    assert BudgetPlan.objects.get(pk=plan.pk).status == BudgetPlan.Status.STOPPED
    # The next bill asks it, with the month's use, by its own due date.
    billing_day(monkeypatch, date(2026, 12, 1))
    bill_run(cycle="2026-11", issued_on=date(2026, 12, 1))
    november = Bill.objects.get(account=account, cycle="2026-11")
    assert _settlements(account) == [(owed, november.pk, november.issued_on)]
    assert bill_summary(november).this_bill == november.total + owed
    where = statement([account.pk], on=date(2026, 12, 2))
    assert (where.balance, where.past_due, where.due_on) == (
        november.total + owed,
        Decimal("0.00"),
        november.due_on,
    )
    assert arrears_on(account.pk, on=november.due_on).past_due == Decimal("0.00")
    ended = BudgetPlan.objects.get(pk=plan.pk)
    assert (ended.status, ended.ended_on, carried(ended)) == (BudgetPlan.Status.ENDED, STOPPED, 0)
    settled = AccessEvent.objects.get(action="budget_trued_up", customer_id=str(account.customer_id))
    assert f"bill {november.pk}" in settled.reason
    # Unpaid past that date, it is past due like the rest of the bill, and named by it.
    after = november.due_on + timedelta(days=1)
    late = arrears_on(account.pk, on=after)
    assert (late.past_due, late.oldest_bill_id) == (november.total + owed, november.pk)


def test_the_portal_and_the_console_say_it_will_be_on_the_next_bill(alice, billing_clerk, console):
    account, plan = alice
    owed = -carried(plan)
    browser = portal_browser(account.customer, "alice")
    stop = browser.post("/portal/me/budget/", {"choice": "stop", "account": account.pk}, follow=True)
    page = stop.content.decode()
    assert f"the difference of ${owed:,.2f} will be on your next bill" in page
    assert f"${owed:,.2f} of use beyond the level amount will be on your next bill" in page
    spanish = browser.get("/portal/me/bills/?lang=es").content.decode()
    assert f"la diferencia de ${owed:,.2f} estará en su próxima factura" in spanish
    staff = console(billing_clerk).get(f"/staff/billing/accounts/{account.pk}/").content.decode()
    assert f"${owed:,.2f} of use beyond the level amount goes on the next bill" in staff


def test_a_difference_in_the_customer_s_favour_is_credited_at_once(bob):
    account, plan = bob
    credit = carried(plan)
    browser = portal_browser(account.customer, "bob")
    page = browser.post(
        "/portal/me/budget/", {"choice": "stop", "account": account.pk}, follow=True
    ).content.decode()
    today = _settlements(account)[0][2]
    assert _settlements(account) == [(-credit, None, today)]
    assert balance([account.pk]) == -credit
    assert BudgetPlan.objects.get(pk=plan.pk).status == BudgetPlan.Status.ENDED
    assert f"the ${credit:,.2f} you paid beyond your use is credited to your balance" in page


def test_a_stop_still_to_settle_is_settled_on_the_final_bill(alice):
    account, plan = alice
    owed = -carried(plan)
    budget_plan_stop(account_id=account.pk, by="customer", today=STOPPED)
    _, bills = service_stop(account_id=account.pk, closed_on=date(2026, 11, 25), today=date(2026, 11, 27))
    (final,) = bills
    assert final.final and _settlements(account) == [(owed, final.pk, final.issued_on)]
    assert BudgetPlan.objects.get(pk=plan.pk).status == BudgetPlan.Status.ENDED
    actual = sum(Bill.objects.filter(account=account).values_list("total", flat=True))
    paid = -sum(LedgerEntry.objects.filter(account=account, kind="payment").values_list("amount", flat=True))
    assert balance([account.pk]) == actual - paid  # the year's use, nothing carried past the final bill
