"""A payment's receipt, sent the way the customer's bills go (`billing.notices.letter_as_bills_go`): mailed,
or for a paperless customer kept in My account and told by e-mail. It names the amount, the day received,
how it was paid, the receipt's number and any late payment charge the payment took back; written in the
customer's language."""

from decimal import Decimal

from custodian.billing.notices import letter_as_bills_go
from custodian.customers.models import Customer
from custodian.payments.models import PaymentReceived
from custodian.policy.loader import current_policy


def receipt_send(*, payment: PaymentReceived, by, fee_reversed: Decimal = Decimal("0.00")) -> None:
    """Send the receipt of a payment received, in the caller's transaction (the payment's own)."""
    utility = current_policy().utility
    letter_as_bills_go(
        to_customer=Customer.objects.get(pk=payment.customer_id),
        template="payment_receipt",
        context={
            "receipt": payment.pk,
            "amount": f"{payment.amount:,.2f}",
            "received_on": payment.received_on,  # the template writes it in the customer's language
            "method": payment.method,
            "check_number": payment.check_number,
            "fee_reversed": f"{fee_reversed:,.2f}" if fee_reversed > 0 else "",
            "utility": utility["name"],
            "phone": utility.get("phone", ""),
        },
        regarding=f"receipt:{payment.pk}",
        sent_by=by,
    )
