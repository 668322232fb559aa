"""What a month still owes after its due date, as the late payment charges read it, and a charge taken back
when a payment received on time is recorded after the charge was posted.

A check mailed before the due date and opened a few days later, or a payment at the counter typed in the
next week, is recorded on the day it was received (`payments.received`): the ledger then shows the bill paid
on time. Where the late payment charge had already been posted (`billing.services.late_fees_assess`, the
day after the due date), it is reversed in the same transaction as the payment: a credit of the charge's
amount on the same bill, naming the charge it takes back (`LedgerEntry.reverses`: one reversal per charge,
so recording or running it again never credits twice), and an event on the customer in the access log, as
the payment is.

A partial payment. The tariff (`policy/owatonna-tariff.toml`) charges "a late payment charge on what is
still owed of a bill after its due date, once per bill", at least its minimum; it says nothing of a payment
that arrives on time but short. Read as written, a bill with anything still owed after its due date draws
the charge, so the charge is reversed only when what the month asked by that due date is paid in full by
it (counted as the charge counts it: every payment pays the oldest debt first, and what a payment agreement
pays is not the bill's); a payment on time that leaves part of it owed leaves the charge as it is (once per
bill: it is not figured again on the smaller amount). A payment received after the due date never reverses
the charge."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Sum

from custodian.audit.actions import Action
from custodian.billing.arrears import ZERO, Billed, billed, cycle_parts
from custodian.billing.fee_relief import Spared, fee_relief
from custodian.billing.ledger import ledger_post
from custodian.billing.models import Bill, LedgerEntry, cents
from custodian.customers.models import Account
from custodian.staff.services import customer_change_append

# The entries a late payment charge never counts as owed or paid: the charges themselves and their reversals.
FEES = (LedgerEntry.Kind.LATE_FEE, LedgerEntry.Kind.LATE_FEE_REVERSAL)


class StillOwed(NamedTuple):
    """A month's current bill, the last due date before the day asked, and what it still owes of what was
    due by then."""

    bill_id: int
    cycle: str
    due_on: date
    unpaid: Decimal


def still_owed(
    bills: list[Billed], *, as_of: date, spared: dict[int, Spared], paid_late_counts: bool = True
) -> StillOwed | None:
    """What one month of an account (`bills`: its bills in the order issued) still owes on `as_of` of what
    was due before it, as the late payment charge reads it: what the month asked by its last due date before
    `as_of`, less what the ledger's credits had paid of the account's debt by that date (the oldest first),
    less what a payment agreement pays, and, with `paid_late_counts`, less the payments posted after the due
    date up to `as_of`. None: nothing was due yet, or the month is arrears a payment agreement pays."""
    account_id = bills[0].account_id
    current = next((b for b in bills if b.is_current), None)
    parts = cycle_parts(bills)
    past = [p for p in parts if p.due_on < as_of]
    if current is None or not past:
        return None
    under = spared.get(account_id)
    if under is not None and bills[0].due_on < under.before:
        return None  # arrears paid under a payment agreement
    due_on = past[-1].due_on
    asked = sum((p.amount for p in past), ZERO)
    later = sum((p.amount for p in parts if p.due_on > due_on), ZERO)  # not yet due on that day
    owed = cents(
        LedgerEntry.objects.filter(account_id=account_id, posted_on__lte=due_on)
        .exclude(kind__in=FEES)
        .aggregate(s=Sum("amount"))["s"]
    )
    paid_since = ZERO
    if paid_late_counts:
        paid_since = -cents(
            LedgerEntry.objects.filter(
                account_id=account_id,
                posted_on__gt=due_on,
                posted_on__lte=as_of,
                kind=LedgerEntry.Kind.PAYMENT,
            ).aggregate(s=Sum("amount"))["s"]
        )
    agreed = under.owed_under(due_on) if under is not None else ZERO  # the agreement's, not this bill's
    return StillOwed(current.bill_id, current.cycle, due_on, min(asked, owed - later - paid_since - agreed))


def late_fees_paid_on_time(*, account_id: int, received_on: date, by, paid_by: str) -> list[LedgerEntry]:
    """Reverse each late payment charge of the account, not yet reversed, posted after `received_on` (its
    due date on or after the day the payment was received), whose month is now paid in full by its due date
    (module docstring: a partial payment leaves the charge). In the caller's transaction, after the payment
    is posted; `paid_by` names the payment in the access log's event (a receipt's number, no personal value).
    Returns the reversals posted (none: nothing written)."""
    # The account locked (the payment's writer holds it already): one reversal of a charge at a time.
    customer_id = Account.objects.select_for_update().values_list("customer_id", flat=True).get(pk=account_id)
    fees = list(
        LedgerEntry.objects.filter(
            account_id=account_id,
            kind=LedgerEntry.Kind.LATE_FEE,
            posted_on__gt=received_on,
            reversal__isnull=True,
        )
        .select_related("bill")
        .order_by("posted_on", "pk")
    )
    if not fees:
        return []
    spared = fee_relief()
    reversed_now = []
    for fee in fees:
        month = list(billed(Bill.objects.filter(account_id=account_id, cycle=fee.bill.cycle)))
        # The charge was posted the day after the due date it was charged for: the month read as on that day.
        owed = still_owed(month, as_of=fee.posted_on, spared=spared, paid_late_counts=False)
        if owed is None or owed.unpaid > 0:
            continue  # still owed after its due date (a partial payment): the charge stands
        reversal = ledger_post(
            bill=fee.bill,
            kind=LedgerEntry.Kind.LATE_FEE_REVERSAL,
            amount=-fee.amount,
            posted_on=fee.posted_on,  # on the charge's day: as though it had never been charged
            reverses=fee,
            memo=f"Late payment charge on the {fee.bill.cycle} bill reversed: paid on time"[:200],
        )
        customer_change_append(
            Action.LATE_FEE_REVERSED,
            by=by,
            customer_id=customer_id,
            reason=(
                f"late payment charge {fee.pk} (${fee.amount:,.2f}, {fee.bill.cycle} bill, account "
                f"{account_id}) reversed by entry {reversal.pk}: {paid_by}, received "
                f"{received_on:%Y-%m-%d}, paid the bill by its due date {owed.due_on:%Y-%m-%d}"
            ),
        )
        reversed_now.append(reversal)
    return reversed_now
