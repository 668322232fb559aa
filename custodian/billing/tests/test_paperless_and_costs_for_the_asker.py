"""The paperless choice and the costs beside the readings of a Green Button CSV take the asker: the customer
themself and a representative whose authority covers the bills are told; another customer and a
representative limited to the meter usage are told what a customer without them is told (not paperless, no
cost), decided without a query."""

from decimal import Decimal

from custodian.billing.estimate import customer_interval_costs
from custodian.billing.notices import is_paperless, paperless_set
from custodian.testing.askers import askers, representative_asker

# A day of hourly readings in January 2026 (start, seconds, watt-hours), as the CSV's costs take them.
READINGS = [(1767250800 + 3600 * i, 3600, 1000.0) for i in range(24)]


def test_the_customer_is_told_of_their_paperless_choice_and_nobody_else_is(
    customer, other_customer, service_rep, django_assert_num_queries
):
    paperless_set(customer_id=customer.pk, paperless=True, channel="portal")
    who = askers(customer, other_customer, service_rep)
    assert is_paperless(fetched_by=who.mine, customer_id=customer.pk)
    assert is_paperless(
        fetched_by=representative_asker(customer, service_rep, categories=("bills",)), customer_id=customer.pk
    )
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert not is_paperless(fetched_by=asker, customer_id=customer.pk)


def test_the_costs_of_the_readings_for_whom_may_see_the_bills(
    customer, other_customer, service_rep, django_assert_num_queries
):
    who = askers(customer, other_customer, service_rep)
    costs = customer_interval_costs(fetched_by=who.mine, customer_id=customer.pk)("electric", READINGS)
    assert len(costs) == 24 and all(isinstance(c, Decimal) for c in costs) and sum(costs) > 0
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            costs = customer_interval_costs(fetched_by=asker, customer_id=customer.pk)("electric", READINGS)
        assert costs == [None] * 24
