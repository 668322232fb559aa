"""Reads of payments: the card payments tried for accounts (clear columns only: amount, outcome, time)."""

from custodian.payments.models import Autopay, PaymentSession


def payment_attempts(account_ids, *, limit: int = 50):
    """The latest checkout sessions of these accounts, newest first (open, paid or failed)."""
    return PaymentSession.objects.filter(account_id__in=list(account_ids)).order_by("-created_at", "-pk")[
        :limit
    ]


def failed_payments(*, since, limit: int = 200):
    """Card payments the processor declined since `since`, newest first (the billing exceptions list)."""
    return (
        PaymentSession.objects.filter(status=PaymentSession.Status.FAILED, settled_at__gte=since)
        .select_related("account")
        .order_by("-settled_at", "-pk")[:limit]
    )


def autopay_of_customer(*, fetched_by, customer_id: int) -> list[Autopay]:
    """The customer's active automatic payments, with their accounts: the customer's own only."""
    if fetched_by.kind != "customer" or fetched_by.customer_id != customer_id:
        return []
    mine = Autopay.objects.filter(account__customer_id=customer_id, active=True)
    return list(mine.select_related("account"))
