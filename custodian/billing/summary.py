"""Where an account stood when a bill was issued, for the printed bill's account summary: what was owed on
the previous bill, paid since, charged by this bill, and owed in all (of it, what was past due)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from custodian.billing.arrears import (
    ASKED_BY_A_BILL,
    billed,
    months_not_yet_due,
    not_yet_due_asked,
    past_due_from,
)
from custodian.billing.models import Bill, LedgerEntry, cents


@dataclass(frozen=True)
class BillSummary:
    """Where the account stood when a bill was issued, from the ledger as of its issue date: the balance
    on the previous bill, the payments since, any other entries since (late fees, credits for a corrected
    bill, adjustments), this bill's charges, and what was owed in all; of that, what was past due. The same
    figures whenever the bill is printed (entries posted after its issue date are not counted)."""

    previous_balance: Decimal
    payments: Decimal
    other: Decimal
    this_bill: Decimal
    amount_due: Decimal
    past_due: Decimal


def bill_summary(bill: Bill) -> BillSummary:
    entries = LedgerEntry.objects.filter(account_id=bill.account_id, posted_on__lte=bill.issued_on)
    earlier = (
        Bill.objects.filter(account_id=bill.account_id, issued_on__lt=bill.issued_on)
        .order_by("-issued_on", "-pk")
        .first()
    )
    previous = Decimal("0.00")
    if earlier is not None:
        previous = cents(entries.filter(posted_on__lte=earlier.issued_on).aggregate(s=Sum("amount"))["s"])
        entries = entries.filter(posted_on__gt=earlier.issued_on)
    since = list(entries.values_list("kind", "amount", "bill_id"))
    this_bill = cents(sum((a for k, a, b in since if b == bill.pk and k in ASKED_BY_A_BILL), Decimal(0)))
    paid = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.PAYMENT_REVERSAL)
    payments = cents(sum((a for k, a, _b in since if k in paid), Decimal(0)))
    other = cents(sum((a for _k, a, _b in since), Decimal(0))) - this_bill - payments
    # What the bills ask that is not yet due on this bill's issue date, read from the ledger as of that day
    # as `arrears` reads it (a correction keeps its due date, and an increase it asks is not yet due).
    not_yet_due = not_yet_due_asked(
        billed(
            months_not_yet_due(Bill.objects.filter(account_id=bill.account_id), on=bill.issued_on),
            posted_through=bill.issued_on,
        ),
        on=bill.issued_on,
    ).get(bill.account_id, Decimal("0.00"))
    forward = previous + payments + other
    return BillSummary(
        previous_balance=previous,
        payments=payments,
        other=other,
        this_bill=this_bill,
        amount_due=forward + this_bill,
        past_due=past_due_from(forward + this_bill, not_yet_due),
    )
