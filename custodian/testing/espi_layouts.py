"""Small ESPI files, written here, for each layout the standard allows: the importer's fixtures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ATOM_OPEN = '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<id>urn:uuid:0</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>\n'
ROOT = "https://utility.example/DataCustodian/espi/1_1/resource"


def entry(resource: str, self_href: str | None = None, up: str | None = None, related=()) -> str:
    links = ""
    if self_href is not None:
        links += f'<link rel="self" href="{self_href}"/>'
    if up is not None:
        links += f'<link rel="up" href="{up}"/>'
    links += "".join(f'<link rel="related" href="{h}"/>' for h in related)
    return (
        f"<entry><id>urn:uuid:1</id>{links}<title>x</title><content>{resource}</content>"
        "<updated>2026-01-01T00:00:00Z</updated></entry>\n"
    )


def usage_point(kind="0") -> str:
    return f'<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>{kind}</kind></ServiceCategory></UsagePoint>'


def reading_type(uom=72, power=0, flow=1, kind=12) -> str:
    return (
        '<ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour>'
        f"<flowDirection>{flow}</flowDirection><kind>{kind}</kind>"
        f"<powerOfTenMultiplier>{power}</powerOfTenMultiplier><uom>{uom}</uom></ReadingType>"
    )


def meter_reading() -> str:
    return '<MeterReading xmlns="http://naesb.org/espi"/>'


def local_time(tz=-21600, dst=3600) -> str:
    return (
        '<LocalTimeParameters xmlns="http://naesb.org/espi"><dstEndRule>B40E2000</dstEndRule>'
        f"<dstOffset>{dst}</dstOffset><dstStartRule>360E2000</dstStartRule><tzOffset>{tz}</tzOffset>"
        "</LocalTimeParameters>"
    )


def interval_block(readings, quality=None) -> str:
    """readings: (start, duration, value)."""
    body = "".join(
        "<IntervalReading>"
        + (f"<ReadingQuality><quality>{quality}</quality></ReadingQuality>" if quality is not None else "")
        + f"<timePeriod><duration>{d}</duration><start>{s}</start></timePeriod>"
        + f"<value>{v}</value></IntervalReading>"
        for s, d, v in readings
    )
    span = readings[-1][0] + readings[-1][1] - readings[0][0] if readings else 0
    first = readings[0][0] if readings else 0
    return (
        f'<IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>{span}</duration>'
        f"<start>{first}</start></interval>{body}</IntervalBlock>"
    )


def hourly(start: int, hours: int, value=lambda i: 1000 + i, step=3600):
    return [(start + step * i, step, value(i)) for i in range(hours)]


def local_days(first: datetime, days: int, value=lambda i: 20_000 + i):
    """Readings of whole local days (23, 24 or 25 hours across a clock change)."""
    out = []
    for i in range(days):
        a = first + timedelta(days=i)
        b = first + timedelta(days=i + 1)
        start = int(a.timestamp())
        out.append((start, int(b.timestamp()) - start, value(i)))
    return out


def billing_months(year: int, months: range, zone: str, value=lambda i: 50 + i):
    tz = ZoneInfo(zone)
    out = []
    for i, m in enumerate(months):
        a = datetime(year, m, 15, tzinfo=tz)
        b = datetime(year + (m == 12), m % 12 + 1, 15, tzinfo=tz)
        out.append((int(a.timestamp()), int(b.timestamp() - a.timestamp()), value(i)))
    return out


def feed(*entries: str) -> bytes:
    return (ATOM_OPEN + "".join(entries) + "</feed>\n").encode()


def one_meter(readings_blocks, *, kind="0", uom=72, power=0, flow=1, up_n=1, relative=False) -> list[str]:
    """A usage point with one meter reading, its reading type and its interval blocks (one entry each)."""
    base = "" if relative else ROOT + "/"
    up = f"{base}RetailCustomer/9/UsagePoint/{up_n}"
    mr = f"{up}/MeterReading/01"
    rt = f"{base}ReadingType/{up_n:02d}"
    out = [
        entry(usage_point(kind), up, f"{base}RetailCustomer/9/UsagePoint", [f"{up}/MeterReading"]),
        entry(meter_reading(), mr, f"{up}/MeterReading", [f"{mr}/IntervalBlock", rt]),
        entry(reading_type(uom, power, flow), rt, f"{base}ReadingType"),
    ]
    out += [
        entry(interval_block(b), f"{mr}/IntervalBlock/{n}", f"{mr}/IntervalBlock")
        for n, b in enumerate(readings_blocks)
    ]
    return out


def several_meter_readings(meters) -> list[str]:
    """Usage point 1 with several meter readings, one per (readings, flow direction, uom, quality code or
    None): each its MeterReading, its ReadingType (`ReadingType/n`) and one IntervalBlock (an entry each)."""
    up = f"{ROOT}/RetailCustomer/9/UsagePoint/1"
    out = [entry(usage_point(), up, f"{ROOT}/RetailCustomer/9/UsagePoint")]
    for n, (readings, flow, uom, quality) in enumerate(meters, start=1):
        mr, rt = f"{up}/MeterReading/{n}", f"{ROOT}/ReadingType/{n}"
        out += [
            entry(meter_reading(), mr, f"{up}/MeterReading", [rt]),
            entry(reading_type(uom=uom, flow=flow), rt),
            entry(interval_block(readings, quality=quality), f"{mr}/IntervalBlock/1", f"{mr}/IntervalBlock"),
        ]
    return out


def hourly_meters(kinds, start: int, hours: int = 30) -> list[str]:
    """`several_meter_readings` of `hours` hourly readings each, meter n's i-th reading 100 × n + i, for
    each (flow direction, uom, quality code or None) of `kinds`."""
    return several_meter_readings(
        (hourly(start, hours, value=lambda i, n=n: 100 * n + i), flow, uom, quality)
        for n, (flow, uom, quality) in enumerate(kinds, start=1)
    )
