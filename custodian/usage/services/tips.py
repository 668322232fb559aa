"""The tips under each of a customer's comparisons (electricity, natural gas, water), chosen from the shape of
their day and week where the meter reads hourly (a night-time base load, an evening peak, weekends against
weekdays; water running through the night, gas kept up through it) and of their year (a winter or a summer
peak; gas used in the summer months, when nothing is heated but water): each pattern found is a candidate
scored by how strong it is, the strongest two or three are shown, and the service's general tips fill the
list to two when the customer's pattern says little. Every service gets as many tips, by the same rule. The
same readings always give the same tips, in the same order. Texts are marked for translation and read in the
active language."""

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from custodian.customers.choices import Service
from custodian.usage.intervals import PERIODS, local_seconds, usage_arrays
from custodian.vault.interval_files import month_bounds

# Thresholds of the patterns (a flat day would have a base share of 1.0 and an evening share of 5/24).
ALWAYS_ON_SHARE = 0.6  # night-time draw against the day's average
EVENING_SHARE = 0.3  # of the day's use between 4 and 9 pm
WEEKEND_RATIO = 1.2  # weekend use per hour against weekday use per hour
SEASON_RATIO = 1.25  # winter against summer months, or summer against winter
# Water through the meter between 1 and 5 am against the average hour: a home asleep uses next to nothing
# then (a dishwasher or a softener on a timer adds a little), so a quarter of the average hour, every night,
# is water running where nobody uses it.
LEAK_SHARE = 0.25
# Gas in the summer months against the winter months: at a tenth or more, what is left when the heating is
# off (the water heater, the stove, a dryer) is worth cutting; a home that heats water with something else
# uses next to none then.
GAS_SUMMER_SHARE = 0.1
WINTER, SUMMER = ("12", "01", "02"), ("06", "07", "08")
# Readings this long or shorter say how a day is spread over its hours (the tips' and the usage page's
# average day); a meter read once a day does not.
HOURLY = 3600
MOST_TIPS = 3
LEAST_TIPS = 2


def _texts() -> dict[str, str]:
    """Every tip's text in the active language (looked up when a report is made, not at import)."""
    return {
        "always_on": _(
            "Even in the middle of the night your home draws about %(base)s kWh an hour, %(share)s%% of "
            "your average: something runs all the time. A second fridge or freezer, a dehumidifier, a well "
            "pump or electronics left on standby are the usual culprits; a smart plug or a timer saves the "
            "most."
        ),
        "evening": _(
            "%(share)s%% of your electricity goes between 4 and 9 in the evening: running the dishwasher, "
            "laundry and dryer later at night spreads it out, and switching to LED bulbs trims the rest."
        ),
        "weekend": _(
            "Your home uses %(more)s%% more electricity an hour at weekends than on weekdays: laundry, "
            "cooking and entertainment bunched into two days. Spreading the big loads through the week and "
            "switching off what runs while you are home save the most."
        ),
        "winter": _(
            "Most of your electricity goes in the cold months: a degree or two lower on the thermostat at "
            "night and sealing drafts around doors and windows save the most."
        ),
        "summer": _(
            "Your use peaks in summer: setting the air conditioner a few degrees higher and closing blinds "
            "on sunny afternoons save the most."
        ),
        "steady": _(
            "Your use is steady through the year: unplugging idle electronics and switching to LED bulbs "
            "cut the part that runs all the time."
        ),
        "water_heater": _(
            "Heating water is a large share of most homes' use: setting the water heater to 120°F and "
            "washing clothes in cold water cut it without anyone noticing."
        ),
        # Natural gas.
        "gas_night": _(
            "Your gas use stays up through the night, %(share)s%% of your average hour between 1 and 5 am: "
            "turning the thermostat down 7 to 10 degrees while you sleep (a programmable thermostat does it "
            "for you) saves up to a tenth of your heating."
        ),
        "gas_winter": _(
            "Most of your gas goes in the cold months, on heating: a furnace filter changed every three "
            "months, a furnace tune-up before winter and sealing drafts around doors and windows save the "
            "most."
        ),
        "gas_summer": _(
            "In the summer months, with the heating off, you still used about %(therms)s therms a month: "
            "that is mostly heating water. Setting the water heater to 120°F, a low-flow shower head and "
            "washing clothes in cold water cut it."
        ),
        "gas_general": _(
            "A furnace or boiler tuned up once a year and a clean filter burn less gas for the same warmth; "
            "a carbon monoxide alarm near the bedrooms keeps you safe."
        ),
        # Water.
        "water_leak": _(
            "Water runs through your meter even in the middle of the night, about %(base)s gallons an hour "
            "between 1 and 5 am: that often means a leak. A running toilet is the most common (a few drops "
            "of food colouring in the tank that show in the bowl without flushing give it away), then a "
            "dripping tap or an outside hose."
        ),
        "water_summer": _(
            "Your water use peaks in summer, on the lawn and garden: watering early in the morning, once "
            "or twice a week and deeply, and a rain barrel save the most."
        ),
        "water_evening": _(
            "%(share)s%% of your water goes between 4 and 9 in the evening: full loads in the dishwasher and "
            "the washing machine, and shorter showers, save the most."
        ),
        "water_fixtures": _(
            "Showers and toilets use the most water in most homes: a WaterSense shower head and toilet use "
            "a fifth to a third less, and a dripping tap fixed saves hundreds of gallons a month."
        ),
        "water_toilet": _(
            "Check your toilets for silent leaks once a year: a few drops of food colouring in the tank "
            "that show in the bowl within 15 minutes mean a flapper to replace."
        ),
    }


def day_shape(blocks, service: str = "electric") -> dict | None:
    """The shape of the customer's day and week over their last three months of readings of `service`: the
    night-time base load (1–5 am, per hour in the service's unit) and its share of the average hour, the
    share of use between 4 and 9 pm, and weekend use per hour against weekday use per hour (None without
    both). The readings are those the usage page's average day counts: every reading held, grid and off the
    grid (`usage_arrays`: hours a later file's quarter hours pushed off the grid among them), of an hour or
    shorter (a reading of days tells nothing of its hours), each at its local hour. None without such
    readings."""

    months = sorted(
        {b.month for b in blocks if b.service in (service, service + PERIODS) and np.any(~np.isnan(b.values))}
    )[-3:]
    if not months:
        return None
    starts, durations, values = usage_arrays(
        blocks, month_bounds(months[0])[0], month_bounds(months[-1])[1], service
    )
    fine = durations <= HOURLY
    starts, durations, values = starts[fine], durations[fine], values[fine]
    if not len(values) or values.sum() <= 0:
        return None
    local = local_seconds(starts)
    hour, weekday = (local // 3600) % 24, (local // 86400 + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    hours = durations / 3600  # four quarter hours make one

    def per_hour(among) -> float | None:
        return float(values[among].sum() / hours[among].sum()) if among.any() else None

    average = per_hour(np.ones(len(values), dtype=bool))
    night = per_hour((hour >= 1) & (hour < 5))
    weekend, weekdays = per_hour(weekday >= 5), per_hour(weekday < 5)
    return {
        "base_per_hour": night or 0.0,
        "base_share": night / average if night is not None else 0.0,
        "evening_share": float(values[(hour >= 16) & (hour < 21)].sum() / values.sum()),
        "weekend_ratio": weekend / weekdays if weekend is not None and weekdays else None,
    }


def day_shapes(blocks) -> dict[str, dict | None]:
    """`day_shape` of each service, by service."""
    return {service: day_shape(blocks, service) for service in Service.values}


def _seasons(months: list[tuple[str, float]]) -> tuple[float, float, int]:
    """Use in the winter months and in the summer months, and how many summer months there are."""
    by_month = {m[5:]: amount for m, amount in months}
    winter = sum(by_month.get(m, 0) for m in WINTER)
    summer = sum(by_month.get(m, 0) for m in SUMMER)
    return winter, summer, sum(1 for m in SUMMER if m in by_month)


def _peak(months: list[tuple[str, float]]) -> tuple[str, float] | None:
    """The season the year peaks in ("winter" or "summer") and how far past the threshold, when one season
    is well above the other."""
    winter, summer, _ = _seasons(months)
    if winter > summer * SEASON_RATIO:
        return "winter", winter / (summer * SEASON_RATIO) if summer else 2.0
    if summer > winter * SEASON_RATIO:
        return "summer", summer / (winter * SEASON_RATIO) if winter else 2.0
    return None


def _peak_tip(months, keys: dict[str, str]) -> list[tuple[float, str, dict]]:
    """The tip of the season the year peaks in, where the service has one (`keys`: season → tip)."""
    peak = _peak(months)
    return [(peak[1], keys[peak[0]], {})] if peak and peak[0] in keys else []


def _share(figure: float) -> int:
    return round(100 * figure)


def _electric(months, shape) -> list[tuple[float, str, dict]]:
    found = []
    if shape:
        if shape["base_share"] >= ALWAYS_ON_SHARE:
            base = number_format(round(shape["base_per_hour"], 1), 1)  # 0.9 in both languages
            figures = {"base": base, "share": _share(shape["base_share"])}
            found.append((shape["base_share"] / ALWAYS_ON_SHARE, "always_on", figures))
        if shape["evening_share"] >= EVENING_SHARE:
            figures = {"share": _share(shape["evening_share"])}
            found.append((shape["evening_share"] / EVENING_SHARE, "evening", figures))
        ratio = shape.get("weekend_ratio")
        if ratio is not None and ratio >= WEEKEND_RATIO:
            found.append((ratio / WEEKEND_RATIO, "weekend", {"more": round(100 * (ratio - 1))}))
    return found + _peak_tip(months, {"winter": "winter", "summer": "summer"})


def _gas(months, shape) -> list[tuple[float, str, dict]]:
    found = []
    if shape and shape["base_share"] >= ALWAYS_ON_SHARE:
        found.append(
            (shape["base_share"] / ALWAYS_ON_SHARE, "gas_night", {"share": _share(shape["base_share"])})
        )
    winter, summer, summer_months = _seasons(months)
    if summer_months and summer > 0 and summer >= winter * GAS_SUMMER_SHARE:
        therms = number_format(round(summer / summer_months), 0)
        strength = summer / (winter * GAS_SUMMER_SHARE) if winter else 2.0
        found.append((strength, "gas_summer", {"therms": therms}))
    return found + _peak_tip(months, {"winter": "gas_winter"})


def _water(months, shape) -> list[tuple[float, str, dict]]:
    found = []
    if shape:
        if shape["base_share"] >= LEAK_SHARE:
            base = number_format(round(shape["base_per_hour"], 1), 1)
            found.append((shape["base_share"] / LEAK_SHARE, "water_leak", {"base": base}))
        if shape["evening_share"] >= EVENING_SHARE:
            figures = {"share": _share(shape["evening_share"])}
            found.append((shape["evening_share"] / EVENING_SHARE, "water_evening", figures))
    return found + _peak_tip(months, {"summer": "water_summer"})


# Each service: how its patterns are found, their order when equally strong, and its general tips in the
# order they fill the list (a general tip that says the year is steady is not given when it peaks).
PATTERNS = {
    "electric": (
        _electric,
        ["always_on", "evening", "weekend", "winter", "summer"],
        ["steady", "water_heater"],
    ),
    "gas": (_gas, ["gas_night", "gas_summer", "gas_winter"], ["gas_general", "water_heater"]),
    "water": (_water, ["water_leak", "water_evening", "water_summer"], ["water_fixtures", "water_toilet"]),
}
SEASONAL = {"winter", "summer", "gas_winter", "water_summer"}


def _candidates(
    months: list[tuple[str, float]], shape: dict | None, service: str = "electric"
) -> list[tuple[float, str, dict]]:
    """(strength, tip, its figures) for each pattern found; strength is how far past its threshold."""
    return PATTERNS[service][0](months, shape)


def tip_keys(
    months: list[tuple[str, float]], shape: dict | None = None, service: str = "electric"
) -> list[tuple[str, dict]]:
    """The tips for a customer's use of `service`, strongest pattern first (ties in a fixed order), two or
    three of them: (tip, its figures)."""
    _, order, general = PATTERNS[service]
    found = sorted(_candidates(months, shape, service), key=lambda c: (-round(c[0], 6), order.index(c[1])))
    chosen = [(key, figures) for _, key, figures in found[:MOST_TIPS]]
    seasonal = any(key in SEASONAL for key, _ in chosen)
    for key in general:
        if len(chosen) >= LEAST_TIPS:
            break
        if key == "steady" and seasonal:
            continue  # the year is not steady
        chosen.append((key, {}))
    if len(chosen) < LEAST_TIPS:
        chosen.append((general[-1], {}))
    return chosen


def tips_for(
    months: list[tuple[str, float]], shape: dict | None = None, service: str = "electric"
) -> list[str]:
    """The tips' texts in the active language (see `tip_keys`)."""
    texts = _texts()
    return [
        texts[key] % figures if figures else texts[key] for key, figures in tip_keys(months, shape, service)
    ]


def tip_for(months: list[tuple[str, float]], shape: dict | None = None, service: str = "electric") -> str:
    """The strongest tip alone."""
    return tips_for(months, shape, service)[0]
