"""What an account has past due on a day, and its oldest bill still unpaid past its due date: the one
definition that the portal, the billing page, the collections worklist, the past-due letters, the notice of
proposed disconnection and a disconnection's eligibility all read.

The rule, the usual one for a utility: every credit (a payment, a corrected bill's credit, a deposit or its
interest returned) pays the oldest amount owed first. So what an account still owes is its newest debt, and
the part of it past due is what the balance leaves after the bills not yet due: past due = balance less what
the bills not yet due ask for (their charges and, on budget billing, the month's difference carried and the
year's settlement), never below zero. A bill not yet due is never past due; a bill paid is never past due,
however old. Amounts owed that no bill asked for (a returned payment, a credit refunded) revive the debt
they undid, and count as past due at once.

The oldest bill still unpaid past its due date is found the same way, walking back from the newest bill past
its due date until the amount past due is accounted for: what each bill asked for and its late payment
charge. That bill names the arrears: a customer who catches up and later falls behind again has a new oldest
unpaid bill, so a new letter (`collecting.notices`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from custodian.billing.models import Bill, LedgerEntry, cents

# What a bill asks the customer to pay: its charge and, on budget billing, the month's difference carried
# and the year's settlement posted with it (the level amount, or the true-up's arrears).
ASKED_BY_A_BILL = (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.BUDGET, LedgerEntry.Kind.BUDGET_TRUE_UP)
# What a bill past its due date is owed for: what it asked, and the late payment charge posted on it.
OWED_ON_A_BILL = (*ASKED_BY_A_BILL, LedgerEntry.Kind.LATE_FEE)
ZERO = Decimal("0.00")
# Accounts read at once when looking for their oldest unpaid bills (a bound on a query's parameters).
_CHUNK = 500


def not_yet_due_asked(entries) -> dict[int, Decimal]:
    """Account id → what its bills not yet due ask for, from `entries` (the ledger entries of those bills):
    each bill counted for what it asks above nothing, since a bill that credits (a budget year's settlement
    paid beyond use) is a credit, and a credit pays the oldest debt first."""
    asked: dict[int, Decimal] = {}
    rows = entries.filter(kind__in=ASKED_BY_A_BILL).values("account_id", "bill_id").annotate(s=Sum("amount"))
    for account_id, _bill_id, amount in rows.values_list("account_id", "bill_id", "s"):
        if cents(amount) > 0:
            asked[account_id] = asked.get(account_id, ZERO) + cents(amount)
    return asked


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


def arrears_of(*, on: date, account_ids: Iterable[int] | None = None) -> dict[int, Arrears]:
    """The accounts (of `account_ids`, else all) with an amount past due on `on`: account id → Arrears.
    Three queries and one more per 500 accounts past due; sums are compared to the cent in Python
    (SQLite's sum of decimals is floating point: `cents`)."""
    entries = LedgerEntry.objects.all()
    if account_ids is not None:
        ids = sorted({int(a) for a in account_ids})
        if not ids:
            return {}
        entries = entries.filter(account_id__in=ids)
    balances = {
        a: cents(s)
        for a, s in entries.values("account_id").annotate(s=Sum("amount")).values_list("account_id", "s")
    }
    # Only the bills not yet due (a month's or two's) are read here, whoever owes.
    not_yet_due = not_yet_due_asked(entries.filter(bill__is_current=True, bill__due_on__gte=on))
    past_due = {
        a: p for a, b in balances.items() if b > 0 and (p := past_due_from(b, not_yet_due.get(a) or ZERO)) > 0
    }
    found: dict[int, Arrears] = {}
    late = sorted(past_due)
    for start in range(0, len(late), _CHUNK):
        chunk = late[start : start + _CHUNK]
        bills = (
            Bill.objects.filter(account_id__in=chunk, is_current=True, due_on__lt=on)
            .annotate(owed=Sum("entries__amount", filter=Q(entries__kind__in=OWED_ON_A_BILL)))
            .order_by("account_id", "-due_on", "-pk")
            .values_list("account_id", "pk", "cycle", "due_on", "owed")
        )
        remaining: dict[int, Decimal] = {}
        for account_id, bill_id, cycle, due_on, owed in bills:
            left = remaining.setdefault(account_id, past_due[account_id])
            if left <= 0 or cents(owed) <= 0:
                continue  # accounted for by a newer bill, or a bill that asked for nothing
            # This bill is (at least in part) unpaid: the oldest so far, walking back.
            found[account_id] = Arrears(account_id, past_due[account_id], bill_id, cycle, due_on)
            remaining[account_id] = left - cents(owed)
    return {a: found.get(a) or Arrears(a, p, None, "", None) for a, p in sorted(past_due.items())}


def arrears_on(account_id: int, *, on: date) -> Arrears:
    """One account's arrears on `on` (nothing past due: an amount of zero and no bill)."""
    return arrears_of(on=on, account_ids=[account_id]).get(
        account_id, Arrears(account_id, ZERO, None, "", None)
    )
