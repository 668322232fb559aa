"""Sums of the ledger are exact to the cent on every database: an account that paid its bills owes nothing,
is not past due and pays no late fee (SQLite adds decimals as floating point)."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.permissions import BillingError
from custodian.billing.selectors import balance, statement, statement_of_customer
from custodian.billing.services import balance_of, late_fees_assess, ledger_post
from custodian.collecting.selectors import past_due_accounts
from custodian.customers.models import Account
from custodian.testing import bill_charged
from custodian.vault.gate import customer_actor

# Bills whose floating-point sum less their payment is not zero (0.1 + 0.2 - 0.3 = 5.6e-17).
AMOUNTS = ["0.10", "0.20"]


def test_a_paid_up_account_owes_exactly_nothing(customer):
    account = Account.objects.get(customer=customer)
    for month, amount in enumerate(AMOUNTS, start=1):
        bill_charged(account, month, amount, ref=f"bill/sum/{month}")
    ledger_post(
        account_id=account.pk,
        kind="payment",
        amount=Decimal("-0.30"),
        posted_on=date(2026, 3, 10),
        reference="pay-both",
    )
    on = date(2026, 11, 26)
    assert balance_of(account.pk) == Decimal("0.00") == balance([account.pk])
    assert str(balance_of(account.pk)) == "0.00"
    assert statement([account.pk], on=on).past_due == Decimal("0.00")
    assert past_due_accounts(on) == {}
    assert late_fees_assess(as_of=on) == 0


def test_a_statement_is_one_query_and_a_customers_is_the_statement_of_their_accounts(
    customer, django_assert_num_queries
):
    account = Account.objects.get(customer=customer)
    bill_charged(account, 9, "41.20", ref="bill/stmt/9")
    latest = bill_charged(account, 10, "38.75", ref="bill/stmt/10")
    on = date(2026, 11, 5)  # September's bill past due (Oct 22), October's due Nov 22
    with django_assert_num_queries(2):  # the sums and dates, then the latest bill
        where = statement([account.pk], on=on)
    assert where.balance == Decimal("79.95") and where.past_due == Decimal("41.20")
    assert where.due_on == date(2026, 11, 22) and where.latest_bill == latest
    mine = customer_actor(customer.pk)
    assert statement_of_customer(fetched_by=mine, customer_id=customer.pk, on=on).accounts == {
        account.pk: where
    }
    nobody = customer_actor(customer.pk + 10_000)
    assert statement_of_customer(fetched_by=nobody, customer_id=customer.pk + 10_000, on=on) is None


def test_an_entry_with_a_bill_is_on_the_bills_account_and_an_entry_names_its_account(customer):
    account = Account.objects.get(customer=customer)
    bill = bill_charged(account, 4, "12.00", ref="bill/post/4")
    on = date(2026, 5, 3)
    credit = ledger_post(bill=bill, kind="adjustment", amount=Decimal("-2.00"), posted_on=on)
    assert (credit.account_id, credit.bill_id) == (account.pk, bill.pk)
    with pytest.raises(BillingError, match="unknown ledger entry kind"):
        ledger_post(account_id=account.pk, kind="gift", amount=Decimal("1.00"), posted_on=on)
    with pytest.raises(BillingError, match="name it, or the bill it goes with"):
        ledger_post(kind="adjustment", amount=Decimal("1.00"), posted_on=on)
    assert balance_of(account.pk) == Decimal("10.00")
