"""Billing's choices that forms and views name, apart from its models so that they may name them without the
models."""

from django.db.models import TextChoices


class DepositReason(TextChoices):
    NO_HISTORY = "no_history", "A new customer without a record of paying the utility"
    LATE_PAYMENTS = "late_payments", "Bills paid late in the last twelve months"
    DISCONNECTED = "disconnected", "Service disconnected for non-payment in the last twelve months"
