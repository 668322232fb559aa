"""The tips under a comparison follow the shape of the customer's use: a constructed day or week with one
pattern gives that pattern's tip first, several patterns give two or three tips strongest first, and the
same readings always give the same tips."""

from datetime import datetime

import numpy as np
import pytest
from django.utils import translation

from custodian.usage.services import day_shape, tip_for, tip_keys, tips_for
from custodian.vault.interval_files import LOCAL, IntervalBlock, month_bounds

FLAT_YEAR = [(f"2026-{m:02d}", 500.0) for m in range(1, 13)]
WINTER_YEAR = [("2026-01", 900.0), ("2026-07", 300.0)]


def shape_of(by_hour, month="2026-09"):
    """The day shape of one month of hourly readings: `by_hour(hour, weekday)` kWh (Monday is 0)."""
    start, end = month_bounds(month)
    local = [datetime.fromtimestamp(t, LOCAL) for t in range(start, end, 3600)]
    values = np.array([by_hour(t.hour, t.weekday()) for t in local], float)
    return day_shape([IntervalBlock(1, "electric", month, start, 3600, values)])


def keys(months, shape):
    return [key for key, _ in tip_keys(months, shape)]


def test_a_high_night_time_base_load_comes_first():
    shape = shape_of(lambda h, d: 0.9 if h < 16 or h >= 21 else 1.0)
    assert shape["base_share"] > 0.9
    assert keys(FLAT_YEAR, shape)[0] == "always_on"
    assert tip_for(FLAT_YEAR, shape).startswith(
        "Even in the middle of the night your home draws about 0.9 kWh"
    )


def test_an_evening_peak_gives_the_evening_tip_with_its_share():
    shape = shape_of(lambda h, d: 3.0 if 16 <= h < 21 else 0.2)
    assert shape["evening_share"] == pytest.approx(15 / 18.8)
    tips = tips_for(FLAT_YEAR, shape)
    assert "80% of your electricity goes between 4 and 9 in the evening" in tips[0]
    assert len(tips) == 2 and tips[1].startswith("Your use is steady")  # a flat year adds the general tip


def test_weekends_against_weekdays():
    def day(h):
        return 0.3 if 1 <= h < 5 else 1.0  # a low night, no evening peak

    busy_weekend = shape_of(lambda h, d: day(h) * (1.5 if d >= 5 else 1.0))
    assert busy_weekend["weekend_ratio"] == pytest.approx(1.5)
    assert keys(FLAT_YEAR, busy_weekend)[0] == "weekend"
    assert "50% more electricity an hour at weekends" in tip_for(FLAT_YEAR, busy_weekend)
    even_week = shape_of(lambda h, d: day(h))
    assert "weekend" not in keys(FLAT_YEAR, even_week)


def test_several_patterns_give_three_tips_strongest_first():
    # A winter year (900 against 300: 2.4 × its threshold), evening share 0.57 (1.9 ×), weekends 1.5 ×
    # weekdays (1.25 ×); the night (0.55 of the average hour) is not high enough for the always-on tip.
    def use(h, d):
        day = 2.0 if 16 <= h < 21 else 0.4
        return day * (1.5 if d >= 5 else 1.0)

    shape = shape_of(use)
    chosen = keys(WINTER_YEAR, shape)
    assert chosen == ["winter", "evening", "weekend"]
    assert len(tips_for(WINTER_YEAR, shape)) == 3


def test_no_pattern_still_gives_two_general_tips_and_none_for_a_year_that_is_not_steady():
    assert keys(FLAT_YEAR, None) == ["steady", "water_heater"]
    assert keys(WINTER_YEAR, None) == ["winter", "water_heater"]
    assert keys([("2026-01", 300.0), ("2026-07", 900.0)], None) == ["summer", "water_heater"]


def test_the_same_readings_give_the_same_tips_and_they_read_in_spanish():
    shape = shape_of(lambda h, d: 3.0 if 16 <= h < 21 else 0.2)
    assert tips_for(FLAT_YEAR, shape) == tips_for(FLAT_YEAR, dict(shape))
    with translation.override("es"):
        spanish = tips_for(FLAT_YEAR, shape)
    assert spanish != tips_for(FLAT_YEAR, shape) and "80%" in spanish[0]
