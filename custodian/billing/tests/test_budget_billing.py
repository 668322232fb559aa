"""Budget (levelized) billing: the level amount from the last twelve bills, each month owing it while the
bill still bills the month's use, the difference carried and settled at the true-up month (the plan levelled
again), on the next bill when stopped, and at the final bill; started by the customer in the portal or by
billing staff, refused to a marketer; each start, settlement and end in the access log."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.arrears import arrears_on
from custodian.billing.budget import budget_plan_start, budget_plan_stop, carried, cycle_add, level_amount
from custodian.billing.final import service_stop
from custodian.billing.models import Bill, BudgetPlan, LedgerEntry
from custodian.billing.permissions import BillingError
from custodian.billing.selectors import balance, statement
from custodian.billing.services import bill_correct, bill_run, late_fees_assess, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.collecting.notices import NoticeError, disconnection_notice_send, past_due_notices_send
from custodian.collecting.selectors import collections_worklist
from custodian.customers.models import Account
from custodian.testing import bill_charged
from custodian.testing.billing import account_opened, billing_day, reading_corrected
from custodian.testing.portal import signed_in
from custodian.vault.gate import staff_actor


@pytest.fixture
def account(customer):
    """Alice's account since June 2026, with three bills: $100, $50 and $151 (a level of $101 a month)."""
    account = account_opened(customer, date(2026, 6, 1))
    for month, total in ((7, "100.00"), (8, "50.00"), (9, "151.00")):
        bill_charged(account, month, total)
    return account


def _budget_entries(account):
    return list(
        LedgerEntry.objects.filter(account=account, kind__in=["budget", "budget_true_up"])
        .order_by("pk")
        .values_list("kind", "amount")
    )


def test_each_month_owes_the_level_amount_and_the_difference_is_carried(account, billing_clerk):
    assert level_amount(account.pk) == Decimal("101.00")  # 301 / 3 = 100.33, up to the dollar
    plan = budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    assert (plan.first_cycle, plan.true_up_cycle, plan.monthly_amount) == (
        "2026-10",
        "2027-09",
        Decimal("101"),
    )
    before = balance([account.pk])
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = Bill.objects.get(account=account, cycle="2026-10")
    assert october.total != Decimal("101.00")  # the bill bills the month's use
    assert _budget_entries(account) == [("budget", Decimal("101.00") - october.total)]
    assert balance([account.pk]) == before + Decimal("101.00")
    assert carried(plan) == Decimal("101.00") - october.total
    # What the October bill asks by its due date is the level amount.
    due = statement([account.pk], on=date(2026, 11, 2))
    assert due.balance - due.past_due == Decimal("101.00")
    event = AccessEvent.objects.get(action="budget_started")
    assert event.actor_id == str(billing_clerk.pk) and "$101.00 a month" in event.reason


def test_the_true_up_month_settles_the_difference_and_levels_again(account, billing_clerk, monkeypatch):
    billing_day(monkeypatch, date(2026, 12, 1))  # November billed once it has ended
    plan = budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    BudgetPlan.objects.filter(pk=plan.pk).update(true_up_cycle="2026-11")  # a short year for the test
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    bill_run(cycle="2026-11", issued_on=date(2026, 12, 1))
    actual = sum(Bill.objects.filter(account=account).values_list("total", flat=True))
    assert balance([account.pk]) == actual  # settled: the account owes what it used
    assert carried(plan) == 0
    kinds = [k for k, _ in _budget_entries(account)]
    assert kinds == ["budget", "budget", "budget_true_up"]
    renewed = BudgetPlan.objects.get(account=account, status="active")
    assert renewed.pk != plan.pk and (renewed.first_cycle, renewed.true_up_cycle) == ("2026-12", "2027-11")
    assert renewed.monthly_amount == level_amount(account.pk)
    assert AccessEvent.objects.filter(action="budget_trued_up", customer_id=str(account.customer_id)).exists()


def test_stopping_settles_on_the_next_bill_and_a_correction_keeps_the_month_level(
    account, billing_clerk, monkeypatch
):
    plan = budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = Bill.objects.get(account=account, cycle="2026-10")
    owed = balance([account.pk])
    reading_corrected(account.customer)
    corrected = bill_correct(bill_id=october.pk, reason="a misread meter", by=billing_clerk)
    assert balance([account.pk]) == owed  # the month still owes the level amount
    assert carried(plan) == Decimal("101.00") - corrected.total < 0
    stopped = budget_plan_stop(account_id=account.pk, by=billing_clerk, today=date(2026, 11, 10))
    # The use beyond the level amount is asked by the next bill, not posted without one.
    assert stopped.owed_on_next_bill == corrected.total - Decimal("101.00")
    assert balance([account.pk]) == owed
    billing_day(monkeypatch, date(2026, 12, 1))
    bill_run(cycle="2026-11", issued_on=date(2026, 12, 1))
    actual = sum(Bill.objects.filter(account=account, is_current=True).values_list("total", flat=True))
    assert balance([account.pk]) == actual
    with pytest.raises(BillingError, match="not on budget billing"):
        budget_plan_stop(account_id=account.pk, by=billing_clerk)
    assert AccessEvent.objects.filter(action="budget_ended").count() == 1


def test_the_final_bill_settles_the_plan_before_the_credit_is_refunded(account, billing_clerk):
    budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    service_stop(account_id=account.pk, closed_on=date(2026, 10, 20), today=date(2026, 10, 25))
    assert not BudgetPlan.objects.filter(account=account, status="active").exists()
    actual = sum(Bill.objects.filter(account=account).values_list("total", flat=True))
    assert balance([account.pk]) == actual  # nothing carried past the final bill


def test_who_may_start_and_what_it_needs(account, customer, other_customer, billing_clerk, marketer):
    for user in (marketer, None):
        with pytest.raises(BillingError, match="only billing staff, or the customer"):
            budget_plan_start(account_id=account.pk, by=user)
    newcomer = Account.objects.get(customer=other_customer)
    with pytest.raises(BillingError, match="at least 3 months of bills"):
        budget_plan_start(account_id=newcomer.pk, by="customer")
    budget_plan_start(account_id=account.pk, by="customer", today=date(2026, 10, 5))
    with pytest.raises(BillingError, match="on budget billing already"):
        budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    started = AccessEvent.objects.get(action="budget_started")
    assert (started.actor_kind, started.actor_id) == ("customer", str(customer.pk))
    assert cycle_add("2026-12", 1) == "2027-01" and cycle_add("2026-01", -1) == "2025-12"


def test_the_customer_starts_it_in_the_portal_and_another_customer_can_not(households, billing_clerk):  # noqa: F811
    (first, app1), (second, app2) = households
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    bill_run(cycle="2026-09", issued_on=date(2026, 10, 1))
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    mine = Account.objects.get(customer=first)
    theirs = Account.objects.get(customer=second)
    sam = signed_in(app2, "sam@example.com")
    refused = sam.post("/portal/me/budget/", {"choice": "start", "account": mine.pk})
    assert refused.status_code == 400 and not BudgetPlan.objects.exists()
    pat = signed_in(app1, "pat@example.com")
    assert pat.post("/portal/me/budget/", {"choice": "start", "account": mine.pk}).status_code == 302
    plan = BudgetPlan.objects.get()
    assert plan.account_id == mine.pk and plan.started_by == "the customer"
    page = pat.get("/portal/me/bills/").content.decode()
    assert f"${plan.monthly_amount:.2f} a month" in page
    assert f"${plan.monthly_amount:.2f} a month" not in sam.get("/portal/me/bills/").content.decode()
    assert sam.post("/portal/me/budget/", {"choice": "stop", "account": mine.pk}).status_code == 400
    assert pat.post("/portal/me/budget/", {"choice": "stop", "account": mine.pk}).status_code == 302
    assert not BudgetPlan.objects.filter(status="active").exists() and theirs.pk != mine.pk


def test_the_console_starts_and_stops_it_for_billing_staff_only(account, billing_clerk, marketer, console):
    clerk = console(billing_clerk)
    page = f"/staff/billing/accounts/{account.pk}/"
    assert "Start budget billing" in clerk.get(page).content.decode()
    assert clerk.post(f"/staff/billing/accounts/{account.pk}/budget/", {"choice": "start"}).status_code == 302
    assert BudgetPlan.objects.filter(account=account, status="active").exists()
    assert "Stop budget billing" in clerk.get(page).content.decode()
    assert (
        console(marketer)
        .post(f"/staff/billing/accounts/{account.pk}/budget/", {"choice": "stop"})
        .status_code
        == 403
    )
    clerk.post(f"/staff/billing/accounts/{account.pk}/budget/", {"choice": "stop"})
    assert not BudgetPlan.objects.filter(status="active").exists()


def test_budget_arrears_draw_the_late_fee_and_reach_the_collections_worklist(
    account, billing_clerk, collections_agent, monkeypatch
):
    """Late in a budget month: the fee is on the level amount the bill asked for (not the month's computed
    total), and at the true-up the year's arrears are asked with that bill, charged late when unpaid, and the
    account is on the collections worklist owing them."""
    billing_day(monkeypatch, date(2026, 12, 1))  # November billed once it has ended
    plan = budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    BudgetPlan.objects.filter(pk=plan.pk).update(true_up_cycle="2026-11")  # a short year for the test
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = Bill.objects.get(account=account, cycle="2026-10")
    late_fees_assess(as_of=october.due_on + timedelta(days=1))
    tariff = current_tariff()

    def fee(asked):
        return max(tariff.round(asked * tariff.late_fee_percent / 100), tariff.late_fee_minimum)

    first = LedgerEntry.objects.get(account=account, kind="late_fee", bill=october)
    assert first.bill_id == october.pk and first.amount == fee(Decimal("101.00"))
    bill_run(cycle="2026-11", issued_on=date(2026, 12, 1))
    november = Bill.objects.get(account=account, cycle="2026-11")
    asked = sum(
        LedgerEntry.objects.filter(
            bill=november, kind__in=["charge", "budget", "budget_true_up"]
        ).values_list("amount", flat=True)
    )
    assert LedgerEntry.objects.filter(bill=november, kind="budget_true_up").exists()
    late_fees_assess(as_of=november.due_on + timedelta(days=1))
    second = LedgerEntry.objects.get(account=account, kind="late_fee", bill=november)
    assert second.amount == fee(asked)
    items = collections_worklist(on=november.due_on + timedelta(days=1), actor=staff_actor(collections_agent))
    assert [(i.account.pk, i.past_due) for i in items] == [(account.pk, balance([account.pk]))]
    assert items[0].past_due >= asked


def test_a_correction_before_the_due_date_leaves_nothing_past_due(account, billing_clerk, collections_agent):
    """Alice pays every bill; October's, her first on budget billing, is corrected before its due date. The
    month still asks the level amount, by October's due date: nothing is past due before it, anywhere, and
    after it, unpaid, the level amount is (not the corrected bill's computed total)."""
    ledger_post(
        account_id=account.pk, kind="payment", amount=-balance([account.pk]), posted_on=date(2026, 10, 20)
    )
    budget_plan_start(account_id=account.pk, by=billing_clerk, today=date(2026, 10, 5))
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = Bill.objects.get(account=account, cycle="2026-10")
    reading_corrected(account.customer)
    corrected = bill_correct(
        bill_id=october.pk, reason="a misread meter", by=billing_clerk, issued_on=date(2026, 11, 10)
    )
    assert corrected.total != october.total and corrected.due_on == october.due_on == date(2026, 11, 22)
    assert corrected.increase_due_on is None  # the month asks what it asked: the level amount
    on = date(2026, 11, 15)
    assert arrears_on(account.pk, on=on).past_due == Decimal("0.00")
    where = statement([account.pk], on=on)
    assert (where.balance, where.past_due, where.due_on) == (
        Decimal("101.00"),
        Decimal("0.00"),
        october.due_on,
    )
    assert collections_worklist(on=on, actor=staff_actor(collections_agent)) == []
    assert past_due_notices_send(on=on).sent == 0
    with pytest.raises(NoticeError, match="owes nothing past due"):
        disconnection_notice_send(account_id=account.pk, service="gas", sent_on=on, today=on)
    assert late_fees_assess(as_of=on) == 0
    after = date(2026, 11, 25)
    late = arrears_on(account.pk, on=after)
    assert (late.past_due, late.oldest_bill_id, late.oldest_due_on) == (
        Decimal("101.00"),
        corrected.pk,
        october.due_on,
    )
    assert late_fees_assess(as_of=after) == 1
    tariff = current_tariff()
    fee = LedgerEntry.objects.get(account=account, kind="late_fee")
    assert (fee.bill_id, fee.amount) == (
        corrected.pk,
        max(tariff.round(Decimal("101.00") * tariff.late_fee_percent / 100), tariff.late_fee_minimum),
    )
