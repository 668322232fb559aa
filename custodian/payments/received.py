"""A payment the utility took itself, recorded by staff: a check mailed in or handed over at the counter, cash
or a money order at the counter. (A card payment, at the counter or by phone, is the customer's own on the
payment processor's page: its card number never reaches Custodian, so it is not recorded here.)

Who records one: staff whose support service acts for billing, and collections staff where the policy file
lets their purpose, collecting payments, work with bills (`may_take_payments`: read from the policy file).
The payment is posted to the account's ledger on the day it was received (it pays the oldest amount owed
first, as every payment does: `billing.arrears`), kept with its method and check number as the customer's
receipt (its number is the receipt's), and an event on the customer in the access log, in one transaction.
A payment received on or before a bill's due date and recorded after the bill's late payment charge was
posted takes the charge back in the same transaction, where it paid the bill in full by that date
(`billing.late_fees`: a credit naming the charge, an event in the access log; never twice). The receipt
goes to the customer as their bills do, by letter or, paperless, kept in My account and told by e-mail
(`payments.receipt`).
Refused, nothing recorded: an amount of zero or less, more than `MOST`, a day to come, a day more than
`DAYS_BACK` days ago or before the account was opened, a check number on a payment that is no check or
written with anything but digits, and a check of the same number recorded on the account already."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.billing.late_fees import late_fees_paid_on_time
from custodian.billing.ledger import ledger_post
from custodian.billing.models import LedgerEntry
from custodian.customers.changes import record_change_append
from custodian.customers.models import Account
from custodian.payments.models import PaymentReceived
from custodian.payments.receipt import receipt_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import policy_decision, staff_actor

# The most one payment received pays (more is a typing slip: a bill of this utility is far smaller).
MOST = Decimal("25000.00")
# How long ago a payment may have been received and still be recorded (a check found late, a week's mail).
DAYS_BACK = 60
# The purposes whose staff take payments, where the policy file lets them work with bills.
TAKES_PAYMENTS_FOR = ("billing", "collecting_payments")
METHOD_WORDS = {"check": "check", "cash": "cash", "money_order": "money order"}


class PaymentRefused(ValueError):
    """A payment received that can't be recorded as given; the message says why, naming the limit."""


def takes_payments(actor) -> bool:
    """Whether this staff actor's support services act for billing, or for collecting payments, with bills
    (the policy file decides): the console's rule for the step, and the service's."""
    policy = current_policy()
    return any(policy_decision(policy, actor, p, ["bills"]).allowed for p in TAKES_PAYMENTS_FOR)


def may_take_payments(user) -> bool:
    """A member of staff `takes_payments` lets record one; nobody else (no job, no anonymous caller)."""
    return user is not None and takes_payments(staff_actor(user))


def _day(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _checked(amount, method: str, received_on: date, check_number: str, opened_on: date, today: date):
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise PaymentRefused("the amount is not a number of dollars") from None
    if amount <= 0:
        raise PaymentRefused("a payment is an amount of at least $0.01")
    if amount > MOST:
        raise PaymentRefused(f"a payment recorded here is at most ${MOST:,.2f}; check the amount typed")
    if method not in PaymentReceived.Method.values:
        raise PaymentRefused("the payment is a check, cash or a money order")
    if received_on > today:
        raise PaymentRefused(f"a payment is recorded once received: {_day(received_on)} is to come")
    if received_on < today - timedelta(days=DAYS_BACK):
        raise PaymentRefused(f"a payment received more than {DAYS_BACK} days ago is not recorded here")
    if received_on < opened_on:
        raise PaymentRefused(f"the account was opened on {_day(opened_on)}, after that day")
    if check_number and method != PaymentReceived.Method.CHECK:
        raise PaymentRefused("a check number goes with a payment by check only")
    if check_number and not (check_number.isascii() and check_number.isdigit() and len(check_number) <= 12):
        raise PaymentRefused("a check number is written with the digits 0 to 9, at most 12 of them")
    return amount


@transaction.atomic
def payment_received_record(
    *,
    account_id: int,
    amount,
    method: str,
    received_on: date,
    check_number: str = "",
    by,
    today: date | None = None,
) -> PaymentReceived:
    """Record a payment received on the account and post it to its ledger; returns it (its number is the
    receipt's). Anyone but the staff `may_take_payments` lets is refused before the account is looked up."""
    if not may_take_payments(by):
        raise PaymentRefused("only billing staff, and collections staff, record a payment received")
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise PaymentRefused("no such account")
    check_number = (check_number or "").strip()
    amount = _checked(
        amount, method, received_on, check_number, account.opened_on, today or timezone.localdate()
    )
    if check_number:
        earlier = PaymentReceived.objects.filter(
            account=account, method=method, check_number=check_number
        ).first()
        if earlier is not None:
            raise PaymentRefused(
                f"check {check_number} is recorded on this account already (receipt {earlier.pk})"
            )
    words = METHOD_WORDS[method] + (f" {check_number}" if check_number else "")
    entry = ledger_post(
        account_id=account.pk,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=-amount,
        posted_on=received_on,
        memo=f"Payment received: {words}"[:200],
    )
    payment = PaymentReceived.objects.create(
        account=account,
        customer_id=account.customer_id,
        amount=amount,
        method=method,
        received_on=received_on,
        check_number=check_number,
        entry=entry,
        recorded_by=by,
    )
    record_change_append(
        Action.PAYMENT_RECORDED,
        payment,
        f"on account {account.pk}: ${amount:,.2f} by {words}, received {received_on:%Y-%m-%d}",
        by=by,
    )
    reversals = late_fees_paid_on_time(
        account_id=account.pk, received_on=received_on, by=by, paid_by=f"payment received {payment.pk}"
    )
    receipt_send(payment=payment, by=by, fee_reversed=-sum((r.amount for r in reversals), Decimal("0.00")))
    return payment
