"""Deposits, and the credit refunded when service stops.

A deposit is asked of an account by billing staff, for one of a fixed list of reasons, at most the tariff's
maximum, with its own due date (the tariff's `deposit_due_days` after it is asked for, unless staff give a
later one). It stays outside the ledger's balance while it is asked for and while it is held: a deposit
not yet paid never makes a bill look past due nor draws a late fee, and a deposit paid is not a payment of
the bills. When the account's final bill is issued, a held deposit is returned against it (a ledger entry),
a deposit still unpaid is no longer asked for, and any credit then left on the account (the deposit, an
overpayment) is refunded by check: a refund entry brings the balance to zero and the refund waits on the
billing page for its check number.

A held deposit earns interest under Minnesota's rule (custodian.billing.deposit_interest, Minn. Stat.
§ 325E.02), credited on the ledger at least once a year and, for the days since, when it is returned. A
deposit may be paid at the counter (recorded by staff) or online through the payment processor (the
processor's signed webhook records it, custodian.payments).

Each change is an event in the access log naming who made it and the account's customer, in the writer's
transaction (amounts and dates only; nothing personal is opened here).
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.billing.deposit_interest import CITATION, interest_accrued
from custodian.billing.ledger import balance_of, ledger_post
from custodian.billing.models import Bill, Deposit, LedgerEntry, Refund
from custodian.billing.permissions import BillingError, created_once, may_bill
from custodian.billing.tariff import current_tariff
from custodian.customers.changes import record_change_append
from custodian.customers.models import Account


def _staff_check(by, what: str) -> None:
    if by is None or not may_bill(by):
        raise BillingError(f"only billing staff {what}")


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        raise BillingError(f"the amount {value!r} is not a sum of dollars and cents") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise BillingError("the amount is dollars and cents (two decimals at most)")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def deposit_ask(
    *, account_id: int, amount, reason: str, by, due_on: date | None = None, today: date | None = None
) -> Deposit:
    """Ask an open account for a deposit. Refused, nothing stored, when the amount is not above zero or is
    above the tariff's maximum, the reason is not one of the list, the due date comes before the tariff's
    days, or the account already has a deposit asked for or held."""
    _staff_check(by, "ask for deposits")
    today = today or timezone.localdate()
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise BillingError("no such account")
    if not account.is_open:
        raise BillingError("the account is closed: a deposit is asked only of an account in service")
    if reason not in Deposit.Reason.values:
        raise BillingError(f"the reason must be one of: {', '.join(Deposit.Reason.labels)}")
    amount = _amount(amount)
    tariff = current_tariff()
    if amount <= 0:
        raise BillingError("a deposit is more than $0.00")
    if amount > tariff.deposit_maximum:
        raise BillingError(f"a deposit is at most ${tariff.deposit_maximum} (the tariff's maximum)")
    earliest = today + timedelta(days=tariff.deposit_due_days)
    due_on = due_on or earliest
    if due_on < earliest:
        raise BillingError(
            f"a deposit is due no sooner than {tariff.deposit_due_days} days after it is asked for "
            f"({earliest:%Y-%m-%d})"
        )
    deposit = created_once(
        Deposit,
        "the account already has a deposit asked for or held",
        account=account,
        customer_id=account.customer_id,
        amount=amount,
        reason=reason,
        asked_on=today,
        due_on=due_on,
        asked_by=by,
    )
    record_change_append(
        Action.DEPOSIT_ASKED,
        deposit,
        f"of ${amount} asked of account {account.pk}, due {due_on:%Y-%m-%d}",
        by=by,
    )
    return deposit


@transaction.atomic
def deposit_paid_record(*, deposit_id: int, paid_on: date, reference: str = "", by) -> Deposit:
    """Record that a deposit asked for was paid (at the counter, by check): it is held from then on."""
    _staff_check(by, "record deposits paid")
    deposit = Deposit.objects.select_for_update().filter(pk=deposit_id).first()
    if deposit is None:
        raise BillingError("no such deposit")
    return _held(deposit, paid_on=paid_on, reference=reference, by=by, how="")


def _held(deposit: Deposit, *, paid_on: date, reference: str, by, how: str) -> Deposit:
    if deposit.status != Deposit.Status.REQUIRED:
        raise BillingError(f"the deposit is {deposit.get_status_display().lower()}, not waiting for payment")
    if paid_on > timezone.localdate() or paid_on < deposit.asked_on:
        raise BillingError("the day it was paid is between the day it was asked for and today")
    deposit.status, deposit.paid_on, deposit.paid_reference = Deposit.Status.HELD, paid_on, reference[:40]
    deposit.save(update_fields=["status", "paid_on", "paid_reference"])
    record_change_append(
        Action.DEPOSIT_PAID, deposit, f"of ${deposit.amount} paid on {paid_on:%Y-%m-%d}{how}, held", by=by
    )
    return deposit


def deposit_paid_online(*, deposit_id: int, amount: Decimal, paid_on: date, reference: str) -> bool:
    """The payment processor's webhook says the customer paid a deposit on its hosted page (in the caller's
    transaction, with the webhook's own records). The deposit is held from then on; True. When it is no
    longer waiting for payment (paid at the counter meanwhile, or released when service stopped), or the
    amount differs, nothing is held and False: the caller credits the money to the account's balance
    instead, so it is never lost (a credit left after a final bill is refunded)."""
    deposit = Deposit.objects.select_for_update().filter(pk=deposit_id).first()
    if deposit is None or deposit.status != Deposit.Status.REQUIRED or deposit.amount != amount:
        return False
    _held(deposit, paid_on=paid_on, reference=reference, by=None, how=" through the payment processor")
    return True


def _interest_credit(deposit: Deposit, *, last_day: date, on: date, bill=None, by=None) -> Decimal:
    """Credit the deposit's interest from the day after its last credit (or the day it was paid) up to
    `last_day`, in the caller's transaction. Returns the amount credited."""
    first_day = deposit.interest_through + timedelta(days=1) if deposit.interest_through else deposit.paid_on
    if deposit.paid_on is None or first_day is None or last_day < first_day:
        return Decimal("0.00")
    accrued = interest_accrued(deposit.amount, first_day=first_day, last_day=last_day)
    if accrued.through is None:
        return Decimal("0.00")
    period = f"{first_day:%Y-%m-%d} to {accrued.through:%Y-%m-%d}"
    if accrued.amount > 0:
        ledger_post(
            account_id=deposit.account_id,
            bill=bill,
            kind=LedgerEntry.Kind.DEPOSIT_INTEREST,
            amount=-accrued.amount,
            posted_on=on,
            memo=f"Interest on the deposit, {period} ({CITATION})",
        )
    deposit.interest_through = accrued.through
    deposit.save(update_fields=["interest_through"])
    missing = f"; no rate for {accrued.missing_year} yet" if accrued.missing_year else ""
    record_change_append(
        Action.DEPOSIT_INTEREST_CREDITED,
        deposit,
        f"earned ${accrued.amount} of interest for {period}, credited{missing}",
        by=by,
    )
    return accrued.amount


def deposit_interest_credit(*, through: date, on: date | None = None, by=None) -> int:
    """Credit the interest every deposit has earned up to `through` (the yearly credit: December 31) and not
    yet been credited: deposits held, and deposits returned whose last days could not be counted then (a
    year's rate not yet entered). One transaction per deposit. Returns how many deposits were credited."""
    on = on or timezone.localdate()
    credited = 0
    candidates = Deposit.objects.filter(
        status__in=[Deposit.Status.HELD, Deposit.Status.RETURNED], paid_on__isnull=False
    ).values_list("pk", flat=True)
    for deposit_id in candidates.iterator():
        with transaction.atomic():
            deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
            last_day = through
            if deposit.status == Deposit.Status.RETURNED:
                last_day = min(through, deposit.ended_on - timedelta(days=1))
            if deposit.interest_through is not None and deposit.interest_through >= last_day:
                continue
            before = deposit.interest_through
            _interest_credit(deposit, last_day=last_day, on=on, by=by)
            credited += deposit.interest_through != before
    return credited


def final_settle(*, bill: Bill, on: date, by=None) -> Refund | None:
    """At an account's final bill: return a held deposit against it, release one still unpaid, and refund
    the credit then left on the account, once (a second call for the same bill changes nothing). Runs in
    the caller's transaction, with the bill."""
    if not bill.final:
        return None
    if Refund.objects.filter(final_bill=bill).exists():
        return None
    for deposit in Deposit.objects.select_for_update().filter(
        account_id=bill.account_id, status__in=[Deposit.Status.REQUIRED, Deposit.Status.HELD]
    ):
        if deposit.status == Deposit.Status.HELD:
            # Interest from the deposit's payment (or its last yearly credit) to the day before its return.
            _interest_credit(deposit, last_day=on - timedelta(days=1), on=on, bill=bill, by=by)
            entry = ledger_post(
                bill=bill,
                kind=LedgerEntry.Kind.DEPOSIT,
                amount=-deposit.amount,
                posted_on=on,
                memo=f"Deposit paid {deposit.paid_on:%Y-%m-%d} returned against the final bill",
            )
            deposit.status, deposit.returned_entry = Deposit.Status.RETURNED, entry
            action, words = Action.DEPOSIT_RETURNED, "returned against the final bill"
        else:
            deposit.status = Deposit.Status.RELEASED
            action, words = Action.DEPOSIT_RELEASED, "no longer asked for: service stopped"
        deposit.ended_on = on
        deposit.save(update_fields=["status", "returned_entry", "ended_on"])
        record_change_append(action, deposit, words, by=by)
    credit = -balance_of(bill.account_id)
    if credit <= 0:
        return None
    entry = ledger_post(
        bill=bill,
        kind=LedgerEntry.Kind.REFUND,
        amount=credit,
        posted_on=on,
        memo="Credit after the final bill refunded by check",
    )
    refund = Refund.objects.create(
        account_id=bill.account_id,
        customer_id=bill.customer_id,
        final_bill=bill,
        amount=credit,
        entry=entry,
        issued_on=on,
    )
    record_change_append(
        Action.CREDIT_REFUNDED,
        refund,
        f"of ${credit} from account {bill.account_id} after its final bill",
        by=by,
    )
    return refund


@transaction.atomic
def refund_sent_record(*, refund_id: int, check_number: str, by, sent_on: date | None = None) -> Refund:
    """Record the check a refund was sent by."""
    _staff_check(by, "record refunds sent")
    refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
    if refund is None:
        raise BillingError("no such refund")
    if refund.status == Refund.Status.SENT:
        raise BillingError(f"the refund was sent on {refund.sent_on:%Y-%m-%d}, check {refund.check_number}")
    check_number = (check_number or "").strip()
    if not check_number.isalnum() or len(check_number) > 20:
        raise BillingError("the check number is letters and digits, 20 at most")
    refund.status, refund.check_number = Refund.Status.SENT, check_number
    refund.sent_on, refund.sent_by = sent_on or timezone.localdate(), by
    refund.save(update_fields=["status", "check_number", "sent_on", "sent_by"])
    record_change_append(Action.REFUND_SENT, refund, f"of ${refund.amount} sent, check {check_number}", by=by)
    return refund
