"""A customer's usage points for Green Button (Download My Data, the console's download): every usage point
and series the interval store holds (forward, net and reverse flow, demand, billing periods, reading
quality), and, for a service with none, the billing-cycle totals sealed in the vault, each covering its
local calendar month; both read through the gate. The readings the utility's meters did not read (a Green
Button file's: the customer's own upload, a file staff imported) are marked as such; a Connect My Data third
party's read leaves them sealed (`collected_by`)."""

import json
import re
from datetime import datetime

from django.utils.translation import gettext, pgettext, pgettext_lazy

from custodian.policy.loader import current_policy
from custodian.usage.greenbutton_export import MeterReadingExport, ReadingColumns, UsagePointExport
from custodian.usage.intervals import (
    METERED_SERVICES,
    PERIODS,
    QUALITY,
    UNIT_TO_BILLING,
    metered_units_of,
    point_key,
    quality_codes,
    reading_arrays,
    series_parts,
    series_readings,
)
from custodian.vault.choices import METER_READINGS
from custodian.vault.gate import Actor, reveal, reveal_intervals
from custodian.vault.interval_files import LOCAL, block_index, month_bounds
from custodian.vault.selectors import interval_channels

# Billing units → Green Button units and scale (ESPI values are integers).
_UNITS = {"kWh": ("Wh", 1000, 0), "therm": ("therm", 1, 3), "gal": ("gal", 1, 0)}

# A usage point's service as its title names it, in the download's language (the customer's, in the portal).
SERVICE_TITLES = {
    "electric": pgettext_lazy("a Green Button usage point's service", "Electric"),
    "gas": pgettext_lazy("a Green Button usage point's service", "Gas"),
    "water": pgettext_lazy("a Green Button usage point's service", "Water"),
}


def point_title(service: str, source: str, number: int = 1) -> str:
    """A usage point's title in the active language: its service, its number when the service has several,
    and where its readings come from (`source`: "interval", the meter's intervals; "billing", the billing
    periods' totals; "bills", only the bills' summaries): "Electric service (meter intervals)"."""
    words = {"service": SERVICE_TITLES.get(service, service.title()), "number": number}
    if source == "billing":
        return gettext("%(service)s service (billing periods)") % words
    if source == "bills":
        return gettext("%(service)s service (bills)") % words
    if number > 1:
        return gettext("%(service)s service, usage point %(number)d (meter intervals)") % words
    return gettext("%(service)s service (meter intervals)") % words


def default_period(now: datetime | None = None) -> tuple[int, int]:
    """The last 13 whole local months and the current one so far: [start, end) in UTC epoch seconds."""
    now = (now or datetime.now(LOCAL)).astimezone(LOCAL)
    year, month = now.year, now.month - 13
    while month < 1:
        year, month = year - 1, month + 12
    start = datetime(year, month, 1, tzinfo=LOCAL)
    return int(start.timestamp()), int(now.timestamp()) // 3600 * 3600


def green_button_file_name(*, fmt: str, start: int | None = None, end: int | None = None) -> str:
    """A download's file name: the utility, "Green_Button" and the local days it covers (default:
    `default_period`), nothing of the customer: `Owatonna_Public_Utilities_Green_Button_2025-10-01_to_
    2026-11-26.xml`."""
    if start is None or end is None:
        start, end = default_period()
    first = datetime.fromtimestamp(start, LOCAL).date()
    last = datetime.fromtimestamp(end - 1, LOCAL).date()
    utility = re.sub(r"[^A-Za-z0-9]+", "_", current_policy().utility["name"]).strip("_")
    return f"{utility}_Green_Button_{first.isoformat()}_to_{last.isoformat()}.{fmt}"


def usage_read(
    *,
    actor: Actor,
    customer_id: int,
    purpose: str,
    start: int,
    end: int,
    services=None,
    request_id=None,
    client_ip="",
    collected_by: frozenset[str] | None = None,
) -> tuple[str | None, list]:
    """A customer's usage through the gate: the billing-cycle totals (`meter_usage`, JSON) and the interval
    blocks of [start, end) (only those collected by `collected_by`'s channels, when given); two reads, both
    logged."""
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
        services=services,
        request_id=request_id,
        client_ip=client_ip,
        collected_by=collected_by,
    )
    return values.get("meter_usage"), blocks


def usage_points_held(*, fetched_by: Actor, customer_id: int) -> dict[str, list[str]]:
    """Service → the customer's usage points that hold interval readings, in order (`electric`,
    `electric#2`, …). From the interval store's clear columns only, as the retention run counts them: which
    meters have readings, never a reading, so nothing is opened and no read is logged. For the customer
    themself and their representative whose authority covers the meter usage; none for anyone else, as for
    a customer without readings, decided without a query."""
    if not fetched_by.reads_own(customer_id, category="meter_usage"):
        return {}
    numbers: dict[str, set[int]] = {}
    for _, key, *_rest in block_index(customer_ids=[customer_id]):
        parts = series_parts(key.split(".")[0])
        numbers.setdefault(parts["service"], set()).add(parts["point"])
    return {service: [point_key(service, n) for n in sorted(found)] for service, found in numbers.items()}


def usage_points_for(
    *,
    actor: Actor,
    customer_id: int,
    purpose: str,
    start: int | None = None,
    end: int | None = None,
    request_id=None,
    client_ip: str = "",
    units: str = "metered",
    collected_by: frozenset[str] | None = None,
):
    """The customer's usage points with their readings in [start, end) (default: `default_period`): interval
    readings where the interval store has them, else the billing-cycle totals of the months inside the
    period. Gas and water come in the unit their meter reads (`units="metered"`, where an imported file said
    it), or in therms and gallons with the factor stated (`units="billing"`). Each reading the utility's
    meters did not read is marked (`from_file`); with `collected_by` (a Connect My Data third
    party's read: `vault.choices.METER_READINGS`) only the blocks collected by those channels are opened.
    Raises gate.Denied like any read; both reads are logged."""

    if start is None or end is None:
        start, end = default_period()
    meter_usage, blocks = usage_read(
        actor=actor,
        customer_id=customer_id,
        purpose=purpose,
        start=start,
        end=end,
        request_id=request_id,
        client_ip=client_ip,
        collected_by=collected_by,
    )
    usage = json.loads(meter_usage or "{}")
    from_file = _from_files(customer_id, blocks)
    points = _stored_points(
        blocks, start, end, metered_units_of(customer_id), convert=units == "billing", from_file=from_file
    )
    for service, series in sorted(usage.items()):
        unit, factor, power = _UNITS.get(series.get("unit"), (None, 1, 0))
        if unit is None or any(p.service == service for p in points):
            continue
        readings = []
        for month in series.get("months", []):
            month_start, month_end = month_bounds(month["month"])
            duration = month_end - month_start
            if start <= month_start and month_start + duration <= end:
                readings.append((month_start, duration, float(month["total"]) * factor))
        points.append(
            UsagePointExport(
                key=service,
                title=point_title(service, "billing"),
                service=service,
                unit=unit,
                readings=readings,
                power_of_ten=power,
            )
        )
    return sorted(points, key=lambda p: (p.service, p.key))


# Stored units (the service's billing unit) → Green Button unit, factor and scale; demand is kept in kW.
_SERIES_UNITS = {
    ("electric", False): ("Wh", 1000, 0),
    ("electric", True): ("W", 1000, 0),
    ("gas", False): ("therm", 1, 3),
    ("water", False): ("gal", 1, 3),
}
_FLOW_TITLES = {
    1: pgettext_lazy("a Green Button series", "delivered to the customer"),
    4: pgettext_lazy("a Green Button series", "net"),
    19: pgettext_lazy("a Green Button series", "received from the customer"),
}
_DEMAND = pgettext_lazy("a Green Button series", "demand")


# How a metered unit is named where a conversion is stated.
_UNIT_WORDS = {
    "ft3": pgettext_lazy("a unit a Green Button conversion names", "cubic feet"),
    "m3": pgettext_lazy("a unit a Green Button conversion names", "cubic metres"),
    "gal": pgettext_lazy("a unit a Green Button conversion names", "gallons"),
    "therm": pgettext_lazy("a unit a Green Button conversion names", "therms"),
}
_CCF = ("ft3", 2)  # hundred cubic feet: ft³ with powerOfTenMultiplier 2
_ONE_UNIT = {
    "ft3": pgettext_lazy("a unit a Green Button conversion names", "cubic foot"),
    "m3": pgettext_lazy("a unit a Green Button conversion names", "cubic metre"),
    "gal": pgettext_lazy("a unit a Green Button conversion names", "gallon"),
    "therm": pgettext_lazy("a unit a Green Button conversion names", "therm"),
}


def unit_words(unit: str, power: int) -> str:
    """A metered unit in words of the active language: `CCF (hundred cubic feet)`, `cubic metres`, … (any
    other scale is the meter's resolution, not its unit)."""
    if (unit, power) == _CCF:
        return pgettext("a unit a Green Button conversion names", "CCF (hundred cubic feet)")
    return str(_UNIT_WORDS.get(unit, unit))


def _in_metered_unit(service: str, unit: str, metered, convert: bool):
    """(unit, factor from the stored value, scale, conversion words) for a gas or water series whose meter
    reads another unit than the store keeps: back in the metered unit and its scale, or, when `convert`,
    left in the billing unit with the factor stated. None when nothing changes."""
    if metered is None or service not in METERED_SERVICES or metered[0] == unit:
        return None
    metered_unit, power = metered
    per_unit = UNIT_TO_BILLING.get((service, metered_unit))
    if per_unit is None:
        return None
    if convert:
        ccf = (metered_unit, power) == _CCF
        factor, each = (per_unit * 100, "CCF") if ccf else (per_unit, _ONE_UNIT[metered_unit])
        words = gettext("converted from %(metered)s at %(factor)s %(unit)s per %(each)s") % {
            "metered": unit_words(metered_unit, power),
            "factor": f"{factor:.6g}",
            "unit": _UNIT_WORDS[unit],
            "each": each,
        }
        return unit, 1, None, words
    return metered_unit, 1 / per_unit, -power, ""


def _from_files(customer_id: int, blocks) -> set[tuple[str, str]]:
    """(series, month) of the blocks read that the utility's meters did not read (a Green Button file's), from
    the store's clear columns (nothing opened)."""
    if not blocks:
        return set()
    channels = interval_channels(customer_id=customer_id, months=sorted({b.month for b in blocks}))
    return {key for key, channel in channels.items() if channel not in METER_READINGS}


def _starts_in(blocks, from_file: set[tuple[str, str]], start: int, end: int, key: str) -> frozenset[int]:
    """The starts of the series' readings in [start, end) that lie in blocks from a file."""
    files = [b for b in blocks if (b.service, b.month) in from_file]
    return frozenset(s for s, _, _ in series_readings(files, start, end, key))


def _stored_points(
    blocks, start: int, end: int, metered=None, convert=False, from_file=frozenset()
) -> list[UsagePointExport]:
    """Every usage point the interval store holds for the customer, each with all its series (forward, net
    and reverse flow, demand; grid and billing-period readings; reading quality), whatever services the
    customer's account lists; gas and water in their metered unit (`metered`: usage point → unit and scale)
    unless `convert`, when they stay in therms and gallons with the factor stated; the readings of blocks
    from a file (`from_file`: (series, month)) marked as such."""
    metered = metered or {}
    keys = sorted({b.service.removesuffix(PERIODS) for b in blocks if not b.service.endswith(QUALITY)})
    by_point: dict[tuple[str, int], list] = {}
    for key in keys:
        parts = series_parts(key.split(".")[0])
        units = _SERIES_UNITS.get((parts["service"], parts["demand"]))
        if units is None:
            continue
        unit, factor, power = units
        conversion = ""
        changed = _in_metered_unit(
            parts["service"], unit, metered.get(point_key(parts["service"], parts["point"])), convert
        )
        if changed is not None:
            unit, factor, scale, conversion = changed
            power = power if scale is None else scale
        if any(b.service == key + PERIODS for b in blocks):
            readings = [(s, d, v * factor) for s, d, v in series_readings(blocks, start, end, key)]
        else:  # grid readings only: kept as arrays from the store to the feed
            starts, durations, values = reading_arrays(blocks, start, end, key)
            readings = ReadingColumns(starts, durations, values * factor)
        if not len(readings):
            continue
        qualities = quality_codes(blocks, start, end, key)
        title = str(_DEMAND if parts["demand"] else _FLOW_TITLES[parts["flow"]]) + (
            f" ({key.split('.')[1]})" if "." in key else ""
        )
        by_point.setdefault((parts["service"], parts["point"]), []).append(
            (
                parts["flow"] != 1 or parts["demand"] or "." in key,
                MeterReadingExport(
                    unit=unit,
                    readings=readings,
                    power_of_ten=power,
                    flow_direction=parts["flow"],
                    title=title,
                    qualities=qualities,
                    conversion=conversion,
                    from_file=_starts_in(blocks, from_file, start, end, key) if from_file else frozenset(),
                ),
            )
        )
    points = []
    for (service, number), series in sorted(by_point.items()):
        series.sort(key=lambda item: item[0])
        first, more = series[0][1], [m for _, m in series[1:]]
        if first.flow_direction != 1 or series[0][0]:
            first, more = MeterReadingExport(unit=first.unit, power_of_ten=first.power_of_ten), [first, *more]
        points.append(
            UsagePointExport(
                key=point_key(service, number),
                title=point_title(service, "interval", number),
                service=service,
                unit=first.unit,
                readings=first.readings,
                power_of_ten=first.power_of_ten,
                more=more,
                qualities=first.qualities,
                conversion=first.conversion,
                from_file=first.from_file,
            )
        )
    return points
