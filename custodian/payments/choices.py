"""Payments' choices that forms and views name, apart from its models so that they may name them without the
models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ReceivedBy(TextChoices):
    """How a payment the utility took itself was paid (a card is paid on the processor's page instead)."""

    CHECK = "check", _("Check")
    CASH = "cash", _("Cash at the counter")
    MONEY_ORDER = "money_order", _("Money order")


class ChangeNoticeOutcome(TextChoices):
    """What collections did with a notification of change from the customer's bank."""

    APPLIED = "applied", _("The bank account on file was corrected")
    NO_CHANGE = "no_change", _("Handled without a change to the bank account on file")


class NoChangeReason(TextChoices):
    """Why a notification of change was handled without changing the bank account on file: each a fact a
    clerk can check, never free text (what they would type could name the customer)."""

    ALREADY_CORRECT = "already_correct", _("the bank account on file already holds the corrected details")
    ACCOUNT_REPLACED = (
        "account_replaced",
        _("the bank account on file was replaced after the debit the notice is about"),
    )
    AUTOPAY_STOPPED = "autopay_stopped", _("automatic payment has stopped on this account")
    NOT_KEPT = "not_kept", _("the notice corrects a detail we do not keep with the bank account")
