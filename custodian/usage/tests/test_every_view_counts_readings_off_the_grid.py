"""Every view of a customer's use counts each reading held once, those off the month's grid (a `~periods`
block: a billing period, hours a later file's quarter hours pushed off the grid) beside the grid's: the
monthly totals the comparison and the mailed report count, the days of the usage page. A reading counts in
the month it starts in, whole, as the retention run's month totals and the data access answer count it; a
reading across a day's end counts in each day for its share of the time, never whole on both."""

from datetime import datetime

import numpy as np
import pytest

from custodian.usage.intervals import PERIODS, encode_periods, usage_arrays
from custodian.usage.services import electric_months
from custodian.vault.interval_files import LOCAL, IntervalBlock, month_bounds

JANUARY, FEBRUARY = month_bounds("2024-01"), month_bounds("2024-02")
PERIOD_START = int(datetime(2024, 1, 20, tzinfo=LOCAL).timestamp())
PERIOD = (PERIOD_START, 30 * 86400, 300.0)  # a billing period of 300 kWh, January 20 to February 18


def blocks():
    """Ann's January holds only a billing period reaching into February; February, two hours on the grid
    after it."""
    hours = np.full((FEBRUARY[1] - FEBRUARY[0]) // 3600, np.nan)
    hours[19 * 24 : 19 * 24 + 2] = 1.0  # February 20, 00:00 and 01:00
    return [
        IntervalBlock(
            1, "electric" + PERIODS, "2024-01", JANUARY[0], 60, encode_periods(JANUARY[0], [PERIOD])
        ),
        IntervalBlock(1, "electric", "2024-02", FEBRUARY[0], 3600, hours),
    ]


def test_the_monthly_totals_count_the_billing_period_once_in_the_month_it_starts_in():
    months = electric_months(None, blocks())
    assert months == {"2024-01": pytest.approx(300.0), "2024-02": pytest.approx(2.0)}


def test_a_day_inside_the_period_holds_its_share_and_a_span_all_of_it_once():
    day = int(datetime(2024, 2, 1, tzinfo=LOCAL).timestamp())
    starts, durations, values = usage_arrays(blocks(), day, day + 86400, "electric")
    assert (starts.tolist(), durations.tolist()) == ([day], [86400]) and values.sum() == pytest.approx(10.0)
    starts, durations, values = usage_arrays(blocks(), JANUARY[0], FEBRUARY[1], "electric")
    assert starts.tolist() == [PERIOD_START, FEBRUARY[0] + 19 * 86400, FEBRUARY[0] + 19 * 86400 + 3600]
    assert values.sum() == pytest.approx(302.0)
