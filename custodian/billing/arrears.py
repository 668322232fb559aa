"""What an account has past due on a day, and its oldest bill still unpaid past its due date: the one
definition that the portal, the billing page, the printed bill's summary, the collections worklist, the
past-due letters, the notice of proposed disconnection, a disconnection's eligibility and the late payment
charges all read.

The rule, the usual one for a utility: every credit (a payment, a corrected bill's credit, a deposit or its
interest returned) pays the oldest amount owed first. So what an account still owes is its newest debt, and
the part of it past due is what the balance leaves after the bills not yet due: past due = balance less what
the bills not yet due ask for (their charges and, on budget billing, the month's difference carried and the
year's settlement), never below zero. A bill not yet due is never past due; a bill paid is never past due,
however old. Amounts owed that no bill asked for (a returned payment, a credit refunded) revive the debt
they undid, and count as past due at once.

What a month asks is read from all its bills, the current one and those that corrections replaced (a cycle's
bills): what each asked less the credit given when it was replaced (`cycle_parts`). On budget billing the
month's level amount sits on the bill first issued and a correction carries only its own difference, so the
month asks the same after a correction as before: a correction never makes the level amount past due.

A correction's due dates (`correction_due`): a correction that asks the same or less keeps the due date of
the bill it replaces (it gives no more time to pay what was past due). One that asks more keeps that due
date for what was asked before, and its increase is due on its own date: the correction's issue date plus
the tariff's usual days to pay (never before the date it replaces), since nobody is late on an amount they
were never told about. A month corrected several times owes, by each of its bills' due dates, what that bill
asked, never more than a later correction asks.

The oldest bill still unpaid past its due date is found the same way, walking back from the newest part of a
month past its due date until the amount past due is accounted for: what each month asked by that date and
the late payment charge posted on it. The month's current bill names the arrears: a customer who catches up
and later falls behind again has a new oldest unpaid bill, so a new letter (`collecting.notices`)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from django.db.models import Max, Q, Sum

from custodian.billing.models import Bill, LedgerEntry, cents

# What a bill asks the customer to pay: its charge and, on budget billing, the month's difference carried
# and the year's settlement posted with it (the level amount, or the true-up's arrears).
ASKED_BY_A_BILL = (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.BUDGET, LedgerEntry.Kind.BUDGET_TRUE_UP)
# What a bill past its due date is owed for: what it asked, and the late payment charge posted on it (less its
# reversal, where a payment received on time was recorded after the charge: `billing.late_fees`).
LATE_FEE_NET = (LedgerEntry.Kind.LATE_FEE, LedgerEntry.Kind.LATE_FEE_REVERSAL)
OWED_ON_A_BILL = (*ASKED_BY_A_BILL, *LATE_FEE_NET)
ZERO = Decimal("0.00")
# Accounts read at once when looking for their oldest unpaid bills (a bound on a query's parameters).
_CHUNK = 500


class Billed(NamedTuple):
    """One bill of a month as the rule reads it: its due dates and its entries' sums (clear columns only)."""

    account_id: int
    cycle: str
    bill_id: int
    is_current: bool
    due_on: date
    increase_due_on: date | None
    asked: Decimal  # its entries of `ASKED_BY_A_BILL`
    credited: Decimal  # the credit given when a correction replaced it (none on the current bill)
    fee: Decimal  # the late payment charge posted on it, less its reversal
    fee_on: date | None


class Part(NamedTuple):
    """Part of what a month asks, owed by a day."""

    due_on: date
    amount: Decimal


def billed(bills, *, posted_through: date | None = None) -> Iterator[Billed]:
    """The bills of the queryset `bills`, with their entries' sums (entries posted by `posted_through`, else
    all), by account, month and the order issued: one query, read as it comes."""
    within = Q() if posted_through is None else Q(entries__posted_on__lte=posted_through)
    rows = bills.annotate(
        asked=Sum("entries__amount", filter=within & Q(entries__kind__in=ASKED_BY_A_BILL)),
        credited=Sum("entries__amount", filter=within & Q(entries__kind=LedgerEntry.Kind.REBILL_CREDIT)),
        fee=Sum("entries__amount", filter=within & Q(entries__kind__in=LATE_FEE_NET)),
        fee_on=Max("entries__posted_on", filter=within & Q(entries__kind=LedgerEntry.Kind.LATE_FEE)),
    ).values_list(
        "account_id",
        "cycle",
        "pk",
        "is_current",
        "due_on",
        "increase_due_on",
        "asked",
        "credited",
        "fee",
        "fee_on",
    )
    return (billed_row(*row) for row in rows.order_by("account_id", "cycle", "pk").iterator())


def billed_row(account_id, cycle, bill_id, is_current, due_on, increase_due_on, asked, credited, fee, fee_on):
    """A `Billed` from a row as a database gives it (SQLite answers dates as text, booleans as numbers and
    sums of decimals as floating point)."""

    def day(value):
        return date.fromisoformat(value) if isinstance(value, str) else value

    return Billed(
        int(account_id),
        cycle,
        int(bill_id),
        bool(is_current),
        day(due_on),
        day(increase_due_on),
        cents(asked),
        cents(credited),
        cents(fee),
        day(fee_on),
    )


def months_of(rows: Iterable[Billed]) -> dict[tuple[int, str], list[Billed]]:
    """The bills by account and month, each month's in the order issued (a correction after what it
    replaces)."""
    months: dict[tuple[int, str], list[Billed]] = {}
    for row in sorted(rows, key=lambda b: b.bill_id):
        months.setdefault((row.account_id, row.cycle), []).append(row)
    return months


def months_in_order(rows: Iterable[Billed]) -> Iterator[list[Billed]]:
    """The bills of each month in turn, from rows already by account, month and the order issued (`billed`):
    one month's at a time in memory."""
    for _month, bills in groupby(rows, key=lambda b: (b.account_id, b.cycle)):
        yield list(bills)


def due_day(bill: Billed) -> date:
    """The last day a bill gives to pay what it asks: its increase's due date, else its due date."""
    return bill.increase_due_on or bill.due_on


def _asked_by_each(bills: list[Billed]) -> list[tuple[date, Decimal]]:
    """Each bill of a month (in the order issued) with what the month asked once it was issued: what the
    bills before it asked less the credits given when they were replaced, and what it asks."""
    steps, before = [], ZERO
    for b in bills:
        steps.append((due_day(b), before + b.asked))
        before += b.asked + b.credited
    return steps


def _parts_of_steps(steps: list[tuple[date, Decimal]]) -> list[Part]:
    """The parts owed by each due date: by a day, what the latest bill due by then asked, never more than a
    later correction asks, and never below nothing (a month that credits is a credit, which pays the oldest
    debt first)."""
    parts, done = [], ZERO
    for day in sorted({d for d, _ in steps}):
        latest = max(i for i, (d, _) in enumerate(steps) if d <= day)
        owed = max(ZERO, min(a for _, a in steps[latest:]))
        if owed > done:
            parts.append(Part(day, owed - done))
            done = owed
    return parts


def cycle_parts(bills: list[Billed]) -> list[Part]:
    """What one month of an account asks, by due date (`bills`: its bills in the order issued)."""
    return _parts_of_steps(_asked_by_each(bills))


def correction_due(*, replaced: Bill, asks_more_by: Decimal, issued_on: date, days_to_pay: int):
    """A correction's due dates, the one rule (module docstring): (the due date of its increase, or None when
    it asks no more than the bill it replaces asked; the month's parts by due date once it is issued).
    `asks_more_by`: what the month asks with the correction less what it asked before (none on budget
    billing, which carries the difference)."""
    bills = months_of(billed(Bill.objects.filter(account_id=replaced.account_id, cycle=replaced.cycle)))
    earlier = bills.get((replaced.account_id, replaced.cycle), [])
    steps = _asked_by_each(earlier)
    before = steps[-1][1] if steps else ZERO
    if cents(asks_more_by) > 0:
        increase_on = max(due_day(earlier[-1]), issued_on + timedelta(days=days_to_pay))
    else:
        increase_on = replaced.increase_due_on  # what is left of an earlier increase keeps its date
    steps.append((increase_on or replaced.due_on, before + cents(asks_more_by)))
    parts = _parts_of_steps(steps)
    increase_on = parts[-1].due_on if len(parts) > 1 else None
    return increase_on, parts


def not_yet_due(rows: Iterable[Billed], *, on: date) -> dict[int, list[Part]]:
    """Account id → the parts of its months not yet due on `on` (due on `on` or later), by due date."""
    out: dict[int, list[Part]] = {}
    for (account_id, _cycle), bills in months_of(rows).items():
        out.setdefault(account_id, []).extend(p for p in cycle_parts(bills) if p.due_on >= on)
    return {a: sorted(parts) for a, parts in out.items() if parts}


def not_yet_due_asked(rows: Iterable[Billed], *, on: date) -> dict[int, Decimal]:
    """Account id → what its bills not yet due on `on` ask for."""
    return {a: cents(sum((p.amount for p in parts), ZERO)) for a, parts in not_yet_due(rows, on=on).items()}


def months_not_yet_due(bills, *, on: date):
    """Of the bills of the queryset `bills`, those of the months with a part not yet due on `on` (a month's or
    two's): as a queryset, read with `billed`."""
    open_months = bills.filter(is_current=True).filter(Q(due_on__gte=on) | Q(increase_due_on__gte=on))
    return bills.filter(cycle__in=open_months.values("cycle").distinct())


def past_due_from(balance: Decimal, not_yet_due: Decimal) -> Decimal:
    """The amount past due, from an account's balance and what its bills not yet due ask for (credits pay
    the oldest debt first, so what remains owed beyond the bills not yet due is past due)."""
    return max(ZERO, cents(balance) - cents(not_yet_due))


@dataclass(frozen=True)
class Arrears:
    """An account's amount past due and its oldest bill unpaid past its due date (None only when all that is
    past due is owed without a bill: a returned payment on an account none of whose bills is past due)."""

    account_id: int
    past_due: Decimal
    oldest_bill_id: int | None
    oldest_cycle: str
    oldest_due_on: date | None


def _owed_past_due(bills: list[Billed], *, on: date) -> list[tuple[date, int, str, Decimal]]:
    """A month's parts past due on `on` (`bills`: a month whose first due date has passed), each with the
    late payment charge posted after it was due, whichever of the month's bills it was posted on: (due date,
    the month's current bill, the month, what is owed for it)."""
    current = next((b for b in reversed(bills) if b.is_current), bills[-1])
    owed = {p.due_on: p.amount for p in cycle_parts(bills) if p.due_on < on}
    for b in bills:
        if b.fee:
            charged_after = [day for day in owed if b.fee_on is None or day < b.fee_on]
            day = max(charged_after) if charged_after else min(owed, default=bills[0].due_on)
            owed[day] = owed.get(day, ZERO) + b.fee
    return [(day, current.bill_id, current.cycle, amount) for day, amount in owed.items()]


def arrears_of(*, on: date, account_ids: Iterable[int] | None = None) -> dict[int, Arrears]:
    """The accounts (of `account_ids`, else all) with an amount past due on `on`: account id → Arrears.
    Four queries and one more per 500 accounts past due; sums are compared to the cent in Python
    (SQLite's sum of decimals is floating point: `cents`)."""
    entries = LedgerEntry.objects.all()
    bills = Bill.objects.all()
    if account_ids is not None:
        ids = sorted({int(a) for a in account_ids})
        if not ids:
            return {}
        entries, bills = entries.filter(account_id__in=ids), bills.filter(account_id__in=ids)
    balances = {
        a: cents(s)
        for a, s in entries.values("account_id").annotate(s=Sum("amount")).values_list("account_id", "s")
    }
    # Only the months not yet due (a month's or two's) are read here, whoever owes.
    upcoming = not_yet_due_asked(billed(months_not_yet_due(bills, on=on)), on=on)
    past_due = {
        a: p for a, b in balances.items() if b > 0 and (p := past_due_from(b, upcoming.get(a) or ZERO)) > 0
    }
    found: dict[int, Arrears] = {}
    late = sorted(past_due)
    for start in range(0, len(late), _CHUNK):
        chunk = late[start : start + _CHUNK]
        # A month's bills share its first due date: the months with a part past due.
        months = months_of(billed(Bill.objects.filter(account_id__in=chunk, due_on__lt=on)))
        owed_by_account: dict[int, list[tuple[date, int, str, Decimal]]] = {}
        for (account_id, _cycle), month in months.items():
            owed_by_account.setdefault(account_id, []).extend(_owed_past_due(month, on=on))
        for account_id, owed in owed_by_account.items():
            left = past_due[account_id]
            for due_on, bill_id, cycle, amount in sorted(owed, key=lambda o: (o[0], o[1]), reverse=True):
                if left <= 0:
                    break  # accounted for by newer parts
                if amount <= 0:
                    continue  # a month that asked for nothing
                # This part is (at least in part) unpaid: the oldest so far, walking back.
                found[account_id] = Arrears(account_id, past_due[account_id], bill_id, cycle, due_on)
                left -= amount
    return {a: found.get(a) or Arrears(a, p, None, "", None) for a, p in sorted(past_due.items())}


def arrears_on(account_id: int, *, on: date) -> Arrears:
    """One account's arrears on `on` (nothing past due: an amount of zero and no bill)."""
    return arrears_of(on=on, account_ids=[account_id]).get(
        account_id, Arrears(account_id, ZERO, None, "", None)
    )
