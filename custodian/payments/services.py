"""Writes of payments: checkout sessions and the processor's signed webhooks, posted to the ledger."""

import json
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.billing.deposits import deposit_paid_online
from custodian.billing.models import Deposit, LedgerEntry
from custodian.billing.services import ledger_post
from custodian.customers.models import Account
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import current_determination
from custodian.payments.models import PaymentSession, WebhookEvent
from custodian.payments.processor import BadSignature, processor, verify

PAYMENT_PROCESSING = "payment_processing"


class PaymentError(ValueError):
    pass


def card_payments_offered() -> bool:
    """Whether the portal offers card payments: a processor is configured and one is in force as a vendor."""
    return processor() is not None and payment_processor_vendor() is not None


def payment_processor_vendor() -> Vendor | None:
    """The payment-processing vendor in force: registered for the policy file's `payment_processing`
    function, not revoked, with a current determination."""
    for vendor in Vendor.objects.filter(function=PAYMENT_PROCESSING, revoked_at__isnull=True).order_by("pk"):
        if current_determination(vendor) is not None:
            return vendor
    return None


@transaction.atomic
def payment_session_open(
    *, account_id: int, amount=None, deposit_id: int | None = None
) -> tuple[PaymentSession, str]:
    """Open a checkout on the processor's hosted page; returns the session and the page's address. The
    processor receives the amount and an opaque reference, nothing else; and only a processor with a
    current determination (the policy file's `payment_processing` function) is used. With `deposit_id`,
    the checkout pays that deposit of the account (its amount), which is then held rather than paying the
    bills."""
    deposit = None
    if deposit_id is not None:
        deposit = Deposit.objects.filter(pk=deposit_id, account_id=account_id).first()
        if deposit is None:
            raise PaymentError(_("no such deposit"))
        if deposit.status != Deposit.Status.REQUIRED:
            raise PaymentError(
                _("the deposit is %(status)s, not waiting for payment")
                % {"status": deposit.get_status_display().lower()}
            )
        amount = deposit.amount
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise PaymentError(_("the amount is not a number")) from None
    if not Decimal("1.00") <= amount <= Decimal("10000.00"):
        raise PaymentError(_("the amount must be between $1.00 and $10,000.00"))
    if not Account.objects.filter(pk=account_id).exists():
        raise PaymentError(_("no such account"))
    checkout_by = processor()
    if checkout_by is None:
        raise PaymentError(_("card payments are not taken online; pay by mail, in person or automatically"))
    vendor = payment_processor_vendor()
    if vendor is None:
        raise PaymentError(
            _("card payments are not available now (no payment processor with a current determination)")
        )
    session = PaymentSession.objects.create(
        token=secrets.token_urlsafe(24), account_id=account_id, amount=amount, vendor=vendor, deposit=deposit
    )
    checkout = checkout_by.checkout_create(amount=str(amount), reference=session.token)
    return session, checkout.url


def webhook_receive(*, body: bytes, signature: str) -> str:
    """Verify and apply one webhook event. Raises BadSignature for a forged or stale request and
    PaymentError for a replayed or unknown event; nothing is posted then."""
    verify(body, signature)
    try:
        event = json.loads(body)
        event_id, kind, data = str(event["id"]), str(event["type"]), event["data"]
        reference = str(data["reference"])
    except (ValueError, KeyError, TypeError):
        raise PaymentError("not a payment event") from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=event_id, kind=kind)
        except IntegrityError:
            raise PaymentError("event already received (replay)") from None
        session = PaymentSession.objects.select_for_update().filter(token=reference).first()
        if session is None:
            raise PaymentError("no such payment session")
        if session.status != PaymentSession.Status.OPEN:
            raise PaymentError("the payment session is already settled")
        if kind == "payment.succeeded":
            if Decimal(str(data.get("amount"))) != session.amount:
                raise PaymentError("the amount paid differs from the session's")
            session.status, session.processor_payment_id = (
                PaymentSession.Status.SUCCEEDED,
                str(data["payment_id"]),
            )
            today = timezone.localdate()
            held = session.deposit_id is not None and deposit_paid_online(
                deposit_id=session.deposit_id,
                amount=session.amount,
                paid_on=today,
                reference=session.processor_payment_id,
            )
            if not held:
                # A payment of the bills; or a deposit's payment that came when the deposit was no longer
                # waiting for it: credited to the balance, never lost (refunded after a final bill).
                ledger_post(
                    account_id=session.account_id,
                    kind=LedgerEntry.Kind.PAYMENT,
                    amount=-session.amount,
                    posted_on=today,
                    reference=session.processor_payment_id,
                    memo="Payment, thank you"
                    if session.deposit_id is None
                    else "Deposit payment received after the deposit was settled: credited to the account",
                )
        elif kind == "payment.failed":
            session.status, session.failure_reason = (
                PaymentSession.Status.FAILED,
                str(data.get("failure_reason"))[:200],
            )
        else:
            raise PaymentError(f"unknown event type {kind!r}")
        session.settled_at = timezone.now()
        session.save()
    return session.status


__all__ = ["BadSignature", "PaymentError", "payment_session_open", "webhook_receive"]
