"""The notices of proposed disconnection still standing on a customer's accounts, for the portal home: plain
values in one query, the latest notice of each service, none once answered or an agreement is kept, and
one sent before the customer asked for an agreement marked superseded by the request."""

from datetime import date, timedelta

from custodian.collecting.models import DisconnectionNotice, PaymentAgreement
from custodian.collecting.selectors import open_disconnection_notices
from custodian.collecting.services import disconnection_notice_record, payment_agreement_request
from custodian.customers.models import Account
from custodian.testing import bill_charged
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import customer_actor


def test_the_latest_notice_of_each_service_with_the_day_its_waiting_time_ends(
    customer, django_assert_num_queries
):
    account = Account.objects.get(customer=customer)
    with django_assert_num_queries(1):
        assert (
            open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk) == []
        )
    disconnection_notice_record(account_id=account.pk, service="electric", sent_on=date(2026, 10, 1))
    disconnection_notice_record(
        account_id=account.pk, service="electric", sent_on=date(2026, 11, 2), in_person=True
    )
    with django_assert_num_queries(1):
        notices = open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    assert notices == [
        {
            "account_id": account.pk,
            "service": "electric",
            "sent_on": date(2026, 11, 2),
            "act_by": date(2026, 11, 2) + timedelta(days=15),
            "superseded": False,
        }
    ]


def test_none_once_a_payment_agreement_is_kept(customer):
    account = Account.objects.get(customer=customer)
    disconnection_notice_record(account_id=account.pk, service="gas", sent_on=date(2026, 11, 2))
    bill_charged(account, 9, "180.00")  # due October 22: past due when she asks
    payment_agreement_request(account_id=account.pk, requested_on=date(2026, 11, 3))
    assert [
        n["service"]
        for n in open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    ] == ["gas"]
    PaymentAgreement.objects.filter(account=account).update(status=PaymentAgreement.Status.ACTIVE)
    assert open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk) == []


def test_a_notice_sent_before_a_request_is_superseded_by_it(customer, django_assert_num_queries):
    """While the request waits the portal says it protects the customer; after a refusal a new notice is
    needed (`custodian/portal/glance.py`)."""
    account = Account.objects.get(customer=customer)
    disconnection_notice_record(account_id=account.pk, service="gas", sent_on=date(2026, 11, 2))
    disconnection_notice_record(account_id=account.pk, service="electric", sent_on=date(2026, 11, 2))
    bill_charged(account, 9, "180.00")  # due October 22: past due when she asks
    payment_agreement_request(account_id=account.pk, requested_on=date(2026, 11, 3))
    PaymentAgreement.objects.filter(account=account).update(status=PaymentAgreement.Status.BROKEN)
    disconnection_notice_record(account_id=account.pk, service="electric", sent_on=date(2026, 11, 20))
    with django_assert_num_queries(1):
        notices = open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    assert {n["service"]: n["superseded"] for n in notices} == {"gas": True, "electric": False}


def test_none_while_an_appeal_is_pending(customer):
    account = Account.objects.get(customer=customer)
    disconnection_notice_record(account_id=account.pk, service="electric", sent_on=date(2026, 11, 2))
    DisconnectionNotice.objects.filter(account=account).update(appeal_filed_on=date(2026, 11, 5))
    assert open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk) == []
    DisconnectionNotice.objects.filter(account=account).update(appeal_resolved_on=date(2026, 11, 20))
    assert [
        n["service"]
        for n in open_disconnection_notices(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    ] == ["electric"]


def test_only_the_customer_and_whom_they_authorised_for_the_bills_see_a_notice(
    customer, other_customer, service_rep, django_assert_num_queries
):
    account = Account.objects.get(customer=customer)
    disconnection_notice_record(account_id=account.pk, service="electric", sent_on=date(2026, 11, 2))
    who = askers(customer, other_customer, service_rep)
    assert len(open_disconnection_notices(fetched_by=who.mine, customer_id=customer.pk)) == 1
    rep = representative_asker(customer, service_rep, categories=("bills",))
    assert len(open_disconnection_notices(fetched_by=rep, customer_id=customer.pk)) == 1
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert open_disconnection_notices(fetched_by=asker, customer_id=customer.pk) == []
