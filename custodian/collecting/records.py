"""What collections keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category: an agreement pays bills, a notice is about a bill
past due): the payment agreements asked for or agreed, the notices of disconnection sent, and the orders to
disconnect a service (issued, refused because the law forbade it, or withdrawn when a payment agreement was
asked for or agreed). Called only
once the gate has allowed the read of the category; amounts and dates in words for a person, keys, numbers
and days year-month-day for a program."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.presentation import money, service_name
from custodian.billing.record_tables import Kept, amount
from custodian.collecting.models import DisconnectionNotice, DisconnectionOrder, PaymentAgreement
from custodian.dates import day_words
from custodian.vault.record_tables import dates, day, fields, in_words, kept_register, moment


def _agreement_words(a: PaymentAgreement) -> str:
    words = str(a.get_status_display())
    if a.agreed_on:
        words += "; " + _("agreed on %(on)s") % {"on": day_words(a.agreed_on)}
    if a.monthly_installment is not None:
        words += "; " + _("%(amount)s a month") % {"amount": money(a.monthly_installment)}
    if a.arrears_agreed is not None:
        words += "; " + _("toward %(amount)s past due") % {"amount": money(a.arrears_agreed)}
    return words


def _order_status(o: DisconnectionOrder) -> str:
    if o.withdrawn:
        return "withdrawn"
    return "issued" if o.issued else "refused"


def _order_words(o: DisconnectionOrder) -> str:
    """What became of an order, in words: issued for its day, not issued (the law forbade it on that day),
    or withdrawn (when and for which request for a payment agreement)."""
    when = {"on": day_words(o.scheduled_for)}
    if o.withdrawn:
        words = _("disconnection planned for %(on)s, withdrawn on %(withdrawn)s") % {
            **when,
            "withdrawn": day_words(o.withdrawn_at),
        }
        if o.withdrawn_for_id:
            words += ": " + _("you asked for a payment agreement, or one was agreed")
        return words
    if o.issued:
        return _("disconnection ordered for %(on)s") % when
    return _("disconnection for %(on)s not ordered: the law forbade it that day") % when


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
    Kept(
        "disconnection_orders",
        gettext_lazy("Orders to disconnect a service"),
        DisconnectionOrder,
        moment("requested_at", key="at", words=day_words),
        (
            in_words(
                lambda o: service_name(o.service),
                key="service",
                code="service",
                header=gettext_lazy("Service"),
            ),
            dates("scheduled_for", "withdrawn_at"),
            fields(issued="issued", reasons="reasons", withdrawn_reason="withdrawn_reason"),
            in_words(_order_words, key="what", code=_order_status),
        ),
        whose="account__customer_id",
    ),
)


def register() -> None:
    """Collections' readers of the bills category (from the app's `ready`)."""
    kept_register(*COLLECTIONS)
