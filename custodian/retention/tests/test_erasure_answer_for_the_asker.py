"""The answer to a request to erase one's data (what is kept and why, what is deleted now) takes the asker:
the customer themself and a representative whose authority covers asking for the data to be deleted are
answered; another customer and a representative limited to the usage get no answer, as for no such customer,
decided without a query."""

from custodian.retention.erasure import erasure_answer
from custodian.testing.askers import askers, representative_asker


def test_the_customer_and_whom_they_authorised_for_it_are_answered(
    customer, other_customer, service_rep, django_assert_num_queries
):
    who = askers(customer, other_customer, service_rep)
    answer = erasure_answer(fetched_by=who.mine, customer_id=customer.pk)
    assert answer.kept and answer.deleted_now
    consents = representative_asker(customer, service_rep, scope=("view", "consents"))
    assert erasure_answer(fetched_by=consents, customer_id=customer.pk) == answer
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert erasure_answer(fetched_by=asker, customer_id=customer.pk) is None
