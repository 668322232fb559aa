"""The ledger's one writer and an account's balance: kept apart from `services` so that the deposits' module,
which the bill run calls at a final bill, posts and sums through the same functions as the bill run,
corrections, late fees and payments (the bill run's charges, written in bulk, and the budget billing plan's
entries, referenced by their plan, excepted)."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from custodian.billing.models import Bill, LedgerEntry, cents
from custodian.billing.permissions import BillingError


def balance_of(account_id: int) -> Decimal:
    return cents(LedgerEntry.objects.filter(account_id=account_id).aggregate(s=Sum("amount"))["s"])


def ledger_post(
    *,
    account_id: int | None = None,
    bill: Bill | None = None,
    kind: str,
    amount: Decimal,
    posted_on: date,
    reference: str = "",
    memo: str = "",
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Post one entry (payments, reversals, adjustments, deposits, refunds, a bill's credit or late fee). An
    entry with a `bill` (one that credits or charges it) is on the bill's account unless `account_id` says
    whose; `reverses`: the late payment charge a reversal takes back."""
    if kind not in LedgerEntry.Kind.values:
        raise BillingError(f"unknown ledger entry kind {kind!r}")
    if account_id is None and bill is None:
        raise BillingError("a ledger entry is on an account: name it, or the bill it goes with")
    return LedgerEntry.objects.create(
        account_id=bill.account_id if account_id is None else account_id,
        bill=bill,
        kind=kind,
        amount=amount,
        posted_on=posted_on,
        reference=reference,
        memo=memo,
        reverses=reverses,
    )
