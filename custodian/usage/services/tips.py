"""The tip under a customer's comparison, from the shape of their day (always-on load, evening peak) and
their months."""

from datetime import datetime

import numpy as np

from custodian.vault.interval_files import LOCAL

TIPS = {
    "always_on": (
        "Even in the middle of the night your home draws about {base:.1f} kWh an hour, {share:.0%} of your "
        "average: something runs all the time. A second fridge or freezer, a dehumidifier, a well pump or "
        "electronics left on standby are the usual culprits; a smart plug or a timer saves the most."
    ),
    "winter": (
        "Most of your electricity goes in the cold months: a degree or two lower on the thermostat at "
        "night and sealing drafts around doors and windows save the most."
    ),
    "summer": (
        "Your use peaks in summer: setting the air conditioner a few degrees higher and closing blinds "
        "on sunny afternoons save the most."
    ),
    "evening": (
        "{share:.0%} of your electricity goes between 4 and 9 in the evening: running the dishwasher, "
        "laundry and dryer later at night spreads it out, and switching to LED bulbs trims the rest."
    ),
    "steady": (
        "Your use is steady through the year: unplugging idle electronics and switching to LED bulbs "
        "cut the part that runs all the time."
    ),
}


def day_shape(blocks) -> dict | None:
    """The shape of the customer's day over their last three months of electric readings (hourly or finer):
    the night-time base load (1–5 am, kWh per hour) and the share of use between 4 and 9 pm. None without
    interval readings."""

    electric = sorted(
        (b for b in blocks if b.service == "electric" and 3600 % b.interval == 0), key=lambda b: b.start
    )
    hours, values = [], []
    for b in electric[-3:]:
        middle = datetime.fromtimestamp(b.start + b.interval * len(b.values) // 2, LOCAL)
        offset = int(middle.utcoffset().total_seconds())  # an hour off for part of a DST month: fine here
        starts = b.start + b.interval * np.arange(len(b.values))
        hours.append(((starts + offset) // 3600) % 24)
        values.append(b.values * (3600 / b.interval))  # kWh per hour, whatever the reading's length
    if not values:
        return None
    hour, kwh = np.concatenate(hours), np.concatenate(values)
    keep = ~np.isnan(kwh)
    hour, kwh = hour[keep], kwh[keep]
    if not len(kwh) or kwh.mean() <= 0:
        return None
    night = kwh[(hour >= 1) & (hour < 5)]
    return {
        "base_kwh": float(night.mean()) if len(night) else 0.0,
        "base_share": float(night.mean() / kwh.mean()) if len(night) else 0.0,
        "evening_share": float(kwh[(hour >= 16) & (hour < 21)].sum() / kwh.sum()),
    }


def tip_for(months: list[tuple[str, float]], shape: dict | None = None) -> str:
    """One tip chosen from the customer's own pattern: a high night-time base load first (it runs all year),
    then the season their use peaks in, then an evening peak, else the steady-use tip."""
    if shape and shape["base_share"] >= 0.7:
        return TIPS["always_on"].format(base=shape["base_kwh"], share=shape["base_share"])
    by_month = {m[5:]: kwh for m, kwh in months}
    winter = sum(by_month.get(m, 0) for m in ("12", "01", "02"))
    summer = sum(by_month.get(m, 0) for m in ("06", "07", "08"))
    if winter > summer * 1.25:
        return TIPS["winter"]
    if summer > winter * 1.25:
        return TIPS["summer"]
    if shape and shape["evening_share"] >= 0.35:
        return TIPS["evening"].format(share=shape["evening_share"])
    return TIPS["steady"]
