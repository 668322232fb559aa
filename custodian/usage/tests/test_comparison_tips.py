"""The tips under a comparison follow the shape of the customer's use of each service: a constructed day or
week with one pattern gives that pattern's tip first, several patterns give two or three tips strongest
first, gas and water get theirs by the same rule (water running all night suggests a leak, gas in the
summer months is heating water), and the same readings always give the same tips."""

from datetime import datetime

import numpy as np
import pytest
from django.utils import translation

from custodian.usage.services import day_shape, tip_for, tip_keys, tips_for
from custodian.vault.interval_files import LOCAL, IntervalBlock, month_bounds

FLAT_YEAR = [(f"2026-{m:02d}", 500.0) for m in range(1, 13)]
WINTER_YEAR = [("2026-01", 900.0), ("2026-07", 300.0)]


def shape_of(by_hour, month="2026-09", service="electric"):
    """The day shape of one month of hourly readings: `by_hour(hour, weekday)` kWh, therms or gallons
    (Monday is 0)."""
    start, end = month_bounds(month)
    local = [datetime.fromtimestamp(t, LOCAL) for t in range(start, end, 3600)]
    values = np.array([by_hour(t.hour, t.weekday()) for t in local], float)
    return day_shape([IntervalBlock(1, service, month, start, 3600, values)], service)


def keys(months, shape, service="electric"):
    return [key for key, _ in tip_keys(months, shape, service)]


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


# A home heated with gas: 120 therms a month in winter, 15 in summer (the water heater and the stove).
GAS_HEATED_YEAR = [("2026-01", 120.0), ("2026-02", 110.0), ("2026-07", 15.0), ("2026-08", 15.0)]
# A home whose gas only heats water: the same every month.
GAS_WATER_ONLY_YEAR = [(f"2026-{m:02d}", 20.0) for m in range(1, 13)]
# Water: 4,000 gallons a month, 7,000 in summer on the lawn.
WATERED_YEAR = [(f"2026-{m:02d}", 7000.0 if m in (6, 7, 8) else 4000.0) for m in range(1, 13)]
FLAT_WATER_YEAR = [(f"2026-{m:02d}", 4000.0) for m in range(1, 13)]


def water_day(h, d):
    """Gallons an hour: showers in the morning, dishes and laundry in the evening, nothing at night."""
    return 12.0 if h in (6, 7) else 8.0 if 18 <= h < 21 else 2.0 if 8 <= h < 22 else 0.0


def test_water_running_through_the_night_suggests_a_leak_first():
    leaking = shape_of(lambda h, d: water_day(h, d) + 1.5, service="water")  # a toilet that never stops
    assert leaking["base_share"] > 0.25
    assert keys(FLAT_WATER_YEAR, leaking, "water")[0] == "water_leak"
    tip = tip_for(FLAT_WATER_YEAR, leaking, "water")
    assert tip.startswith("Water runs through your meter even in the middle of the night, about 1.5 gallons")
    assert "toilet" in tip
    asleep = shape_of(water_day, service="water")
    assert asleep["base_share"] == 0 and "water_leak" not in keys(FLAT_WATER_YEAR, asleep, "water")


def test_a_summer_of_watering_the_lawn_and_no_pattern_get_the_water_tips():
    assert keys(WATERED_YEAR, None, "water") == ["water_summer", "water_fixtures"]
    assert keys(FLAT_WATER_YEAR, None, "water") == ["water_fixtures", "water_toilet"]
    # An electric tip is never given for water, nor a water tip for electricity.
    assert not {"winter", "summer", "steady", "always_on"} & set(keys(WATERED_YEAR, None, "water"))
    assert not {"water_fixtures", "water_toilet", "gas_general"} & set(keys(FLAT_YEAR, None))


def test_gas_in_the_summer_months_is_heating_water():
    chosen = tip_keys(GAS_HEATED_YEAR, None, "gas")
    assert [key for key, _ in chosen] == ["gas_winter", "gas_summer"]  # heating the stronger pattern
    summer = tips_for(GAS_HEATED_YEAR, None, "gas")[1]
    assert summer.startswith("In the summer months, with the heating off, you still used about 15 therms")
    assert "water heater to 120°F" in summer
    # Gas that only heats water: the same every month, the summer tip first, no heating tip.
    assert keys(GAS_WATER_ONLY_YEAR, None, "gas") == ["gas_summer", "gas_general"]


def test_gas_kept_up_through_the_night_gives_the_thermostat_tip():
    heated_nights = shape_of(lambda h, d: 1.0 if h < 7 or h >= 21 else 0.6, service="gas")
    assert keys(GAS_HEATED_YEAR, heated_nights, "gas")[0] in ("gas_night", "gas_winter")
    assert "gas_night" in keys(GAS_HEATED_YEAR, heated_nights, "gas")
    assert "thermostat down" in " ".join(tips_for(GAS_HEATED_YEAR, heated_nights, "gas"))


@pytest.mark.parametrize(
    "service,months", [("electric", FLAT_YEAR), ("gas", GAS_HEATED_YEAR), ("water", WATERED_YEAR)]
)
def test_every_service_gets_two_or_three_tips_by_the_same_rule_and_in_spanish(service, months):
    for shape in (None, shape_of(lambda h, d: 3.0 if 16 <= h < 21 else 0.2, service=service)):
        tips = tips_for(months, shape, service)
        assert 2 <= len(tips) <= 3 and len(set(tips)) == len(tips)
        assert tips == tips_for(months, dict(shape) if shape else None, service)
        with translation.override("es"):
            spanish = tips_for(months, shape, service)
        assert len(spanish) == len(tips) and not set(spanish) & set(tips)
