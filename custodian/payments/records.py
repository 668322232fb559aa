"""What payments keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category): automatic payment, when it was started and
stopped (the bank account itself is a value of its own category), and the payments tried by card. Called
only once the gate has allowed the read of the category."""

from django.utils.translation import gettext as _

from custodian.billing.presentation import money
from custodian.billing.records import amount_data, coded
from custodian.billing.selectors import BILL_CATEGORY
from custodian.dates import day_words, moment_words
from custodian.payments.models import Autopay, PaymentSession
from custodian.vault.records_held import Record, Records, records_register


def _autopay_words(a: Autopay) -> str:
    if a.active:
        return _("each bill is debited from your bank account when it is due.")
    return _("stopped on %(on)s") % {"on": day_words(a.stopped_at)}


def _payments(customer_id: int, _documents) -> list[Records]:
    autopay = Autopay.objects.filter(account__customer_id=customer_id).order_by("enrolled_at", "pk")
    cards = PaymentSession.objects.filter(account__customer_id=customer_id).order_by("created_at", "pk")
    return [
        Records(
            BILL_CATEGORY,
            "automatic_payment",
            _("Automatic payment"),
            [_("Date"), _("What")],
            [
                Record(
                    [day_words(a.enrolled_at), _autopay_words(a)],
                    {
                        "started_at": a.enrolled_at.isoformat(),
                        "stopped_at": a.stopped_at.isoformat() if a.stopped_at else None,
                        "what": coded("on" if a.active else "stopped", _autopay_words(a)),
                    },
                    a.enrolled_at.date(),
                )
                for a in autopay
            ],
        ),
        Records(
            BILL_CATEGORY,
            "card_payments",
            _("Card payments"),
            [_("Date"), _("Amount"), _("What")],
            [
                Record(
                    [moment_words(s.created_at), money(s.amount), str(s.get_status_display()).lower()],
                    {
                        "at": s.created_at.isoformat(),
                        "status": coded(s.status, str(s.get_status_display()).lower()),
                        **amount_data(s.amount),
                    },
                    s.created_at.date(),
                )
                for s in cards
            ],
        ),
    ]


def register() -> None:
    """Payments' reader of the bills category (from the app's `ready`)."""
    records_register(BILL_CATEGORY, _payments)
