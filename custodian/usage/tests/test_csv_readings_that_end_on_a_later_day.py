"""A Green Button CSV reading that ends on a later day than it starts keeps its length both ways: one that
ends at midnight without a UTC offset ends at the next day's local midnight (an hour from 23:00 on a day the
clocks change, never 0 or 2), and our download writes a reading that ends later than the midnight after its
DATE (a day from 22:00, a two-day ESPI reading) with the END TIME's own date, which the upload reads back as
written. Amaya uploads her own download again and gets the readings she downloaded."""

from datetime import UTC, datetime

import pytest

from custodian.usage.greenbutton_export import UsagePointExport, green_button_csv
from custodian.usage.greenbutton_import import parse_green_button_csv

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS\n"


def _at(*when) -> int:
    return int(datetime(*when, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    "row, start",
    [
        (
            "electric usage,2024-03-10,23:00,00:00,1.5,kWh",
            _at(2024, 3, 11, 4),
        ),  # the day daylight saving begins
        ("electric usage,2024-11-03,23:00,00:00,2,kWh", _at(2024, 11, 4, 5)),  # the day it ends
        ("electric usage,2024-03-09,23:00,00:00,1.5,kWh", _at(2024, 3, 10, 5)),  # the day before it begins
        ("electric usage,2024-11-02,23:00,00:00,2,kWh", _at(2024, 11, 3, 4)),  # the day before it ends
    ],
)
def test_amaya_s_last_hour_of_a_day_ends_at_the_next_local_midnight(row, start):
    result = parse_green_button_csv(HEADER + row + "\n")
    assert not result.problems
    [reading] = result.readings
    assert (reading.start, reading.duration) == (start, 3600)


@pytest.mark.parametrize(
    "day, hours",
    [("2024-03-10", 23), ("2024-11-03", 25), ("2024-06-01", 24)],
)
def test_a_whole_local_day_lasts_the_day_s_own_hours(day, hours):
    result = parse_green_button_csv(HEADER + f"electric usage,{day},00:00,00:00,5,kWh\n")
    assert not result.problems
    assert [r.duration for r in result.readings] == [hours * 3600]


def test_an_end_time_with_its_own_date_is_read_on_that_date():
    rows = (
        "electric usage,2024-09-28,22:00-0500,2024-09-30 22:00-0500,40,kWh\n"
        "electric usage,2024-11-02,22:00,2024-11-03 22:00,20,kWh\n"  # across the hour repeated that night
        "electric usage,2024-10-05,22:00,2024-10-05 21:00,1,kWh\n"  # before its start: refused, as ever
    )
    result = parse_green_button_csv(HEADER + rows)
    assert [(r.start, r.duration) for r in result.readings] == [
        (_at(2024, 9, 29, 3), 172800),
        (_at(2024, 11, 3, 3), 25 * 3600),
    ]
    [problem] = result.problems
    assert problem.line == 4 and "is before START TIME" in problem.message


def _downloaded_and_uploaded_again(readings):
    text = green_button_csv(
        [UsagePointExport(key="e", title="Electric", service="electric", unit="Wh", readings=readings)]
    )
    result = parse_green_button_csv(text)
    assert not result.problems, [p.message for p in result.problems]
    return text, [(r.start, r.duration, r.value) for r in result.readings]


def test_a_reading_longer_than_a_day_is_written_with_its_end_date_and_reads_back():
    readings = [(_at(2024, 9, 29, 3), 172800, 40000.0)]  # 2024-09-28 22:00 CDT, two days
    text, back = _downloaded_and_uploaded_again(readings)
    assert "2024-09-28,22:00-0500,2024-09-30 22:00-0500," in text
    assert back == readings


@pytest.mark.parametrize(
    "readings",
    [
        # The last hours of the days the clocks change, and the hours across each change.
        [(_at(2024, 3, 11, 4), 3600, 1500.0), (_at(2024, 11, 4, 5), 3600, 2000.0)],
        [(_at(2024, 3, 10, h), 3600, 100.0 + h) for h in range(5, 10)],
        [(_at(2024, 11, 3, h), 3600, 100.0 + h) for h in range(4, 10)],
        # Whole local days of 23, 24 and 25 hours, a day from 22:00 and three hours across midnight.
        [(_at(2024, 3, 10, 6), 23 * 3600, 9000.0), (_at(2024, 11, 3, 5), 25 * 3600, 9000.0)],
        [(_at(2024, 6, 2, 3), 86400, 24000.0), (_at(2024, 6, 4, 3), 3 * 3600, 300.0)],
    ],
)
def test_readings_on_the_days_the_clocks_change_read_back_as_downloaded(readings):
    assert _downloaded_and_uploaded_again(readings)[1] == readings
