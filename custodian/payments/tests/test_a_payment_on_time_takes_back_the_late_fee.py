"""A payment received on or before a bill's due date but recorded after the late payment charge was posted
(a check mailed in time, opened days later) takes the charge back, in the same transaction as the payment: a
credit on the same bill naming the charge it reverses, and an event on the customer in the access log, as the
payment has. Never twice, whether the payment is recorded again, another one follows or the charges run
again. A payment received after the due date leaves the charge; so does a payment on time that leaves part
of the bill owed (the tariff charges on what is still owed after the due date), until the rest, received on
time too, is recorded.

Personas: Bill, the billing clerk, opening the mail; Alice, the customer, whose October bill ($120.00) was
due on November 22, 2026, and was charged $1.80 the day after."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.billing import late_fees
from custodian.billing.arrears import arrears_on
from custodian.billing.ledger import balance_of
from custodian.billing.models import LedgerEntry
from custodian.billing.presentation import entry_shown
from custodian.billing.services import late_fees_assess
from custodian.payments.models import PaymentReceived
from custodian.payments.received import payment_received_record
from custodian.testing import bill_charged
from custodian.testing.billing import account_opened

DUE = date(2026, 11, 22)
RECORDED = date(2026, 11, 27)


@pytest.fixture
def charged(customer):
    """Alice's account with her October bill past due and its late payment charge posted: the charge."""
    account = account_opened(customer, date(2026, 1, 1))
    bill_charged(account, 10, "120.00")
    assert late_fees_assess(as_of=date(2026, 11, 25)) == 1
    return LedgerEntry.objects.get(kind="late_fee")


def _paid(fee, amount, received_on, by, **extra):
    return payment_received_record(
        account_id=fee.account_id,
        amount=amount,
        method="check",
        received_on=received_on,
        by=by,
        today=RECORDED,
        **extra,
    )


def _reversals(fee):
    return list(LedgerEntry.objects.filter(kind="late_fee_reversal", account_id=fee.account_id))


def test_a_check_received_by_the_due_date_takes_the_charge_back_once(charged, billing_clerk, customer):
    fee = charged
    assert fee.amount == Decimal("1.80") and fee.posted_on == date(2026, 11, 23)
    payment = _paid(fee, "120.00", DUE, billing_clerk, check_number="2210")

    [reversal] = _reversals(fee)
    assert reversal.reverses == fee and reversal.amount == -fee.amount and reversal.bill_id == fee.bill_id
    assert balance_of(fee.account_id) == 0
    assert arrears_on(fee.account_id, on=RECORDED).past_due == 0
    event = AccessEvent.objects.get(action="late_fee_reversed")
    assert event.customer_id == str(customer.pk) and event.actor_id == str(billing_clerk.pk)
    assert f"late payment charge {fee.pk} ($1.80, 2026-10 bill" in event.reason
    assert f"payment received {payment.pk}, received 2026-11-22" in event.reason

    # Run again, the charges run again, another payment on time: never a second credit, never a new charge.
    assert (
        late_fees.late_fees_paid_on_time(
            account_id=fee.account_id, received_on=DUE, by=billing_clerk, paid_by="again"
        )
        == []
    )
    assert late_fees_assess(as_of=date(2026, 11, 30)) == 0
    _paid(fee, "10.00", date(2026, 11, 20), billing_clerk, check_number="2211")
    assert _reversals(fee) == [reversal]
    assert AccessEvent.objects.filter(action="late_fee_reversed").count() == 1


def test_a_payment_received_after_the_due_date_leaves_the_charge(charged, billing_clerk):
    _paid(charged, "121.80", date(2026, 11, 24), billing_clerk)
    assert _reversals(charged) == []
    assert balance_of(charged.account_id) == 0
    assert not AccessEvent.objects.filter(action="late_fee_reversed").exists()


def test_a_short_payment_on_time_leaves_the_charge_until_the_rest_on_time_is_recorded(charged, billing_clerk):
    _paid(charged, "100.00", date(2026, 11, 21), billing_clerk)
    assert _reversals(charged) == []  # $20.00 still owed after the due date: the tariff's charge stands
    _paid(charged, "20.00", DUE, billing_clerk, check_number="2212")
    [reversal] = _reversals(charged)
    assert reversal.reverses == charged and balance_of(charged.account_id) == 0


def test_the_payment_and_the_reversal_are_one_transaction(charged, billing_clerk, monkeypatch):
    def log_down(*args, **kwargs):
        raise RuntimeError("the access log could not be written")

    monkeypatch.setattr(late_fees, "customer_change_append", log_down)
    with pytest.raises(RuntimeError):
        _paid(charged, "120.00", DUE, billing_clerk)
    assert not PaymentReceived.objects.exists() and _reversals(charged) == []
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_the_reversal_is_told_on_the_ledger_in_english_and_spanish(charged, billing_clerk):
    _paid(charged, "120.00", DUE, billing_clerk)
    [reversal] = _reversals(charged)
    assert entry_shown(reversal) == "Late payment charge on the October 2026 bill reversed: paid on time"
    with translation.override("es"):
        assert entry_shown(reversal) == (
            "Cargo por pago atrasado de la factura de octubre de 2026 anulado: pagada a tiempo"
        )
