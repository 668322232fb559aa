"""The tips under a customer's comparison, chosen from the shape of their day and week (night-time base
load, evening peak, weekends against weekdays) and of their year (a winter or a summer peak): each pattern
found is a candidate scored by how strong it is, the strongest two or three are shown, and general tips
fill the list to two when the customer's pattern says little. The same readings always give the same tips,
in the same order. Texts are marked for translation and read in the active language."""

from datetime import datetime

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from custodian.vault.interval_files import LOCAL

# Thresholds of the patterns (a flat day would have a base share of 1.0 and an evening share of 5/24).
ALWAYS_ON_SHARE = 0.6  # night-time draw against the day's average
EVENING_SHARE = 0.3  # of the day's use between 4 and 9 pm
WEEKEND_RATIO = 1.2  # weekend use per hour against weekday use per hour
SEASON_RATIO = 1.25  # winter against summer months, or summer against winter
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
    }


def day_shape(blocks) -> dict | None:
    """The shape of the customer's day and week over their last three months of electric readings (hourly
    or finer): the night-time base load (1–5 am, kWh per hour) and its share of the average hour, the share
    of use between 4 and 9 pm, and weekend use per hour against weekday use per hour (None without both).
    None without interval readings."""

    electric = sorted(
        (b for b in blocks if b.service == "electric" and 3600 % b.interval == 0), key=lambda b: b.start
    )
    hours, days, values = [], [], []
    for b in electric[-3:]:
        middle = datetime.fromtimestamp(b.start + b.interval * len(b.values) // 2, LOCAL)
        offset = int(middle.utcoffset().total_seconds())  # an hour off for part of a DST month: fine here
        local = b.start + b.interval * np.arange(len(b.values)) + offset
        hours.append((local // 3600) % 24)
        days.append((local // 86400 + 3) % 7)  # 1970-01-01 was a Thursday: Monday is 0
        values.append(b.values * (3600 / b.interval))  # kWh per hour, whatever the reading's length
    if not values:
        return None
    hour, weekday, kwh = np.concatenate(hours), np.concatenate(days), np.concatenate(values)
    keep = ~np.isnan(kwh)
    hour, weekday, kwh = hour[keep], weekday[keep], kwh[keep]
    if not len(kwh) or kwh.mean() <= 0:
        return None
    night = kwh[(hour >= 1) & (hour < 5)]
    weekend, weekdays = kwh[weekday >= 5], kwh[weekday < 5]
    return {
        "base_kwh": float(night.mean()) if len(night) else 0.0,
        "base_share": float(night.mean() / kwh.mean()) if len(night) else 0.0,
        "evening_share": float(kwh[(hour >= 16) & (hour < 21)].sum() / kwh.sum()),
        "weekend_ratio": (
            float(weekend.mean() / weekdays.mean())
            if len(weekend) and len(weekdays) and weekdays.mean() > 0
            else None
        ),
    }


def _candidates(months: list[tuple[str, float]], shape: dict | None) -> list[tuple[float, str, dict]]:
    """(strength, tip, its figures) for each pattern found; strength is how far past its threshold."""
    found = []
    if shape:
        if shape["base_share"] >= ALWAYS_ON_SHARE:
            base = number_format(round(shape["base_kwh"], 1), 1)  # 0.9 in both languages (custodian/formats)
            figures = {"base": base, "share": round(100 * shape["base_share"])}
            found.append((shape["base_share"] / ALWAYS_ON_SHARE, "always_on", figures))
        if shape["evening_share"] >= EVENING_SHARE:
            figures = {"share": round(100 * shape["evening_share"])}
            found.append((shape["evening_share"] / EVENING_SHARE, "evening", figures))
        ratio = shape.get("weekend_ratio")
        if ratio is not None and ratio >= WEEKEND_RATIO:
            found.append((ratio / WEEKEND_RATIO, "weekend", {"more": round(100 * (ratio - 1))}))
    by_month = {m[5:]: kwh for m, kwh in months}
    winter = sum(by_month.get(m, 0) for m in ("12", "01", "02"))
    summer = sum(by_month.get(m, 0) for m in ("06", "07", "08"))
    if winter > summer * SEASON_RATIO:
        found.append((winter / (summer * SEASON_RATIO) if summer else 2.0, "winter", {}))
    elif summer > winter * SEASON_RATIO:
        found.append((summer / (winter * SEASON_RATIO) if winter else 2.0, "summer", {}))
    return found


def tip_keys(months: list[tuple[str, float]], shape: dict | None = None) -> list[tuple[str, dict]]:
    """The tips for a customer, strongest pattern first (ties in a fixed order), two or three of them:
    (tip, its figures)."""
    order = ["always_on", "evening", "weekend", "winter", "summer"]
    found = sorted(_candidates(months, shape), key=lambda c: (-round(c[0], 6), order.index(c[1])))
    chosen = [(key, figures) for _, key, figures in found[:MOST_TIPS]]
    for general in ("steady", "water_heater"):
        if len(chosen) >= LEAST_TIPS:
            break
        seasonal = any(key in ("winter", "summer") for key, _ in chosen)
        if general == "steady" and seasonal:
            continue  # the year is not steady
        chosen.append((general, {}))
    if len(chosen) < LEAST_TIPS:
        chosen.append(("water_heater", {}))
    return chosen


def tips_for(months: list[tuple[str, float]], shape: dict | None = None) -> list[str]:
    """The tips' texts in the active language (see `tip_keys`)."""
    texts = _texts()
    return [texts[key] % figures if figures else texts[key] for key, figures in tip_keys(months, shape)]


def tip_for(months: list[tuple[str, float]], shape: dict | None = None) -> str:
    """The strongest tip alone."""
    return tips_for(months, shape)[0]
