"""Usage for a bill from what the billing job read through the gate: interval readings where the meter has
them for the cycle (summed by local day, so a move or a rate change mid-cycle splits the use exactly, and a
month with a clock change bills its hour more or less), register reads otherwise (the cycle totals in the
customer's `meter_usage` document, entered by staff or imported), and an estimate when neither exists (the
average of the last three actual reads), flagged as estimated so a later actual read trues it up."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from custodian.billing.compute import Usage, cycle_bounds
from custodian.vault.interval_files import LOCAL

ESTIMATE_FROM = 3  # actual reads averaged for an estimate


def _day_starts(cycle: str) -> tuple[list[date], np.ndarray]:
    first, last = cycle_bounds(cycle)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    edges = [int(datetime(d.year, d.month, d.day, tzinfo=LOCAL).timestamp()) for d in days]
    nxt = last + timedelta(days=1)
    edges.append(int(datetime(nxt.year, nxt.month, nxt.day, tzinfo=LOCAL).timestamp()))
    return days, np.array(edges, dtype=np.int64)


_DAY_CACHE: dict[str, tuple[list[date], np.ndarray]] = {}


def daily_from_block(block, cycle: str) -> tuple[dict[date, Decimal], bool]:
    """The block's use per local day, and whether any reading was missing (filled with the mean of the
    block's readings: an estimate)."""
    if cycle not in _DAY_CACHE:
        _DAY_CACHE[cycle] = _day_starts(cycle)
    days, edges = _DAY_CACHE[cycle]
    values = block.values
    missing = bool(np.isnan(values).any())
    if missing:
        mean = float(np.nanmean(values)) if not np.isnan(values).all() else 0.0
        values = np.where(np.isnan(values), mean, values)
    slots = block.start + block.interval * np.arange(len(values), dtype=np.int64)
    index = np.searchsorted(edges, slots, side="right") - 1
    keep = (index >= 0) & (index < len(days))
    sums = np.bincount(index[keep], weights=values[keep], minlength=len(days))
    return {d: Decimal(f"{s:.3f}") for d, s in zip(days, sums, strict=True)}, missing


def register_months(document: str | dict | None, service: str) -> dict[str, dict]:
    """The service's cycle totals from the customer's meter_usage document (its text, or parsed once by a
    caller that needs several services): month -> entry."""
    usage = document if isinstance(document, dict) else json.loads(document or "{}")
    series = usage.get(service) or {}
    return {m["month"]: m for m in series.get("months", []) if "month" in m and "total" in m}


def previous_cycle(cycle: str) -> str:
    first, _ = cycle_bounds(cycle)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def estimate_for(months: dict[str, dict], cycle: str) -> Decimal:
    """The average of the last actual reads before `cycle` (zero when there are none)."""
    actual = [
        Decimal(str(m["total"]))
        for key, m in sorted(months.items())
        if key < cycle and not m.get("estimated")
    ][-ESTIMATE_FROM:]
    return (sum(actual, Decimal(0)) / len(actual)).quantize(Decimal("0.001")) if actual else Decimal("0.000")


def register_usage(months: dict[str, dict], service: str, cycle: str) -> Usage:
    entry = months.get(cycle)
    if entry is None:
        return Usage(service, estimate_for(months, cycle), estimated=True)
    return Usage(service, Decimal(str(entry["total"])), estimated=bool(entry.get("estimated")))


def usage_for(*, service: str, cycle: str, document: str | dict | None, block) -> Usage:
    """One service's usage for the cycle: the interval block if there is one, else the register read."""
    if block is not None:
        daily, missing = daily_from_block(block, cycle)
        return Usage(service, sum(daily.values(), Decimal(0)), estimated=missing, daily=daily)
    return register_usage(register_months(document, service), service, cycle)
