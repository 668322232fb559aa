"""What the portal and the mailed report show: a customer's monthly electricity (interval sums where the
meter has them, else billing totals) that their comparison with their group counts (`neighbours`), their
recent days, and what the interval store holds of them.

One module (over 400 lines) on purpose: every view here of a customer's use (the days, the months, the
comparison's months, the data access answer's monthly table) counts the same readings the same way (every
reading once, grid and off the grid: `usage_arrays` for days, a long reading shared between them in
proportion to its time; `use_by_month` for months, a reading whole in the month it starts in), and keeping
them together keeps them from drifting apart."""

import json
from datetime import date, datetime, timedelta

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from custodian.customers.choices import SERVICE_UNITS, Service
from custodian.usage.intervals import (
    PERIODS,
    QUALITY,
    local_seconds,
    month_figure,
    readings_starting_in,
    series_readings,
    split_at,
    usage_arrays,
)
from custodian.usage.services.greenbutton_points import default_period, usage_read
from custodian.usage.services.tips import HOURLY, day_shapes
from custodian.vault.gate import Actor, reveal_intervals
from custodian.vault.interval_files import LOCAL, month_bounds, month_of, months_stored
from custodian.vault.record_tables import coded
from custodian.vault.selectors import ReadingSource, interval_sources

# The series every view of a customer's use reads: each service's grid and its readings off the grid.
USE_SERIES = (*Service.values, *(s + PERIODS for s in Service.values))


def home_use(*, actor: Actor, customer_id: int, client_ip: str = "") -> tuple[dict[str, dict], dict]:
    """The customer's use per service and local month as the comparison counts it ({service: {month:
    amount}}: electricity from its interval readings where the interval store has them, else from its
    billing-cycle totals; gas and water from their billing-cycle totals, as their groups are computed), and
    the shape of their day with each service (`day_shapes`)."""

    start, end = default_period()
    meter_usage, blocks = usage_read(
        actor=actor,
        customer_id=customer_id,
        purpose="providing_services",
        start=start,
        end=end,
        services=USE_SERIES,
        client_ip=client_ip,
    )
    return home_months(meter_usage, blocks), day_shapes(blocks)


def home_months(meter_usage: str | None, blocks) -> dict[str, dict[str, float]]:
    """{service: {month: amount}} as the comparison counts it, from the bills and the electric blocks."""
    return {"electric": electric_months(meter_usage, blocks)} | {
        service: bill_months(meter_usage, service) for service in ("gas", "water")
    }


def bill_months(meter_usage: str | None, service: str) -> dict[str, float]:
    """A service's billing-cycle totals per month (therms, gallons, kWh)."""
    series = json.loads(meter_usage or "{}").get(service, {}).get("months", [])
    return {m["month"]: float(m["total"]) for m in series}


def electric_months(meter_usage: str | None, blocks) -> dict[str, float]:
    """kWh per local month as the comparison counts it: a meter with interval readings by their monthly
    sums (as in the pipeline), otherwise by its billing-cycle totals."""

    if any(b.service in ("electric", "electric" + PERIODS) for b in blocks):
        return use_by_month(blocks, "electric")
    return bill_months(meter_usage, "electric")


def use_by_month(blocks, service: str) -> dict[str, float]:
    """{local month: use} of every reading held of `service` in the blocks, grid and off the grid, each
    counted whole in the month it starts in (`readings_starting_in`), as the retention run's month totals
    and the data access answer's monthly table count it: the monthly totals every view shows."""
    months = sorted(
        {b.month for b in blocks if b.service in (service, service + PERIODS) and np.any(~np.isnan(b.values))}
    )
    used = {}
    for month in months:
        starts, _, values = readings_starting_in(blocks, *month_bounds(month), service)
        if len(starts):
            used[month] = float(values.sum())
    return used


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# The services a home's use is told in, and their units, as the usage page writes them in the reader's
# language.
SERVICE_WORDS = {Service.ELECTRIC: _("Electricity"), Service.GAS: _("Natural gas"), Service.WATER: _("Water")}
UNIT_WORDS = {
    Service.ELECTRIC: SERVICE_UNITS[Service.ELECTRIC],
    Service.GAS: pgettext_lazy("unit", "therms"),
    Service.WATER: pgettext_lazy("unit", "gallons"),
}


def own_usage_read(*, actor: Actor, customer_id: int, start: int, end: int, client_ip: str = "", also=()):
    """A customer's own electricity, gas and water from `start` to `end` (and the windows in `also`), for
    the usage pages: one read through the gate for providing services, one access event."""

    return reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose="providing_services",
        start=start,
        end=end,
        also=also,
        services=USE_SERIES,
        client_ip=client_ip,
    )


def my_usage(*, actor: Actor, customer_id: int, days: int = 30, client_ip: str = "", on: date | None = None):
    """The customer's electricity, gas and water with interval readings, per service: each of `days` local
    days as its total, and the average day hour by hour; one read through the gate (one access event).
    Without `on`, the last `days` days each service has readings for; with `on` (a day the customer chose),
    the `days` days up to it and that day hour by hour. None when no interval reading is held there."""

    if on is not None:
        return _usage_up_to(actor=actor, customer_id=customer_id, days=days, client_ip=client_ip, on=on)
    now = datetime.now(LOCAL)
    end = int(now.timestamp())
    # The months of the last 70 days first: for a meter that reads today they hold the last `days` days, and
    # opening two or three months costs a fifth of opening the thirteen before them. Only when no service's
    # last reading is recent enough for its `days` days to be in them is the whole year read (a second
    # read, logged as one).
    for lookback in (70, 400):
        first = month_bounds(month_of(end - lookback * 86400))[0]  # a read covers whole local months
        blocks = own_usage_read(
            actor=actor, customer_id=customer_id, start=end - lookback * 86400, end=end, client_ip=client_ip
        )
        held = {s: a for s in Service.values if len((a := usage_arrays(blocks, 0, end, s))[0])}
        if any(a[0][-1] - (days + 2) * 86400 >= first for a in held.values()):
            break
    services = []
    for service, (starts, durations, values) in held.items():
        # the day the last reading ends in: a reading over two days counts on both, half on each
        last = datetime.fromtimestamp(int(starts[-1] + durations[-1] - 1), LOCAL).date()
        services.append(_service_days(service, starts, durations, values, last=last, days=days))
    return {"services": services, "on": None} if services else None


def _usage_up_to(*, actor: Actor, customer_id: int, days: int, client_ip: str, on: date):
    """`my_usage` for a chosen day: the `days` local days up to `on`, and `on` hour by hour."""

    first = _midnight(on - timedelta(days=days - 1))
    after = _midnight(on + timedelta(days=1))
    blocks = own_usage_read(actor=actor, customer_id=customer_id, start=first, end=after, client_ip=client_ip)
    services = []
    for service in Service.values:
        starts, durations, values = usage_arrays(blocks, first, after, service)
        if len(starts):
            report = _service_days(service, starts, durations, values, last=on, days=days)
            report["day"] = _hours_of(starts, durations, values, on)
            services.append(report)
    return {"services": services, "on": on} if services else None


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=LOCAL).timestamp())


def _service_days(service: str, starts, durations, values, *, last: date, days: int) -> dict:
    """One service's `days` local days up to `last` (each day's total) and its average day hour by hour
    (None for a meter read less often than hourly)."""

    # A reading longer than a day's part of it (a billing period, a 2-day reading) counts on each day it
    # covers, in proportion to its time there: never whole on every day it touches.
    midnights = [_midnight(last - timedelta(days=k)) for k in range(days + 1, -3, -1)]
    starts, durations, values = split_at(starts, durations, values, midnights)
    # Only readings of those days count: earlier ones are left out before the time-zone conversion (two
    # days' margin covers any UTC offset and a DST change).
    recent = (starts >= _midnight(last) - (days + 1) * 86400) & (starts < _midnight(last) + 2 * 86400)
    starts, durations, values = starts[recent], durations[recent], values[recent]
    local = local_seconds(starts)
    day_index = local // 86400  # local days since 1970-01-01
    last_index = last.toordinal() - EPOCH_ORDINAL
    kept = (day_index > last_index - days) & (day_index <= last_index)
    amount, duration = values[kept], durations[kept]
    indices = day_index[kept]
    daily = {}
    if len(indices):
        first_index = int(indices[0])
        per_day = np.bincount(indices - first_index, weights=amount)
        seen = np.bincount(indices - first_index) > 0
        daily = {
            date.fromordinal(EPOCH_ORDINAL + first_index + i): float(v)
            for i, v in enumerate(per_day.tolist())
            if seen[i]
        }
    hours = None
    # The average day from the readings of an hour or shorter (a reading of days tells nothing of its hours);
    # none when the meter read less often than hourly.
    fine = duration <= HOURLY
    if fine.any():
        hour = (local[kept][fine] % 86400) // 3600
        sums = np.bincount(hour, weights=amount[fine], minlength=24)
        counts = np.bincount(
            hour, weights=duration[fine] / 3600, minlength=24
        )  # four 15-minute readings make one
        profile = np.divide(sums, counts, out=np.zeros(24), where=counts > 0)
        hours = [{"hour": h, "amount": float(profile[h])} for h in range(24)]
    return {
        "service": service,
        "name": SERVICE_WORDS[service],
        "unit": UNIT_WORDS[service],
        "days": [{"date": d, "amount": v} for d, v in sorted(daily.items())],
        "hours": hours,
        "total": sum(daily.values()),
        "first": min(daily) if daily else None,
        "last": max(daily) if daily else last,
    }


def _hours_of(starts, durations, values, day: date) -> dict | None:
    """The local day `day` hour by hour (a day the clock changes has 23 or 25 hours), and its total; None
    when the meter read that day less often than hourly or not at all."""

    begin, after = _midnight(day), _midnight(day + timedelta(days=1))
    starts, durations, values = split_at(starts, durations, values, [begin, after])  # the day's part only
    keep = (starts >= begin) & (starts < after)
    if not keep.any() or int(durations[keep].max()) > HOURLY:
        return None
    slots = (after - begin) // 3600
    sums = np.bincount((starts[keep] - begin) // 3600, weights=values[keep], minlength=slots)
    return {
        "hours": [
            {"hour": datetime.fromtimestamp(begin + i * 3600, LOCAL).hour, "amount": float(v)}
            for i, v in enumerate(sums.tolist())
        ],
        "total": float(values[keep].sum()),
    }


def _every_block_held(*, actor: Actor, customer_id: int, purpose: str, request_id=None, client_ip: str = ""):
    """Every interval block held for the customer, of every month the store holds (one read, one event)."""
    months = months_stored()
    if not months:
        return []
    return reveal_intervals(
        actor=actor,
        customer_id=customer_id,
        purpose=purpose,
        start=month_bounds(months[0])[0],
        end=month_bounds(months[-1])[1],
        request_id=request_id,
        client_ip=client_ip,
    )


def _series_of(blocks) -> list[str]:
    # A series' grid and its `~periods` block are one series here; `~quality` blocks hold codes, not use.
    return sorted({b.service.removesuffix(PERIODS) for b in blocks if not b.service.endswith(QUALITY)})


def monthly_use_held(**read) -> dict[str, dict[str, dict[str, float]]]:
    """{series: {local month: {source: the month's figure}}} of every interval reading held for the customer,
    by where the readings came from (`ReadingSource`: the meter's, a file staff imported, the customer's own
    upload; never one told as another's), for a data access answer's monthly table: the months no bill
    covers too. A month's figure is the one rule for a month of a series (`month_figure`): the use added up
    in the billing unit, a demand series' peak in kW. `read`: as `interval_readings_held`."""
    blocks = _every_block_held(**read)
    sources = interval_sources(customer_id=read["customer_id"], months=sorted({b.month for b in blocks}))
    held: dict[str, dict[str, dict[str, float]]] = {}
    for service in _series_of(blocks):
        values: dict[str, dict[str, list[float]]] = {}
        for b in blocks:
            if b.service not in (service, service + PERIODS):
                continue
            source = sources.get((b.service, b.month), ReadingSource.STAFF_FILE)
            for start, _duration, value in series_readings([b], 0, 2**62, service):
                values.setdefault(month_of(start), {}).setdefault(source, []).append(float(value))
        held[service] = {
            month: {source: month_figure(service, of) for source, of in by_source.items()}
            for month, by_source in values.items()
        }
    return held


# Where readings held came from, as the answer to a customer tells it, the meter's first.
SOURCE_WORDS = {
    ReadingSource.METER: _("the meter"),
    ReadingSource.STAFF_FILE: _("a file staff imported"),
    ReadingSource.UPLOAD: _("your upload"),
}
# The columns of each reading of `interval_readings_held`, in their order.
READING_COLUMNS = (
    ("start", _("Start")),
    ("use", _("Use")),
    ("seconds", _("Length in seconds")),
)


def interval_readings_held(
    *, actor: Actor, customer_id: int, purpose: str, request_id=None, client_ip: str = ""
) -> list[dict]:
    """Every interval reading held for the customer, for a data access answer: per service and per source
    (the meter, a file staff imported, the customer's own upload, `SOURCE_WORDS`: never one told as
    another's), each reading's start in local time with its UTC offset, its value in the billing unit and its
    length in seconds (`READING_COLUMNS`). The source and the columns are each a key beside its words in the
    active language. Read through the gate like any other read; where each block came from from the clear
    columns (nothing more opened)."""

    blocks = _every_block_held(
        actor=actor, customer_id=customer_id, purpose=purpose, request_id=request_id, client_ip=client_ip
    )
    sources = interval_sources(customer_id=customer_id, months=sorted({b.month for b in blocks}))
    held = []
    for service in _series_of(blocks):
        by_source: dict[str, list] = {}
        for b in blocks:
            if b.service in (service, service + PERIODS):
                source = sources.get((b.service, b.month), ReadingSource.STAFF_FILE)
                by_source.setdefault(source, []).extend(series_readings([b], 0, 2**62, service))
        held += [
            {
                "service": service,
                "source": coded(source, SOURCE_WORDS[source]),
                "columns": [coded(key, words) for key, words in READING_COLUMNS],
                "readings": [
                    [datetime.fromtimestamp(s, LOCAL).isoformat(), round(v, 3), d]
                    for s, d, v in sorted(by_source[source])
                ],
            }
            for source in SOURCE_WORDS
            if source in by_source
        ]
    return held


def length_words(seconds: int) -> str:
    """A reading's length as people say it: in minutes, hours or days, whichever counts it whole."""
    if seconds % 86400 == 0:
        return ngettext("%(n)d day", "%(n)d days", seconds // 86400) % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return ngettext("%(n)d hour", "%(n)d hours", seconds // 3600) % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return ngettext("%(n)d minute", "%(n)d minutes", seconds // 60) % {"n": seconds // 60}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def same_days_last_year(month: str, days: int) -> tuple[int, int]:
    """UTC bounds of the first `days` local days of `month` a year earlier (February's 29th folds into 28)."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year - 1, mon, 1, tzinfo=LOCAL)
    last = month_bounds(f"{year - 1}-{mon:02d}")[1]
    return int(start.timestamp()), min(int(start.timestamp()) + days * 86400 + 3600, last)


def year_before(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - 1}-{mon:02d}"


def month_against_last_year(
    *, actor: Actor, customer_id: int, client_ip: str = "", now: datetime | None = None
):
    """This month's use so far against the same days of the same month last year, per service with readings
    (electric, gas, water), for the portal's home: one read through the gate as `actor` (one access event)
    of the last two months and of the same two months a year before (which of them is compared depends on
    the latest month with readings). None when the interval store holds no reading of the last two
    months."""

    now = now or datetime.now(LOCAL)
    end = int(now.timestamp())
    this_month = month_of(end)
    previous = month_of(month_bounds(this_month)[0] - 1)
    blocks = own_usage_read(
        actor=actor,
        customer_id=customer_id,
        client_ip=client_ip,
        start=month_bounds(previous)[0],
        end=end,
        also=[(month_bounds(year_before(previous))[0], month_bounds(year_before(this_month))[1])],
    )
    recent = [b for b in blocks if b.month in (previous, this_month)]
    months = {
        b.month
        for b in recent
        if b.service.removesuffix(PERIODS) in Service.values and np.any(~np.isnan(b.values))
    }
    if not months:
        return None
    month = max(months)
    start, stop = month_bounds(month)
    rows, last_reading = [], start
    for service in Service.values:
        # the month's readings as its monthly total counts them (`use_by_month`)
        starts, durations, values = readings_starting_in(recent, start, min(stop, end), service)
        if len(starts):
            rows.append({"service": service, "unit": UNIT_WORDS[service], "now": float(values.sum())})
            last_reading = max(last_reading, int(starts[-1] + durations[-1] - 1))
    days = (
        datetime.fromtimestamp(last_reading, LOCAL).date() - datetime.fromtimestamp(start, LOCAL).date()
    ).days + 1
    before_start, before_end = same_days_last_year(month, days)
    earlier = [b for b in blocks if b.month == year_before(month)]
    for r in rows:
        starts, _, values = usage_arrays(earlier, before_start, before_end, r["service"])
        r["before"] = float(values.sum()) if len(starts) else None
        change = round(100 * (r["now"] - r["before"]) / r["before"]) if r["before"] else None
        r["change"] = None if change is None else abs(change)
        r["direction"] = "" if change is None else "more" if change > 0 else "less" if change < 0 else "same"
    first = datetime.fromtimestamp(start, LOCAL).date()
    return {
        "month": first,
        "days": days,
        "through": datetime.fromtimestamp(last_reading, LOCAL).date(),
        "whole": month != this_month,
        "rows": rows,
    }
