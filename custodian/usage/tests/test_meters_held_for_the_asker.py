"""The meters a customer holds readings of (the consent screen's choice of meters) take the asker: the
customer themself and a representative whose authority covers the meter usage see them; another customer and
a representative whose authority leaves the usage out see none, the answer for a customer without readings,
decided without a query."""

from datetime import timedelta

from django.utils import timezone

from custodian.testing import meter_complaint
from custodian.testing.askers import askers, representative_asker
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import usage_import
from custodian.usage.services import usage_points_held
from custodian.vault.interval_files import month_bounds, month_of
from custodian.vault.services import Submission


def test_the_customer_and_whom_they_authorised_for_the_usage_see_the_meters(
    customer, other_customer, service_rep, field_tech, django_assert_num_queries
):
    start = month_bounds(month_of(int((timezone.now() - timedelta(days=40)).timestamp())))[0]
    usage_import(
        customer_id=customer.pk,
        result=ImportResult(
            readings=[Reading("one", "a", start + 3600 * i, 3600, 500.0, "Wh", 1) for i in range(24)],
            usage_points={"one": "electric"},
        ),
        submission=Submission(channel="file_import", notice_key="metering", recorded_by_label="test"),
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )
    who = askers(customer, other_customer, service_rep)
    held = {"electric": ["electric"]}
    assert usage_points_held(fetched_by=who.mine, customer_id=customer.pk) == held
    assert usage_points_held(fetched_by=who.usage_only, customer_id=customer.pk) == held
    bills_only = representative_asker(customer, service_rep, categories=("bills",))
    for asker in (who.other, bills_only):
        with django_assert_num_queries(0):
            assert usage_points_held(fetched_by=asker, customer_id=customer.pk) == {}
