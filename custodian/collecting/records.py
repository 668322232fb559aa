"""What collections keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category: an agreement pays bills, a notice is about a bill
past due): the payment agreements asked for or agreed, and the notices of disconnection sent. Called only
once the gate has allowed the read of the category; amounts and dates in words for a person, keys, numbers
and days year-month-day for a program."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.presentation import money, service_name
from custodian.billing.record_tables import Kept, amount, dates, day, in_words, kept_register
from custodian.collecting.models import DisconnectionNotice, PaymentAgreement
from custodian.dates import day_words


def _agreement_words(a: PaymentAgreement) -> str:
    words = str(a.get_status_display())
    if a.agreed_on:
        words += "; " + _("agreed on %(on)s") % {"on": day_words(a.agreed_on)}
    if a.monthly_installment is not None:
        words += "; " + _("%(amount)s a month") % {"amount": money(a.monthly_installment)}
    if a.arrears_agreed is not None:
        words += "; " + _("toward %(amount)s past due") % {"amount": money(a.arrears_agreed)}
    return words


COLLECTIONS = (
    Kept(
        "payment_agreements",
        gettext_lazy("Payment agreements"),
        PaymentAgreement,
        day("requested_on"),
        (
            dates("agreed_on"),
            in_words(lambda a: a.get_status_display(), key="status", header=None),
            amount("monthly_installment", header=None, key="monthly"),
            amount("arrears_agreed", header=None, key="past_due_agreed"),
            in_words(_agreement_words, key="what", code=None),
        ),
        whose="account__customer_id",
    ),
    Kept(
        "disconnection_notices",
        gettext_lazy("Notices of disconnection we sent you"),
        DisconnectionNotice,
        day("sent_on"),
        (
            in_words(
                lambda n: service_name(n.service),
                key="service",
                code="service",
                header=gettext_lazy("Service"),
            ),
            amount("amount_past_due", header=gettext_lazy("Past due"), key="past_due"),
            dates("answered_on"),
        ),
        whose="account__customer_id",
    ),
)


def register() -> None:
    """Collections' readers of the bills category (from the app's `ready`)."""
    kept_register(*COLLECTIONS)
