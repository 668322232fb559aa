"""Whether what falls due is paid automatically is told to the customer themself (and their representative
whose authority covers the bills); another customer and a representative limited to the usage are told
nothing (False, without a query)."""

from datetime import date

from django.utils import timezone

from custodian.customers.models import Account
from custodian.payments.models import Autopay
from custodian.payments.selectors import autopay_pays_what_is_due
from custodian.testing import bill_charged
from custodian.testing.askers import askers, representative_asker


def test_only_the_customer_and_whom_they_authorised_for_the_bills_hear_of_it(
    customer, other_customer, service_rep, django_assert_num_queries
):
    account = Account.objects.get(customer=customer)
    bill_charged(account, 10, "38.75")
    Autopay.objects.create(account=account, enrolled_at=timezone.now(), notice_version="1")
    due_from = date(2026, 11, 5)
    who = askers(customer, other_customer, service_rep)
    assert autopay_pays_what_is_due(fetched_by=who.mine, customer_id=customer.pk, due_from=due_from)
    rep = representative_asker(customer, service_rep, categories=("bills",))
    assert autopay_pays_what_is_due(fetched_by=rep, customer_id=customer.pk, due_from=due_from)
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert not autopay_pays_what_is_due(fetched_by=asker, customer_id=customer.pk, due_from=due_from)
