"""Whether a payment agreement's payments are kept is read from the ledger against its schedule, never from
its record: Alice Anderson agrees $50 a month toward $300 past due; she is kept until an installment is
missed, behind (by what she owes to be kept again) once it is, kept again when she pays, and paid off when
the arrears are. The bills that come after the agreement are paid as they fall due: one left unpaid puts
the agreement behind too. The Cold Weather Rule reads the same answer."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.services import ledger_post
from custodian.collecting.agreements import BEHIND, KEPT, PAID_OFF, REQUESTED, month_after, standing_of
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.selectors import situation_for
from custodian.collecting.services import payment_agreement_agree, payment_agreement_request
from custodian.customers.models import Account
from custodian.testing import bill_charged


def paid(account, amount: str, on: date) -> None:
    ledger_post(account_id=account.pk, kind="payment", amount=-Decimal(amount), posted_on=on)


@pytest.fixture
def alice(customer, collections_agent):
    """Alice's August and September bills unpaid ($300 past due), and her agreement: $50 a month from
    October 26."""
    account = Account.objects.select_related("customer", "premise").get(customer=customer)
    bill_charged(account, 8, "200.00")
    bill_charged(account, 9, "100.00")
    asked = payment_agreement_request(account_id=account.pk, requested_on=date(2026, 10, 25))
    assert standing_of(asked, on=date(2026, 10, 25)).state == REQUESTED
    agreement = payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("50"), by=collections_agent, on=date(2026, 10, 26)
    )
    return account, agreement


def kept_for_the_cold_weather_rule(account, on: date) -> bool:
    return situation_for(account, "gas", on, ProtectionFacts()).payment_agreement_kept


def test_the_agreement_records_the_arrears_it_pays_and_what_it_asks_next(alice):
    account, agreement = alice
    assert agreement.arrears_agreed == Decimal("300.00")
    standing = standing_of(agreement, on=date(2026, 11, 1))
    assert (standing.state, standing.next_due_on, standing.next_amount) == (
        KEPT,
        date(2026, 11, 26),
        Decimal("50.00"),
    )
    assert kept_for_the_cold_weather_rule(account, date(2026, 11, 1))
    assert PaymentAgreement.Status.ACTIVE.label == "Agreed"  # the record no longer claims payments are kept


def test_a_missed_installment_puts_the_agreement_behind_until_it_is_paid(alice):
    account, agreement = alice
    missed = standing_of(agreement, on=date(2026, 11, 27))
    assert (missed.state, missed.owed_now) == (BEHIND, Decimal("50.00"))
    assert missed.label == "Agreed, payments behind"
    assert not kept_for_the_cold_weather_rule(account, date(2026, 11, 27))
    paid(account, "50.00", date(2026, 11, 27))
    again = standing_of(agreement, on=date(2026, 11, 28))
    assert (again.state, again.next_due_on, again.next_amount) == (KEPT, date(2026, 12, 26), Decimal("50.00"))
    assert kept_for_the_cold_weather_rule(account, date(2026, 11, 28))


def test_no_payment_for_months_is_behind_by_every_installment_missed(alice):
    _, agreement = alice
    standing = standing_of(agreement, on=date(2027, 1, 27))
    assert (standing.state, standing.owed_now) == (BEHIND, Decimal("150.00"))


def test_a_new_bill_left_unpaid_puts_the_agreement_behind(alice):
    account, agreement = alice
    bill_charged(account, 10, "120.00")  # issued November 1, due November 22: after the agreement
    standing = standing_of(agreement, on=date(2026, 11, 23))
    assert (standing.state, standing.owed_now) == (BEHIND, Decimal("120.00"))
    paid(account, "120.00", date(2026, 11, 23))
    assert standing_of(agreement, on=date(2026, 11, 24)).state == KEPT


def test_paying_ahead_moves_the_next_installment_and_paying_all_pays_it_off(alice):
    account, agreement = alice
    paid(account, "75.00", date(2026, 11, 20))
    ahead = standing_of(agreement, on=date(2026, 11, 27))
    assert (ahead.state, ahead.next_due_on, ahead.next_amount) == (KEPT, date(2026, 12, 26), Decimal("25.00"))
    paid(account, "225.00", date(2026, 11, 28))
    assert standing_of(agreement, on=date(2026, 11, 29)).state == PAID_OFF


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 10, 26), 3, date(2027, 1, 26)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
    ],
)
def test_installments_fall_on_the_same_day_of_each_month(day, months, expected):
    assert month_after(day, months) == expected
