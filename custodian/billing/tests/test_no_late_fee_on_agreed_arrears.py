"""No late payment charge on the arrears a customer pays under a payment agreement kept (the tariff is
silent; Minnesota practice, `billing.fee_relief`): Alice Anderson agreed one for her August bill, and the
late fee job charges her none on it while Bob Brandt, with the same bill and no agreement, is charged. A
bill that comes after the agreement is no part of it: left unpaid, it is charged as any bill."""

from datetime import date
from decimal import Decimal

from custodian.billing.models import LedgerEntry
from custodian.billing.services import late_fees_assess, ledger_post
from custodian.collecting.services import payment_agreement_agree, payment_agreement_request
from custodian.customers.models import Account
from custodian.testing import bill_charged


def test_the_agreed_arrears_draw_no_late_fee_while_the_agreement_is_kept(
    customer, other_customer, collections_agent
):
    alice = Account.objects.get(customer=customer)
    bob = Account.objects.get(customer=other_customer)
    arrears = bill_charged(alice, 8, "200.00")
    bill_charged(bob, 8, "200.00")
    asked = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 9, 29))
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("50"), by=collections_agent, on=date(2026, 9, 30)
    )
    assert late_fees_assess(as_of=date(2026, 10, 1)) == 1
    fees = LedgerEntry.objects.filter(kind="late_fee")
    assert [f.account_id for f in fees] == [bob.pk]
    assert late_fees_assess(as_of=date(2026, 10, 20)) == 0  # still kept: the first installment is October 30
    assert not fees.filter(bill=arrears).exists()


def test_a_bill_after_the_agreement_left_unpaid_is_charged(customer, collections_agent):
    alice = Account.objects.get(customer=customer)
    bill_charged(alice, 8, "200.00")
    asked = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 9, 29))
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("50"), by=collections_agent, on=date(2026, 9, 30)
    )
    september = bill_charged(alice, 9, "100.00")  # due October 22, after the agreement
    late_fees_assess(as_of=date(2026, 10, 25))
    assert LedgerEntry.objects.filter(kind="late_fee", bill=september).exists()


def test_a_bill_after_the_agreement_paid_on_time_draws_no_fee_though_arrears_are_owed(
    customer, collections_agent
):
    """Every payment pays the oldest debt first: Alice's September bill, paid in full on its due date, leaves
    the agreement's arrears owed, and it is the agreement's, not the bill's: no late payment charge."""
    alice = Account.objects.get(customer=customer)
    bill_charged(alice, 8, "200.00")
    asked = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 9, 29))
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("50"), by=collections_agent, on=date(2026, 9, 30)
    )
    bill_charged(alice, 9, "100.00")  # due October 22
    ledger_post(account_id=alice.pk, kind="payment", amount=Decimal("-100.00"), posted_on=date(2026, 10, 22))
    assert late_fees_assess(as_of=date(2026, 10, 25)) == 0
    # the October 30 installment missed, and November's bill unpaid: charged on what is behind
    bill_charged(alice, 10, "120.00")  # due November 22
    assert late_fees_assess(as_of=date(2026, 11, 25)) == 1
