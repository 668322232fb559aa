"""One rule for readings of one time, wherever they lie: a later file's reading replaces every reading held it
overlaps, in the month it starts in or another. Ann's billing period from September 20 to October 20, held in
September's file of readings, gives way to her hours of October 1 to 3; her hours of October give way to a
billing period of a later file that starts in September; a file whose own billing period and hours overlap
across the month's end keeps the first and refuses the others; a file's billing period that would reach into
a month held from the utility's meter is refused, the meter's readings kept. The summary counts the readings
stored over held ones (replaced) and the held ones that gave way (displaced), and the access log says both."""

from datetime import datetime

import numpy as np
import pytest
from django.utils import translation

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.testing import own_readings
from custodian.usage.intervals import series_readings
from custodian.usage.tests.test_readings_of_one_time_held_once import upload
from custodian.vault.interval_files import LOCAL, month_bounds

HOUR = 3600
SEP_20 = int(datetime(2026, 9, 20, tzinfo=LOCAL).timestamp())
OCT_1 = int(datetime(2026, 10, 1, tzinfo=LOCAL).timestamp())
OCT_20 = int(datetime(2026, 10, 20, tzinfo=LOCAL).timestamp())
PERIOD = (SEP_20, OCT_20 - SEP_20, 300_000.0)  # a billing period of 300 kWh across September's end
HOURS = [(OCT_1 + h * HOUR, HOUR, 500.0) for h in range(72)]  # October 1 to 3, 0.5 kWh an hour


def held(customer, start=SEP_20 - 30 * 86400, end=OCT_20 + 30 * 86400):
    return series_readings(own_readings(customer, start, end), start, end, "electric")


def no_two_overlap(readings) -> bool:
    return all(a + d <= b for (a, d, _), (b, _, _) in zip(readings, readings[1:], strict=False))


def test_a_billing_period_held_in_september_gives_way_to_october_s_hours(customer):
    upload(customer, [PERIOD])
    hours = upload(customer, HOURS)
    readings = held(customer)
    assert readings == [(at, d, pytest.approx(v / 1000)) for at, d, v in HOURS]
    assert sum(v for *_, v in readings) == pytest.approx(36.0)  # not 36 + 300: no time counted twice
    assert (hours.readings_stored, hours.readings_replaced, hours.readings_displaced) == (72, 72, 1)


def test_october_s_hours_held_give_way_to_a_billing_period_from_september(customer):
    upload(customer, HOURS)
    period = upload(customer, [PERIOD])
    assert held(customer) == [(SEP_20, OCT_20 - SEP_20, pytest.approx(300.0))]
    assert (period.readings_stored, period.readings_replaced, period.readings_displaced) == (1, 1, 72)
    # Both months were written: September's with the period, October's without the hours.
    assert period.months == ["2026-09", "2026-10"]


def test_one_file_s_period_and_hours_across_the_month_s_end_keep_the_first(customer):
    summary = upload(customer, [PERIOD, *HOURS])
    assert (summary.readings_stored, summary.readings_refused) == (1, 72)
    [problem] = summary.problems
    assert problem.message.startswith(
        "72 electric readings of 2026-10 overlap a reading before them in the file"
    )
    readings = held(customer)
    assert no_two_overlap(readings) and readings == [(SEP_20, OCT_20 - SEP_20, pytest.approx(300.0))]


def test_what_nothing_new_overlaps_in_the_next_month_stays(customer):
    later = [(OCT_20 + h * HOUR, HOUR, 400.0) for h in range(5)]
    upload(customer, [*HOURS, *later])
    period = upload(customer, [PERIOD])
    readings = held(customer)
    assert readings[0][0] == SEP_20 and [r[0] for r in readings[1:]] == [at for at, _, _ in later]
    assert period.readings_displaced == 72


def test_the_access_log_says_what_was_replaced_and_what_gave_way(customer):
    upload(customer, HOURS)
    upload(customer, [PERIOD])
    change = AccessEvent.objects.filter(
        customer_id=str(customer.pk), action=Action.RECORD_VALUES, actor_kind="customer"
    ).order_by("-pk")[0]
    assert "1 readings (1 replaced, 72 held displaced), 2026-09 to 2026-10" in change.reason


def test_a_file_s_period_reaching_into_a_month_held_from_the_meter_is_refused(metered):
    customer, _app, months = metered
    first_metered = min(m["month"] for m in months)
    meter_first, _ = month_bounds(first_metered)
    before = own_readings(customer, *month_bounds(first_metered))
    # A billing period from the 20th of the month before the meter's first to the 10th of that month.
    start = month_bounds(datetime.fromtimestamp(meter_first - 86400, LOCAL).strftime("%Y-%m"))[0] + 19 * 86400
    summary = upload(customer, [(start, meter_first + 9 * 86400 - start, 900_000.0)])
    assert (summary.readings_stored, summary.readings_refused) == (0, 1)
    [problem] = summary.problems
    assert "1 electric reading of" in problem.message  # one reading: the singular, the service in words
    assert "reaches into a later month whose readings are held from the utility's meter" in problem.message
    with translation.override("es"):
        assert "1 lectura de electricidad de" in problem.in_language
        assert "llega a un mes posterior" in problem.in_language
    after = own_readings(customer, *month_bounds(first_metered))
    assert len(after) == len(before)
    for kept, was in zip(after, before, strict=True):
        assert np.array_equal(kept.values, was.values, equal_nan=True)
