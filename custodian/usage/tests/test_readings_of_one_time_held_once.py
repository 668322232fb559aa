"""A customer's files never leave two readings of one moment held: a later file's reading replaces every
reading of an earlier file it overlaps, whether the two sit on the same grid or not (the same hour written
`00:00`–`00:59` by one exporter and `00:00`–`01:00` by another, an hour over its quarter hours, a day over its
hours), and each new reading that took a held one's place is counted as replaced, as the upload page
promises. What no new reading overlaps stays as it was. A file whose own readings overlap keeps the first of
them and says so. The utility's meter readings stay apart from the files' (test_imports_into_a_customers_
readings)."""

from datetime import datetime, timedelta

import pytest

from custodian.testing import own_readings
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import series_readings, usage_upload_by_customer
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL

POINT = "csv:electric"
DAY = datetime(2026, 3, 8, tzinfo=LOCAL)  # daylight saving begins: a local day of 23 hours
MIDNIGHT = int(DAY.timestamp())
NEXT_MIDNIGHT = int((DAY + timedelta(days=1)).timestamp())


def upload(customer, readings: list[tuple[int, int, float]]):
    """The customer's own file of (start, seconds, Wh) readings, stored as the portal stores it."""
    result = ImportResult(
        readings=[Reading(POINT, POINT, start, length, wh, "Wh", 1) for start, length, wh in readings],
        usage_points={POINT: "electric"},
    )
    return usage_upload_by_customer(
        customer_id=customer.pk, result=result, size=1, actor=customer_actor(customer.pk)
    )


def held(customer, start=MIDNIGHT - 86400, end=NEXT_MIDNIGHT + 86400):
    return series_readings(own_readings(customer, start, end), start, end, "electric")


def every(step: int, wh: float, start=MIDNIGHT, end=NEXT_MIDNIGHT, length=None):
    return [(at, length or step, wh) for at in range(start, end, step)]


def test_an_hour_written_to_its_last_minute_then_to_its_end_is_held_once(customer):
    """Ann's first file ends each hour at its 59th minute (kept as it was given: 59-minute readings off the
    hour's grid); her second, an ESPI file, gives the same hours whole. The second replaces the first: one
    reading an hour, 23 on the day the clocks go forward, the day's use the second file's alone."""
    first = upload(customer, every(3600, 350.0, length=3540))
    assert (first.readings_stored, first.readings_replaced) == (23, 0)
    second = upload(customer, every(3600, 500.0))
    assert (second.readings_stored, second.readings_replaced, second.readings_refused) == (23, 23, 0)
    readings = held(customer)
    assert len(readings) == 23 and {d for _, d, _ in readings} == {3600}
    assert sum(v for *_, v in readings) == pytest.approx(11.5)  # kWh: 23 hours of 500 Wh, not 11.5 + 8.05


def test_a_file_of_hours_replaces_the_quarter_hours_of_those_hours_and_keeps_the_others(customer):
    """Quarter hours for two days, then hours for the second day: the second day's quarter hours give way
    (each hour counted once as replaced); the first day's stay."""
    upload(customer, every(900, 100.0, start=MIDNIGHT - 86400))
    hours = upload(customer, every(3600, 500.0))
    assert (hours.readings_stored, hours.readings_replaced) == (23, 23)
    readings = held(customer)
    day_before = [r for r in readings if r[0] < MIDNIGHT]
    day = [r for r in readings if r[0] >= MIDNIGHT]
    assert len(day_before) == 96 and {d for _, d, _ in day_before} == {900}
    assert len(day) == 23 and {d for _, d, _ in day} == {3600}


def test_a_day_replaces_its_hours_and_hours_replace_the_day(customer):
    upload(customer, every(3600, 500.0))
    whole_day = upload(customer, [(MIDNIGHT, NEXT_MIDNIGHT - MIDNIGHT, 9000.0)])
    assert (whole_day.readings_stored, whole_day.readings_replaced) == (1, 1)
    assert held(customer) == [(MIDNIGHT, 23 * 3600, pytest.approx(9.0))]
    morning = upload(customer, every(3600, 400.0, end=MIDNIGHT + 6 * 3600 - 3600))  # five clock hours
    assert (morning.readings_stored, morning.readings_replaced) == (5, 5)
    readings = held(customer)
    assert len(readings) == 5 and sum(v for *_, v in readings) == pytest.approx(2.0)


def test_readings_that_overlap_in_one_file_keep_the_first(customer):
    summary = upload(customer, [*every(3600, 500.0), (MIDNIGHT, 1800, 50.0), (MIDNIGHT + 600, 3540, 60.0)])
    assert (summary.readings_stored, summary.readings_refused) == (23, 2)
    [problem] = summary.problems
    assert problem.message.startswith(
        "2 electric readings of 2026-03 overlap a reading before them in the file"
    )
    readings = held(customer)
    assert len(readings) == 23 and sum(v for *_, v in readings) == pytest.approx(11.5)


def test_a_reading_nothing_new_overlaps_is_kept(customer):
    upload(customer, every(3600, 500.0, length=3540))
    later = upload(customer, every(3600, 500.0, start=NEXT_MIDNIGHT, end=NEXT_MIDNIGHT + 3 * 3600))
    assert (later.readings_stored, later.readings_replaced) == (3, 0)
    assert len(held(customer)) == 26
