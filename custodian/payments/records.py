"""What payments keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category): automatic payment, when it was started and
stopped (the bank account itself is a value of its own category), and the payments tried by card. Called
only once the gate has allowed the read of the category."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.record_tables import Kept, amount, dates, in_words, kept_register, moment
from custodian.dates import day_words
from custodian.payments.models import Autopay, PaymentSession


def _autopay_words(a: Autopay) -> str:
    if a.active:
        return _("each bill is debited from your bank account when it is due.")
    return _("stopped on %(on)s") % {"on": day_words(a.stopped_at)}


def _card_words(s: PaymentSession) -> str:
    return str(s.get_status_display()).lower()


PAYMENTS = (
    Kept(
        "automatic_payment",
        gettext_lazy("Automatic payment"),
        Autopay,
        moment("enrolled_at", key="started_at", words=day_words),
        (
            dates("stopped_at"),
            in_words(_autopay_words, key="what", code=lambda a: "on" if a.active else "stopped"),
        ),
        whose="account__customer_id",
    ),
    Kept(
        "card_payments",
        gettext_lazy("Card payments"),
        PaymentSession,
        moment("created_at", key="at"),
        (amount(), in_words(_card_words, key="status")),
        whose="account__customer_id",
    ),
)


def register() -> None:
    """Payments' readers of the bills category (from the app's `ready`)."""
    kept_register(*PAYMENTS)
