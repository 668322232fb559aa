"""Interest on deposits under Minn. Stat. § 325E.02: a table of hand-computed cases for the rule (more than
$20, each day at its year's rate over that year's days, rounded to the cent), the rates' table, the yearly
credit on the ledger (once), the days since credited when the deposit is returned against the final bill,
and a year without a rate completed once its rate is entered. Alice's deposit is paid online through the
payment processor and held; one paid after it was settled is credited to her balance instead."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from custodian.audit.models import AccessEvent
from custodian.billing import deposit_interest
from custodian.billing.deposit_interest import RATES, Rate, interest_accrued
from custodian.billing.deposits import deposit_ask, deposit_interest_credit, deposit_paid_record
from custodian.billing.final import service_stop
from custodian.billing.models import Deposit, LedgerEntry, Refund
from custodian.billing.selectors import balance
from custodian.billing.tests.test_deposits_and_refunds import account  # noqa: F401  (fixture)
from custodian.payments.models import PaymentSession
from custodian.payments.processor import SimulatedProcessor, sign
from custodian.payments.services import PaymentError, payment_session_open, webhook_receive

D = Decimal


@pytest.mark.parametrize(
    "amount, first, last, expected, through, missing",
    [
        # $20 is not "in excess of $20": no interest; a cent more earns it.
        ("20.00", date(2026, 1, 1), date(2026, 12, 31), "0.00", date(2026, 12, 31), None),
        ("20.01", date(2026, 1, 1), date(2026, 12, 31), "0.72", date(2026, 12, 31), None),  # 20.01 × 3.6 %
        # A whole year at its rate: 300 × 3.6 % = 10.80.
        ("300.00", date(2026, 1, 1), date(2026, 12, 31), "10.80", date(2026, 12, 31), None),
        # One day: 300 × 3.6 % / 365 = 0.02959 → 0.03.
        ("300.00", date(2026, 3, 1), date(2026, 3, 1), "0.03", date(2026, 3, 1), None),
        # A leap year's days over 366: 300 × 5.3 % × 366/366 = 15.90.
        ("300.00", date(2024, 1, 1), date(2024, 12, 31), "15.90", date(2024, 12, 31), None),
        # Across New Year, each year's days at its own rate: 100 × (4.4 % × 31/365 + 3.6 % × 31/365)
        # = 0.37370 + 0.30575 = 0.67945 → 0.68.
        ("100.00", date(2025, 12, 1), date(2026, 1, 31), "0.68", date(2026, 1, 31), None),
        # 2022's announced 0.2 %: 150 × 0.2 % × 181/365 = 0.14877 → 0.15.
        ("150.00", date(2022, 1, 1), date(2022, 6, 30), "0.15", date(2022, 6, 30), None),
        # No rate for 2027 yet: counted to December 31, 2026, and the year named.
        ("300.00", date(2026, 12, 1), date(2027, 1, 31), "0.92", date(2026, 12, 31), 2027),
        # Nothing to count.
        ("300.00", date(2026, 5, 2), date(2026, 5, 1), "0.00", None, None),
    ],
)
def test_interest_by_the_rule(amount, first, last, expected, through, missing):
    accrued = interest_accrued(D(amount), first_day=first, last_day=last)
    assert (accrued.amount, accrued.through, accrued.missing_year) == (D(expected), through, missing)


def test_every_rate_is_a_tenth_of_a_percent_with_its_source():
    assert deposit_interest.CITATION == "Minn. Stat. § 325E.02"
    for year, rate in RATES.items():
        assert rate.percent == rate.percent.quantize(D("0.1")) and D(0) <= rate.percent < D(20), year
        assert rate.source, year
    assert "announced" in RATES[2022].source  # the one figure with its announcement; the rest say so
    assert all(r.source == deposit_interest.ILLUSTRATIVE for y, r in RATES.items() if y != 2022)
    # The current year and the last have a rate, so a deposit returned now is credited in full.
    assert {2025, 2026} <= set(RATES)


def _held(account, billing_clerk, amount="300", paid_on=date(2026, 1, 15)):  # noqa: F811
    deposit = deposit_ask(
        account_id=account.pk, amount=amount, reason="no_history", by=billing_clerk, today=paid_on
    )
    return deposit_paid_record(deposit_id=deposit.pk, paid_on=paid_on, reference="R-1", by=billing_clerk)


def test_the_yearly_credit_is_posted_once_and_logged(account, billing_clerk):  # noqa: F811
    deposit = _held(account, billing_clerk)
    assert deposit_interest_credit(through=date(2026, 12, 31), on=date(2027, 1, 2)) == 1
    entry = LedgerEntry.objects.get(account=account, kind="deposit_interest")
    # 300 × 3.6 % × 351/365 (January 15 to December 31) = 10.3858 → 10.39, a credit.
    assert entry.amount == D("-10.39") and "325E.02" in entry.memo
    deposit.refresh_from_db()
    assert deposit.interest_through == date(2026, 12, 31)
    assert deposit_interest_credit(through=date(2026, 12, 31)) == 0  # once
    assert LedgerEntry.objects.filter(kind="deposit_interest").count() == 1
    event = AccessEvent.objects.get(action="deposit_interest")
    assert event.customer_id == str(account.customer_id) and "$10.39" in event.reason


def test_a_year_without_a_rate_is_completed_when_its_rate_is_entered(account, billing_clerk, monkeypatch):  # noqa: F811
    _held(account, billing_clerk, paid_on=date(2026, 11, 1))
    deposit_interest_credit(through=date(2027, 1, 31), on=date(2027, 2, 1))
    deposit = Deposit.objects.get()
    assert deposit.interest_through == date(2026, 12, 31)  # stopped where the rates stop
    monkeypatch.setitem(RATES, 2027, Rate(D("3.0"), "entered"))
    deposit_interest_credit(through=date(2027, 1, 31), on=date(2027, 2, 1))
    deposit.refresh_from_db()
    assert deposit.interest_through == date(2027, 1, 31)
    amounts = sorted(LedgerEntry.objects.filter(kind="deposit_interest").values_list("amount", flat=True))
    # 300 × 3.6 % × 61/365 (November 1 to December 31) = 1.80; 300 × 3.0 % × 31/365 = 0.76.
    assert amounts == [D("-1.80"), D("-0.76")]


def test_the_final_bill_credits_the_days_since_and_refunds_them(account, billing_clerk):  # noqa: F811
    deposit = _held(account, billing_clerk, amount="250", paid_on=date(2026, 10, 9))
    _, bills = service_stop(account_id=account.pk, closed_on=date(2026, 11, 14), today=date(2026, 11, 20))
    final = bills[-1]
    interest = LedgerEntry.objects.get(account=account, kind="deposit_interest")
    on = interest.posted_on
    expected = interest_accrued(D("250"), first_day=date(2026, 10, 9), last_day=on - timedelta(days=1))
    assert interest.amount == -expected.amount and expected.amount > 0 and interest.bill_id == final.pk
    refund = Refund.objects.get(account=account)
    assert refund.amount == D("250.00") + expected.amount - sum(b.total for b in bills)
    assert balance([account.pk]) == 0
    deposit.refresh_from_db()
    # Returned: the yearly credit finds nothing more to credit for it.
    assert (
        deposit.status == Deposit.Status.RETURNED and deposit_interest_credit(through=date(2026, 12, 31)) == 0
    )


def _paid_online(session) -> str:
    body = SimulatedProcessor().outcome_event(
        reference=session.token, amount=str(session.amount), card_number="4242424242424242"
    )
    return webhook_receive(body=body, signature=sign(body))


def test_a_deposit_paid_through_the_processor_is_held_not_a_payment(account, billing_clerk, card_processor):  # noqa: F811
    deposit = deposit_ask(account_id=account.pk, amount="120", reason="no_history", by=billing_clerk)
    session, url = payment_session_open(account_id=account.pk, deposit_id=deposit.pk)
    assert session.amount == D("120.00") and url.endswith(f"/checkout/{session.token}/")
    assert _paid_online(session) == "succeeded"
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD and deposit.paid_reference.startswith("pay_")
    assert not LedgerEntry.objects.filter(account=account).exists()  # the bills are not paid by it
    event = AccessEvent.objects.get(action="deposit_paid")
    assert "through the payment processor" in event.reason
    with pytest.raises(PaymentError, match="not waiting for payment"):
        payment_session_open(account_id=account.pk, deposit_id=deposit.pk)


def test_a_deposit_paid_online_after_it_was_settled_is_credited_to_the_balance(
    account,  # noqa: F811
    billing_clerk,
    card_processor,
):
    deposit = deposit_ask(account_id=account.pk, amount="120", reason="no_history", by=billing_clerk)
    session, _ = payment_session_open(account_id=account.pk, deposit_id=deposit.pk)
    deposit_paid_record(
        deposit_id=deposit.pk, paid_on=deposit.asked_on, reference="counter", by=billing_clerk
    )
    assert _paid_online(session) == "succeeded"
    entry = LedgerEntry.objects.get(account=account)
    assert (entry.kind, entry.amount) == ("payment", D("-120.00")) and "credited" in entry.memo
    assert PaymentSession.objects.get().status == "succeeded"
    # A deposit is paid only from its own account.
    with pytest.raises(PaymentError, match="no such deposit"):
        payment_session_open(account_id=account.pk + 1000, deposit_id=deposit.pk)


def test_the_command_credits_through_a_past_day_and_refuses_a_bad_one(account, billing_clerk):  # noqa: F811
    _held(account, billing_clerk, paid_on=date(2026, 1, 15))
    out = StringIO()
    call_command("deposit_interest", "--through", "2026-06-30", stdout=out)
    assert out.getvalue().startswith("interest credited on 1 deposit through 2026-06-30")
    with pytest.raises(CommandError, match="not a date"):
        call_command("deposit_interest", "--through", "June")
    with pytest.raises(CommandError, match="today or later"):
        call_command("deposit_interest", "--through", "2999-01-01")
    assert LedgerEntry.objects.filter(kind="deposit_interest").count() == 1
