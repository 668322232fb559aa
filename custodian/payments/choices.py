"""Payments' choices that forms and views name, apart from its models so that they may name them without the
models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ReceivedBy(TextChoices):
    """How a payment the utility took itself was paid (a card is paid on the processor's page instead)."""

    CHECK = "check", _("Check")
    CASH = "cash", _("Cash at the counter")
    MONEY_ORDER = "money_order", _("Money order")
