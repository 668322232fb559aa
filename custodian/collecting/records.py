"""What collections keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category: an agreement pays bills, a notice is about a bill
past due): the payment agreements asked for or agreed, and the notices of disconnection sent. Called only
once the gate has allowed the read of the category; amounts and dates in words for a person, keys, numbers
and days year-month-day for a program."""

from django.utils.translation import gettext as _

from custodian.billing.presentation import money, service_name
from custodian.billing.records import amount_data, coded, dated_records, day_data
from custodian.billing.selectors import BILL_CATEGORY
from custodian.collecting.models import DisconnectionNotice, PaymentAgreement
from custodian.dates import day_words
from custodian.vault.records_held import Records, records_register


def _agreement_words(a: PaymentAgreement) -> str:
    words = str(a.get_status_display())
    if a.agreed_on:
        words += "; " + _("agreed on %(on)s") % {"on": day_words(a.agreed_on)}
    if a.monthly_installment is not None:
        words += "; " + _("%(amount)s a month") % {"amount": money(a.monthly_installment)}
    if a.arrears_agreed is not None:
        words += "; " + _("toward %(amount)s past due") % {"amount": money(a.arrears_agreed)}
    return words


def _collections(customer_id: int, _documents) -> list[Records]:
    agreements = PaymentAgreement.objects.filter(account__customer_id=customer_id).order_by(
        "requested_on", "pk"
    )
    notices = DisconnectionNotice.objects.filter(account__customer_id=customer_id).order_by("sent_on", "pk")
    return [
        dated_records(
            "payment_agreements",
            _("Payment agreements"),
            [_("What")],
            agreements,
            on="requested_on",
            words=lambda a: [_agreement_words(a)],
            data=lambda a: {
                "agreed_on": day_data(a.agreed_on),
                "status": coded(a.status, a.get_status_display()),
                "monthly": amount_data(a.monthly_installment) if a.monthly_installment else None,
                "past_due_agreed": amount_data(a.arrears_agreed) if a.arrears_agreed else None,
                "what": _agreement_words(a),
            },
        ),
        dated_records(
            "disconnection_notices",
            _("Notices of disconnection we sent you"),
            [_("Service"), _("Past due")],
            notices,
            on="sent_on",
            words=lambda n: [service_name(n.service), money(n.amount_past_due)],
            data=lambda n: {
                "service": coded(n.service, service_name(n.service)),
                "past_due": amount_data(n.amount_past_due),
                "answered_on": day_data(n.answered_on),
            },
        ),
    ]


def register() -> None:
    """Collections' reader of the bills category (from the app's `ready`)."""
    records_register(BILL_CATEGORY, _collections)
