"""The portal's reads of a customer's requests take the asker and decide what they may see: the customer
themself sees their requests; a representative sees them only when the authority lets them make requests and
covers the customer's correspondence, as which the requests are kept; another customer and staff get none
(without a query)."""

from custodian.casework.choices import RequestStatus
from custodian.casework.selectors import open_requests_of_customer, requests_of_customer
from custodian.casework.services import Intake, request_intake
from custodian.testing import EVERYTHING_BUT_BANK
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import staff_actor


def _asked(customer, message):
    req, _ = request_intake(
        intake=Intake(kind="privacy_question", channel="portal", message=message, customer_id=customer.pk)
    )
    return req


def test_the_customer_sees_their_requests_and_nobody_else_does(
    customer, other_customer, service_rep, django_assert_num_queries
):
    req = _asked(customer, "Who reads my meter?")
    _asked(other_customer, "And mine?")
    who = askers(customer, other_customer, service_rep)
    assert list(requests_of_customer(fetched_by=who.mine, customer_id=customer.pk)) == [req]
    assert open_requests_of_customer(fetched_by=who.mine, customer_id=customer.pk) == [req]
    for asker in (who.other, who.usage_only, staff_actor(service_rep)):
        with django_assert_num_queries(0):
            assert not requests_of_customer(fetched_by=asker, customer_id=customer.pk)
            assert open_requests_of_customer(fetched_by=asker, customer_id=customer.pk) == []


def test_a_representative_who_may_make_requests_sees_the_open_ones(customer, service_rep):
    req = _asked(customer, "Who reads my meter?")
    rep = representative_asker(
        customer, service_rep, scope=("view", "requests"), categories=(*EVERYTHING_BUT_BANK, "correspondence")
    )
    assert open_requests_of_customer(fetched_by=rep, customer_id=customer.pk) == [req]
    req.status = RequestStatus.CLOSED
    req.save(update_fields=["status"])
    assert open_requests_of_customer(fetched_by=rep, customer_id=customer.pk) == []
    assert list(requests_of_customer(fetched_by=rep, customer_id=customer.pk)) == [req]


def test_a_representative_whose_authority_leaves_out_the_correspondence_sees_none(
    customer, service_rep, django_assert_num_queries
):
    _asked(customer, "Who reads my meter?")
    rep = representative_asker(
        customer, service_rep, scope=("view", "requests"), categories=EVERYTHING_BUT_BANK
    )
    with django_assert_num_queries(0):
        assert not requests_of_customer(fetched_by=rep, customer_id=customer.pk)
        assert open_requests_of_customer(fetched_by=rep, customer_id=customer.pk) == []
