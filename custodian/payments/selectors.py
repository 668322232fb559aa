"""Reads of payments: the card payments tried for accounts (clear columns only: amount, outcome, time)."""

from datetime import date

from django.db.models import Count, Q

from custodian.billing.models import Bill
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


def autopay_pays_what_is_due(*, customer_id: int, due_from: date, due_by: date) -> bool:
    """Whether every one of the customer's accounts with a bill due between the two days is on automatic
    payment (and there is at least one such bill): the portal home then says the bill will be paid from the
    bank account instead of asking the customer to pay it. One query; only clear columns."""
    on_autopay = Autopay.objects.filter(active=True).values("account_id")
    counts = Bill.objects.filter(
        customer_id=customer_id, is_current=True, total__gt=0, due_on__gte=due_from, due_on__lte=due_by
    ).aggregate(
        due=Count("account_id", distinct=True),
        paid=Count("account_id", distinct=True, filter=Q(account_id__in=on_autopay)),
    )
    return counts["due"] > 0 and counts["paid"] == counts["due"]
