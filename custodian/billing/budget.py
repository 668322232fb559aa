"""Budget (levelized) billing: the same amount owed each month, the month's use still billed.

A customer asks in the portal, or billing staff start it. The level amount is the average of the account's
last twelve current bills (at least three), rounded up to the dollar. Each bill of a cycle under the plan
keeps its computed total (the bill shows the month's use and charges) and gains a ledger entry carrying the
difference (`budget`: the level amount less the bill's total), so the account owes the level amount for the
month. At the plan's true-up cycle (the twelfth) and at the final bill, the difference carried is settled in
one entry (`budget_true_up`) on that bill, and a plan that goes on is levelled again from the year's bills.
A corrected bill carries its correction's difference too, so the month still owes the level amount.

Stopping the plan (`budget_plan_stop`) settles the difference the way a utility asks it, on a bill. A
difference the customer owes (their use has cost more than the level amounts paid) is not posted on the
day they stop: the plan is `stopped`, and the account's next bill (`budget_apply`: its next month's bill, or
its final bill when service stops first; not a correction of a month already billed, which keeps that
month's due date) carries the settlement with the month's use, due by that bill's due date. Posted on the
day without a bill, it would count as past due at once (`billing.arrears`: what no bill asked is past due),
and a customer who stopped could get a letter or a late fee that day for an amount no bill ever asked. The
other design, posting it now with a due date of its own, would need `arrears` to read due dates off
entries without a bill, and automatic payment, which debits bills, would never collect it; on the next bill
both read it as they read every bill, and the portal and the console say meanwhile that the difference will
be on the next bill (`settlements_pending`). A difference in the customer's favour is credited at once:
a credit is never late, and it pays what they owe first.

Everything is computed from clear columns (bill totals and ledger amounts); nothing personal is opened. Each
start, settlement and end is an event in the access log.
"""

from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.audit.actions import Action
from custodian.billing.arrears import ZERO
from custodian.billing.compute import cycle_bounds
from custodian.billing.models import Bill, BudgetPlan, LedgerEntry, cents
from custodian.billing.permissions import BillingError, created_once, may_bill
from custodian.customers.changes import record_change_append
from custodian.customers.models import Account

MONTHS = 12
AT_LEAST = 3  # bills needed to level on


def cycle_add(cycle: str, months: int) -> str:
    first, _ = cycle_bounds(cycle)
    index = first.year * 12 + first.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def level_amount(account_id: int, *, before_cycle: str | None = None) -> Decimal:
    """The average of the account's last twelve current bills (before `before_cycle`), up to the dollar."""
    bills = Bill.objects.filter(account_id=account_id, is_current=True)
    if before_cycle:
        bills = bills.filter(cycle__lt=before_cycle)
    totals = list(bills.order_by("-cycle").values_list("total", flat=True)[:MONTHS])
    if len(totals) < AT_LEAST:
        raise BillingError(
            _(
                "budget billing levels on at least %(months)s months of bills at this address; "
                "the account has %(bills)s"
            )
            % {"months": AT_LEAST, "bills": len(totals)}
        )
    average = sum(totals, Decimal(0)) / len(totals)
    return max(Decimal(0), average.quantize(Decimal(1), rounding=ROUND_CEILING)).quantize(Decimal("0.01"))


def carried(plan: BudgetPlan) -> Decimal:
    """What the plan carries now: positive when the customer has paid more than their use, negative when
    their use has cost more than they have paid."""
    return cents(
        LedgerEntry.objects.filter(account_id=plan.account_id, reference=plan.reference).aggregate(
            s=Sum("amount")
        )["s"]
    )


@transaction.atomic
def budget_plan_start(*, account_id: int, by, today: date | None = None) -> BudgetPlan:
    """Put an account in service on budget billing from the cycle of `today`. `by`: billing staff, or
    "customer" for the customer in the portal (the portal checks the account is theirs)."""
    if by != "customer" and (by is None or not may_bill(by)):
        raise BillingError(_("only billing staff, or the customer, start budget billing"))
    today = today or timezone.localdate()
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None or not account.is_open:
        raise BillingError(_("no such account in service"))
    first = f"{today:%Y-%m}"
    if Bill.objects.filter(account=account, cycle=first, is_current=True).exists():
        first = cycle_add(first, 1)
    amount = level_amount(account.pk, before_cycle=first)
    plan = created_once(
        BudgetPlan,
        "the account is on budget billing already",
        account=account,
        customer_id=account.customer_id,
        monthly_amount=amount,
        first_cycle=first,
        true_up_cycle=cycle_add(first, MONTHS - 1),
        started_on=today,
        started_by="the customer" if by == "customer" else by.get_username(),
    )
    record_change_append(
        Action.BUDGET_STARTED,
        plan,
        f"on account {account.pk}: ${amount} a month from {first}, settled in {plan.true_up_cycle}",
        by=by,
    )
    return plan


def _plan_post(
    plan: BudgetPlan, *, kind: str, amount: Decimal, on: date, bill_id: int | None, memo: str
) -> bool:
    """An entry of the plan on its account's ledger, referenced by the plan (what `carried` sums); none when
    the amount is zero. Whether one was posted."""
    if not amount:
        return False
    LedgerEntry.objects.create(
        account_id=plan.account_id,
        kind=kind,
        amount=amount,
        posted_on=on,
        bill_id=bill_id,
        reference=plan.reference,
        memo=memo,
    )
    return True


def _true_up(plan: BudgetPlan, *, on: date, bill_id: int | None) -> Decimal:
    """Settle what the plan carries (one entry, none when nothing is carried). Returns what was settled."""
    amount = -carried(plan)
    _plan_post(
        plan,
        kind=LedgerEntry.Kind.BUDGET_TRUE_UP,
        amount=amount,
        on=on,
        bill_id=bill_id,
        memo=f"Budget billing settled: ${-amount} paid beyond use"
        if amount < 0
        else f"Budget billing settled: ${amount} of use beyond the level amount",
    )
    return amount


class Stopped(NamedTuple):
    """A plan just stopped: what was credited at once (the customer's, a negative amount) or what the next
    bill will ask (owed, a positive amount); zero when nothing was carried."""

    plan: BudgetPlan
    credited: Decimal
    owed_on_next_bill: Decimal


@transaction.atomic
def budget_plan_stop(*, account_id: int, by, today: date | None = None) -> Stopped:
    """Stop budget billing: bills are owed as billed again. The difference carried is credited now when it is
    the customer's, or settled on the account's next bill when they owe it (module docstring)."""
    if by != "customer" and (by is None or not may_bill(by)):
        raise BillingError(_("only billing staff, or the customer, stop budget billing"))
    today = today or timezone.localdate()
    plan = (
        BudgetPlan.objects.select_for_update()
        .filter(account_id=account_id, status=BudgetPlan.Status.ACTIVE)
        .first()
    )
    if plan is None:
        raise BillingError(_("the account is not on budget billing"))
    owed = -carried(plan)
    plan.ended_on = today
    if owed > 0:
        plan.status = BudgetPlan.Status.STOPPED
        words = f"stopped; ${owed} of use beyond the level amount to settle with the next bill"
        credited = ZERO
    else:
        credited = _true_up(plan, on=today, bill_id=None)
        plan.status = BudgetPlan.Status.ENDED
        words = f"stopped; ${-credited} paid beyond use credited" if credited else "stopped; nothing carried"
        owed = ZERO
    plan.save(update_fields=["status", "ended_on"])
    record_change_append(Action.BUDGET_ENDED, plan, words, by=by)
    return Stopped(plan, credited, owed)


def _settle_stopped(plan: BudgetPlan, *, bill_id: int, on: date, by) -> int:
    """A stopped plan's difference, asked by the account's next bill (in the bill run's transaction)."""
    amount = -carried(plan)
    posted = _plan_post(
        plan,
        kind=LedgerEntry.Kind.BUDGET_TRUE_UP,
        amount=amount,
        on=on,
        bill_id=bill_id,
        memo=f"Budget billing stopped {plan.ended_on:%Y-%m-%d}: ${amount} of use beyond the level amount",
    )
    plan.status = BudgetPlan.Status.ENDED
    plan.save(update_fields=["status"])
    record_change_append(
        Action.BUDGET_TRUED_UP,
        plan,
        f"settled ${amount} with bill {bill_id}; stopped on {plan.ended_on:%Y-%m-%d}",
        by=by,
    )
    return int(posted)


def _carries(plan: BudgetPlan | None, cycle: str) -> bool:
    return plan is not None and cycle >= plan.first_cycle


def correction_carried(account_id: int, cycle: str) -> bool:
    """Whether budget billing carries a correction of the account's bill for `cycle` (an active plan from that
    cycle or before): the correction's difference is then carried (`budget_apply`), and the month asks what
    it asked before."""
    plan = BudgetPlan.objects.filter(account_id=account_id, status=BudgetPlan.Status.ACTIVE).first()
    return _carries(plan, cycle)


class Issued(NamedTuple):
    """A bill just issued, as the bill run hands it over (a named tuple: the run makes one for every bill,
    and a frozen dataclass costs twice as much to make)."""

    bill_id: int
    account_id: int
    cycle: str
    total: Decimal
    final: bool
    replaces_total: Decimal | None  # a correction: the total of the bill it replaces


def budget_apply(*, issued: list[Issued], on: date, by=None) -> int:
    """The bills' budget entries, in the bill run's transaction: the month's difference carried for each
    bill of a plan's cycles, the settlement at the true-up cycle and at the final bill (a plan that goes on
    is levelled again). Returns the number of entries posted."""
    wanted = {i.account_id for i in issued}
    if not wanted:
        return 0
    # By the range of the accounts' ids (a bill run's chunk is one), not a list of a thousand ids.
    plans, stopped = {}, {}
    for p in BudgetPlan.objects.select_for_update().filter(
        account_id__gte=min(wanted),
        account_id__lte=max(wanted),
        status__in=[BudgetPlan.Status.ACTIVE, BudgetPlan.Status.STOPPED],
    ):
        if p.account_id not in wanted:
            continue
        if p.status == BudgetPlan.Status.ACTIVE:
            plans[p.account_id] = p
        else:
            stopped.setdefault(p.account_id, []).append(p)
    posted = 0
    for item in issued:
        if item.replaces_total is None:
            # A stopped plan's difference goes on the account's next bill (a new month's, or the final one).
            for done in stopped.pop(item.account_id, []):
                posted += _settle_stopped(done, bill_id=item.bill_id, on=on, by=by)
        plan = plans.get(item.account_id)
        if not _carries(plan, item.cycle):
            continue
        if item.replaces_total is not None:
            difference = item.replaces_total - item.total  # the month still owes what it owed
        else:
            difference = plan.monthly_amount - item.total
        posted += _plan_post(
            plan,
            kind=LedgerEntry.Kind.BUDGET,
            amount=difference,
            on=on,
            bill_id=item.bill_id,
            memo=f"Budget billing: ${plan.monthly_amount} a month",
        )
        if item.replaces_total is None and (item.final or item.cycle >= plan.true_up_cycle):
            settled = _true_up(plan, on=on, bill_id=item.bill_id)
            posted += bool(settled)
            if item.final:
                plan.status, plan.ended_on = BudgetPlan.Status.ENDED, on
                plan.save(update_fields=["status", "ended_on"])
                words = "ended with the final bill"
            else:
                # The plan goes on, levelled again from the year's bills; its entries start afresh.
                plan.status, plan.ended_on = BudgetPlan.Status.ENDED, on
                plan.save(update_fields=["status", "ended_on"])
                nxt = BudgetPlan.objects.create(
                    account_id=plan.account_id,
                    customer_id=plan.customer_id,
                    monthly_amount=level_amount(plan.account_id),
                    first_cycle=cycle_add(item.cycle, 1),
                    true_up_cycle=cycle_add(item.cycle, MONTHS),
                    started_on=on,
                    started_by=plan.started_by,
                )
                words = f"renewed as {nxt.pk} at ${nxt.monthly_amount} a month"
            record_change_append(
                Action.BUDGET_TRUED_UP, plan, f"settled ${settled} with bill {item.bill_id}; {words}", by=by
            )
    return posted


def settlements_pending(account_ids) -> list[tuple[BudgetPlan, Decimal]]:
    """The accounts' plans stopped with a difference still to be asked by their next bill, and that amount
    (what the customer owes)."""
    plans = BudgetPlan.objects.filter(account_id__in=list(account_ids), status=BudgetPlan.Status.STOPPED)
    return [(plan, -carried(plan)) for plan in plans.order_by("account_id", "pk")]


def budget_plan_of(account_ids) -> list[BudgetPlan]:
    """The accounts' plans on budget billing now."""
    return list(
        BudgetPlan.objects.filter(account_id__in=list(account_ids), status=BudgetPlan.Status.ACTIVE).order_by(
            "account_id"
        )
    )
