"""A customer's usage as Green Button data, read through the gate.

Today the usage Custodian holds per customer is the billing-cycle totals (13 months per service) sealed in
the vault; each total becomes one reading covering its local calendar month. Interval data joins the same
export when the interval store is in place.
"""

import json
from datetime import datetime

from custodian.customers.models import Customer
from custodian.usage.comparison import group_aggregates
from custodian.usage.greenbutton_export import CHICAGO, UsagePointExport
from custodian.usage.intervals import readings_between
from custodian.usage.models import PeerGroupMember, PeerGroupMonth
from custodian.vault.gate import Actor, reveal, reveal_intervals
from custodian.vault.interval_files import LOCAL, month_bounds, months_stored

# Billing units → Green Button units and scale (ESPI values are integers).
_UNITS = {"kWh": ("Wh", 1000, 0), "therm": ("therm", 1, 3), "gal": ("gal", 1, 0)}


def _month_span(month: str) -> tuple[int, int]:
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=CHICAGO)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=CHICAGO)
    return int(start.timestamp()), int((end - start).total_seconds())


SOURCE_TITLES = {"interval": "meter intervals", "billing": "billing periods"}


def default_period(now: datetime | None = None) -> tuple[int, int]:
    """The last 13 whole local months and the current one so far: [start, end) in UTC epoch seconds."""
    now = (now or datetime.now(CHICAGO)).astimezone(CHICAGO)
    year, month = now.year, now.month - 13
    while month < 1:
        year, month = year - 1, month + 12
    start = datetime(year, month, 1, tzinfo=CHICAGO)
    return int(start.timestamp()), int(now.timestamp()) // 3600 * 3600


def usage_points_for(
    *,
    actor: Actor,
    customer_id: int,
    purpose: str,
    start: int | None = None,
    end: int | None = None,
    request_id=None,
    client_ip: str = "",
):
    """The customer's usage points with their readings in [start, end) (default: `default_period`): interval
    readings where the interval store has them, else the billing-cycle totals of the months inside the
    period. Raises gate.Denied like any read; both reads are logged."""

    if start is None or end is None:
        start, end = default_period()
    values = reveal(
        actor=actor,
        customer_id=customer_id,
        fields=["meter_usage"],
        purpose=purpose,
        request_id=request_id,
        client_ip=client_ip,
    )
    blocks = reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose=purpose,
        start=start,
        end=end,
        request_id=request_id,
        client_ip=client_ip,
    )
    usage = json.loads(values.get("meter_usage") or "{}")
    points = []
    for service, series in sorted(usage.items()):
        unit, factor, power = _UNITS.get(series.get("unit"), (None, 1, 0))
        if unit is None:
            continue
        readings = [(s, d, v * factor) for s, d, v in readings_between(blocks, start, end, service)]
        kind = "interval"
        if not readings:
            kind = "billing"
            for month in series.get("months", []):
                month_start, duration = _month_span(month["month"])
                if start <= month_start and month_start + duration <= end:
                    readings.append((month_start, duration, float(month["total"]) * factor))
        points.append(
            UsagePointExport(
                key=service,
                title=f"{service.title()} service ({SOURCE_TITLES[kind]})",
                service=service,
                unit=unit,
                readings=readings,
                power_of_ten=power,
            )
        )
    return points


def store_group_aggregates(data, computed: tuple | None = None) -> int:
    """Replace the stored peer groups with a fresh computation (re-runnable): each eligible home's group, and
    the monthly aggregates of the groups that may be shown. `data` is a comparison.ComparisonData;
    `computed` the (groups, members) already computed from it, if any."""
    from django.db import transaction

    rows, members = computed or group_aggregates(data)
    with transaction.atomic():
        PeerGroupMonth.objects.all().delete()
        PeerGroupMember.objects.all().delete()
        PeerGroupMonth.objects.bulk_create(
            [
                PeerGroupMonth(
                    peer_group=r[0],
                    premise_type=r[1],
                    heating_fuel=r[2],
                    area=r[3],
                    size_band=r[4],
                    month=r[5],
                    homes=r[6],
                    average_kwh=r[7],
                    efficient_kwh=r[8],
                )
                for r in rows
            ],
            batch_size=2000,
        )
        known = set(Customer.objects.filter(pk__in=[m[0] for m in members]).values_list("pk", flat=True))
        PeerGroupMember.objects.bulk_create(
            [PeerGroupMember(customer_id=cid, peer_group=group) for cid, group in members if cid in known],
            batch_size=2000,
        )
    return len(rows)


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
    """The shape of the customer's day over their last three months of hourly electric readings: the
    night-time base load (1–5 am) and the share of use between 4 and 9 pm. None without interval readings."""
    import numpy as np

    electric = sorted(
        (b for b in blocks if b.service == "electric" and b.interval == 3600), key=lambda b: b.start
    )
    hours, values = [], []
    for b in electric[-3:]:
        middle = datetime.fromtimestamp(b.start + b.interval * len(b.values) // 2, LOCAL)
        offset = int(middle.utcoffset().total_seconds())  # an hour off for part of a DST month: fine here
        starts = b.start + b.interval * np.arange(len(b.values))
        hours.append(((starts + offset) // 3600) % 24)
        values.append(b.values)
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


def electric_use(
    *, actor: Actor, customer_id: int, client_ip: str = ""
) -> tuple[dict[str, float], dict | None]:
    """The customer's electricity per local month, as the comparison counts it (the sum of the month's
    interval readings where the interval store has them, else the month's billing-cycle total), and the
    shape of their day (`day_shape`)."""

    start, end = default_period()
    values = reveal(
        actor=actor,
        customer_id=customer_id,
        fields=["meter_usage"],
        purpose="providing_services",
        client_ip=client_ip,
    )
    blocks = reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose="providing_services",
        start=start,
        end=end,
        services=["electric"],
        client_ip=client_ip,
    )
    return electric_months(values.get("meter_usage"), blocks), day_shape(blocks)


def electric_months(meter_usage: str | None, blocks) -> dict[str, float]:
    """kWh per local month as the comparison counts it: a meter with interval readings by their monthly
    sums (as in the pipeline), otherwise by its billing-cycle totals."""
    import numpy as np

    electric = [b for b in blocks if b.service == "electric"]
    if electric:
        return {b.month: float(np.nansum(b.values)) for b in electric}
    series = json.loads(meter_usage or "{}").get("electric", {}).get("months", [])
    return {m["month"]: float(m["total"]) for m in series}


def comparison_report(months: dict[str, float], groups: dict, shape: dict | None = None) -> dict | None:
    """A customer's report from their monthly use and their group's stored months (PeerGroupMonth by month):
    the last 12 months that may be shown, the latest rating and a tip; None when no month may be shown."""
    rows = []
    for month, kwh in sorted(months.items())[-12:]:
        g = groups.get(month)
        if g is None:
            continue
        rating = (
            "great"
            if kwh <= g.efficient_kwh
            else "good"
            if kwh <= g.average_kwh
            else "using more than average"
        )
        rows.append(
            {
                "month": month,
                "you": kwh,
                "average": g.average_kwh,
                "efficient": g.efficient_kwh,
                "homes": g.homes,
                "rating": rating,
            }
        )
    if not rows:
        return None
    top = max(max(r["you"], r["average"]) for r in rows) or 1
    for i, r in enumerate(rows):
        r.update(
            x=i * 48,
            you_h=round(140 * r["you"] / top),
            avg_h=round(140 * r["average"] / top),
            eff_h=round(140 * r["efficient"] / top),
        )
    tip = tip_for(sorted(months.items())[-12:], shape)
    return {"rows": rows, "latest": rows[-1], "tip": tip, "chart_w": 48 * len(rows)}


def group_months_of(customer_ids) -> dict[int, dict]:
    """Each customer's group's stored months ({month: PeerGroupMonth}); those without one are left out."""

    membership = dict(
        PeerGroupMember.objects.filter(customer_id__in=list(customer_ids)).values_list(
            "customer_id", "peer_group"
        )
    )
    by_group: dict[str, dict] = {}
    for g in PeerGroupMonth.objects.filter(peer_group__in=set(membership.values())):
        by_group.setdefault(g.peer_group, {})[g.month] = g
    return {cid: by_group[group] for cid, group in membership.items() if group in by_group}


def my_comparison(*, actor: Actor, customer_id: int, client_ip: str = ""):
    """The customer's last 12 months against their peer group, or None when no comparison may be shown."""
    groups = group_months_of([customer_id]).get(customer_id)
    if not groups:
        return None
    months, shape = electric_use(actor=actor, customer_id=customer_id, client_ip=client_ip)
    return comparison_report(months, groups, shape)


def my_usage(*, actor: Actor, customer_id: int, days: int = 30, client_ip: str = ""):
    """The customer's electricity over the last `days` local days they have interval data for: daily totals
    and the average day hour by hour, scaled for an SVG chart. None when no interval data is held."""
    import numpy as np

    now = datetime.now(CHICAGO)
    end = int(now.timestamp())
    blocks = reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose="providing_services",
        start=end - 400 * 86400,
        end=end,
        services=["electric"],
        client_ip=client_ip,
    )
    readings = readings_between(blocks, 0, end, "electric")
    if not readings:
        return None
    last = datetime.fromtimestamp(readings[-1][0], CHICAGO).date()
    daily: dict = {}
    hours = np.zeros(24)
    counts = np.zeros(24)
    for start, _, kwh in readings:
        local = datetime.fromtimestamp(start, CHICAGO)
        if (last - local.date()).days >= days:
            continue
        daily[local.date()] = daily.get(local.date(), 0.0) + kwh
        hours[local.hour] += kwh
        counts[local.hour] += 1
    profile = np.divide(hours, counts, out=np.zeros(24), where=counts > 0)
    top_day = max(daily.values()) or 1
    top_hour = float(profile.max()) or 1
    return {
        "days": [
            {"date": d, "kwh": v, "x": i * 18, "h": round(120 * v / top_day)}
            for i, (d, v) in enumerate(sorted(daily.items()))
        ],
        "hours": [
            {"hour": h, "kwh": float(profile[h]), "x": h * 18, "h": round(120 * float(profile[h]) / top_hour)}
            for h in range(24)
        ],
        "total": sum(daily.values()),
        "first": min(daily),
        "last": last,
        "days_w": 18 * len(daily),
    }


def interval_readings_held(
    *, actor: Actor, customer_id: int, purpose: str, request_id=None, client_ip: str = ""
) -> list[dict]:
    """Every interval reading held for the customer, per service, for a data access answer: (start in local
    time with its UTC offset, value in the billing unit). Read through the gate like any other read."""

    months = months_stored()
    if not months:
        return []
    blocks = reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose=purpose,
        start=month_bounds(months[0])[0],
        end=month_bounds(months[-1])[1],
        request_id=request_id,
        client_ip=client_ip,
    )

    held = []
    for service in sorted({b.service for b in blocks}):
        readings = readings_between(blocks, 0, 2**62, service)
        held.append(
            {
                "service": service,
                "interval_seconds": sorted({d for _, d, _ in readings}),
                "readings": [
                    [datetime.fromtimestamp(s, CHICAGO).isoformat(), round(v, 3)] for s, _, v in readings
                ],
            }
        )
    return held
