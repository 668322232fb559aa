"""The portal's reads of bills take the asker and decide what they may see: the customer themself sees their
statement and bills; another customer, a representative whose authority leaves out the bills, and staff get
nothing, the same answer as for a customer without bills, and deciding so costs no query."""

from datetime import date

from custodian.billing.selectors import (
    bill_of_customer,
    bills_of_customer,
    ledger_accounts,
    statement_of_customer,
)
from custodian.customers.models import Account
from custodian.testing import bill_charged
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import staff_actor

ON = date(2026, 11, 5)


def test_the_customer_sees_their_bills_and_nobody_else_does(
    customer, other_customer, service_rep, billing_clerk, django_assert_num_queries
):
    bill = bill_charged(Account.objects.get(customer=customer), 10, "38.75")
    who = askers(customer, other_customer, service_rep)
    assert statement_of_customer(fetched_by=who.mine, customer_id=customer.pk, on=ON).latest_bill == bill
    assert list(bills_of_customer(fetched_by=who.mine, customer_id=customer.pk)) == [bill]
    assert bill_of_customer(fetched_by=who.mine, customer_id=customer.pk, bill_id=bill.pk) == bill
    # The customer's bill asked for by its id as the other customer's own: "no such bill".
    assert bill_of_customer(fetched_by=who.other, customer_id=other_customer.pk, bill_id=bill.pk) is None
    for asker in (who.other, who.usage_only, staff_actor(billing_clerk)):
        with django_assert_num_queries(0):
            assert statement_of_customer(fetched_by=asker, customer_id=customer.pk, on=ON) is None
            assert list(bills_of_customer(fetched_by=asker, customer_id=customer.pk)) == []
            assert bill_of_customer(fetched_by=asker, customer_id=customer.pk, bill_id=bill.pk) is None


def test_a_representative_whose_authority_covers_the_bills_sees_them(customer, service_rep):
    bill = bill_charged(Account.objects.get(customer=customer), 10, "38.75")
    rep = representative_asker(customer, service_rep, categories=("bills",))
    assert statement_of_customer(fetched_by=rep, customer_id=customer.pk, on=ON).balance == bill.total
    assert list(bills_of_customer(fetched_by=rep, customer_id=customer.pk)) == [bill]


def test_the_ledgers_accounts_are_the_customers_own_for_whom_may_see_the_bills(
    customer, other_customer, service_rep
):
    accounts = [Account.objects.get(customer=customer), Account.objects.get(customer=other_customer)]
    who = askers(customer, other_customer, service_rep)
    assert ledger_accounts(fetched_by=who.mine, customer_id=customer.pk, accounts=accounts) == [
        accounts[0].pk
    ]
    for asker in (who.other, who.usage_only):
        assert ledger_accounts(fetched_by=asker, customer_id=customer.pk, accounts=accounts) == []
