"""A customer's usage as Green Button data, read through the gate.

Today the usage Custodian holds per customer is the billing-cycle totals (13 months per service) sealed in
the vault; each total becomes one reading covering its local calendar month. Interval data joins the same
export when the interval store is in place.
"""

import json
from datetime import datetime

from custodian.usage.greenbutton_export import CHICAGO, UsagePointExport
from custodian.vault.gate import Actor, reveal

# Billing units → Green Button units and scale (ESPI values are integers).
_UNITS = {"kWh": ("Wh", 1000, 0), "therm": ("therm", 1, 3), "gal": ("gal", 1, 0)}


def _month_span(month: str) -> tuple[int, int]:
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=CHICAGO)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=CHICAGO)
    return int(start.timestamp()), int((end - start).total_seconds())


def usage_points_for(*, actor: Actor, customer_id: int, purpose: str, request_id=None, client_ip: str = ""):
    """The customer's usage points with their readings; raises gate.Denied like any read."""
    values = reveal(
        actor=actor,
        customer_id=customer_id,
        fields=["meter_usage"],
        purpose=purpose,
        request_id=request_id,
        client_ip=client_ip,
    )
    usage = json.loads(values.get("meter_usage") or "{}")
    points = []
    for service, series in sorted(usage.items()):
        unit, factor, power = _UNITS.get(series.get("unit"), (None, 1, 0))
        if unit is None:
            continue
        readings = []
        for month in series.get("months", []):
            start, duration = _month_span(month["month"])
            readings.append((start, duration, float(month["total"]) * factor))
        points.append(
            UsagePointExport(
                key=service,
                title=f"{service.title()} service",
                service=service,
                unit=unit,
                readings=readings,
                power_of_ten=power,
            )
        )
    return points
