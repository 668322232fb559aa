"""A customer's usage points for Green Button (Download My Data, the console's download): interval
readings from the interval store where it has them, else the billing-cycle totals sealed in the vault, each
covering its local calendar month; both read through the gate."""

import json
from datetime import datetime

from custodian.usage.greenbutton_export import ReadingColumns, UsagePointExport
from custodian.usage.intervals import reading_arrays
from custodian.vault.gate import Actor, reveal, reveal_intervals
from custodian.vault.interval_files import LOCAL, month_bounds

# Billing units → Green Button units and scale (ESPI values are integers).
_UNITS = {"kWh": ("Wh", 1000, 0), "therm": ("therm", 1, 3), "gal": ("gal", 1, 0)}

SOURCE_TITLES = {"interval": "meter intervals", "billing": "billing periods"}


def default_period(now: datetime | None = None) -> tuple[int, int]:
    """The last 13 whole local months and the current one so far: [start, end) in UTC epoch seconds."""
    now = (now or datetime.now(LOCAL)).astimezone(LOCAL)
    year, month = now.year, now.month - 13
    while month < 1:
        year, month = year - 1, month + 12
    start = datetime(year, month, 1, tzinfo=LOCAL)
    return int(start.timestamp()), int(now.timestamp()) // 3600 * 3600


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
) -> tuple[str | None, list]:
    """A customer's usage through the gate: the billing-cycle totals (`meter_usage`, JSON) and the interval
    blocks of [start, end); two reads, both logged."""
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
    )
    return values.get("meter_usage"), blocks


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
    meter_usage, blocks = usage_read(
        actor=actor,
        customer_id=customer_id,
        purpose=purpose,
        start=start,
        end=end,
        request_id=request_id,
        client_ip=client_ip,
    )
    usage = json.loads(meter_usage or "{}")
    points = []
    for service, series in sorted(usage.items()):
        unit, factor, power = _UNITS.get(series.get("unit"), (None, 1, 0))
        if unit is None:
            continue
        starts, durations, values = reading_arrays(blocks, start, end, service)
        readings = ReadingColumns(starts, durations, values * factor)
        kind = "interval"
        if not readings:
            kind, readings = "billing", []
            for month in series.get("months", []):
                month_start, month_end = month_bounds(month["month"])
                duration = month_end - month_start
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
