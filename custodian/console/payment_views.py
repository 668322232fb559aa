"""The console's step for a payment the utility took itself (a check mailed in or handed over, cash or a
money order at the counter), on an account's billing page: billing staff, and collections staff where the
policy file lets them (`payments.received.takes_payments`). Posted to the ledger, kept as the customer's
receipt and logged by the service; a card is paid on the processor's page, never typed here."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.console.access import console_page, looked_up
from custodian.console.steps import steps_on
from custodian.customers.selectors import account_for
from custodian.payments.choices import ReceivedBy
from custodian.payments.received import MOST, PaymentRefused, payment_received_record, takes_payments
from custodian.routing import page
from custodian.web.once import OnceForm

TAKES_PAYMENTS_ONLY = _("Only billing staff, and collections staff, record a payment received.")


class PaymentReceivedForm(OnceForm):
    records = "payments.PaymentReceived"
    amount = bounds.MoneyField(
        label="Amount received ($)",
        min_value=Decimal("0.01"),
        max_value=MOST,
        error_messages={
            "min_value": "Give an amount of at least $0.01.",
            "max_value": f"Give an amount of at most ${MOST:,.2f}.",
        },
    )
    method = forms.ChoiceField(label="Paid by", choices=ReceivedBy.choices)
    received_on = bounds.DateField(label="Received on")
    check_number = forms.CharField(label="Check number (optional)", max_length=12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


_account_step = steps_on(
    "console:billing_account",
    rule=console_page(takes_payments, TAKES_PAYMENTS_ONLY),
    found=looked_up(account_for, "account_id"),
    url_key="account_id",
    refused=PaymentRefused,
)


@page("billing/accounts/<id:account_id>/payment/", name="payment_received")
@_account_step(
    PaymentReceivedForm,
    failed="No payment recorded",
    refusal=lambda exc: f"No payment recorded: {exc}.",
)
def payment_received_view(request, account, d):
    payment = payment_received_record(account_id=account.pk, by=request.user, **d)
    by = payment.get_method_display().lower() + (f" {payment.check_number}" if payment.check_number else "")
    on = payment.received_on
    return (
        f"Payment of ${payment.amount:,.2f} by {by}, received {on:%B} {on.day}, posted: "
        f"receipt {payment.pk}, which the customer sees in the portal."
    )
