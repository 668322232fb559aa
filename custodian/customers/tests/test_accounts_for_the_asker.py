"""The portal's reads of a customer's accounts and of their requests to stop or move service take the asker:
the customer themself sees both; a representative sees the accounts when their authority covers the bills and
the requests when it covers the service address; staff see the accounts at the service desk; another
customer and a representative limited to the meter usage see none (the answer for a customer without any),
decided without a query."""

from datetime import timedelta

from django.utils import timezone

from custodian.customers.models import Account
from custodian.customers.selectors import accounts_of, service_changes_of
from custodian.customers.services import APPLICATION_NOTICE, service_change_ask
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import staff_actor
from custodian.vault.services import Submission


def test_each_asker_sees_the_accounts_and_requests_their_authority_covers(
    customer, other_customer, service_rep, django_assert_num_queries
):
    account = Account.objects.get(customer=customer)
    change = service_change_ask(
        customer_id=customer.pk,
        account_id=account.pk,
        kind="stop",
        on=timezone.localdate() + timedelta(days=14),
        submission=Submission(
            channel="portal", notice_key=APPLICATION_NOTICE, recorded_by_label="the customer"
        ),
        by="customer",
    )
    who = askers(customer, other_customer, service_rep)
    seen = {  # the asker: (the accounts, the requests to stop or move) they see
        who.mine: ([account], [change]),
        representative_asker(customer, service_rep, categories=("bills",)): ([account], []),
        representative_asker(customer, service_rep, categories=("service_address",)): ([], [change]),
        staff_actor(service_rep): ([account], []),
    }
    for asker, (accounts, changes) in seen.items():
        assert list(accounts_of(fetched_by=asker, customer_id=customer.pk)) == accounts
        assert list(service_changes_of(fetched_by=asker, customer_id=customer.pk)) == changes
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert list(accounts_of(fetched_by=asker, customer_id=customer.pk)) == []
            assert list(service_changes_of(fetched_by=asker, customer_id=customer.pk)) == []
