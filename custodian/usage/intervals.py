"""Interval readings: from imported Green Button readings to sealed monthly blocks, and from blocks (opened by
the gate) back to readings and to the hourly table the comparison pipeline reads.

A block holds one local calendar month on a regular grid that starts at the month's first instant, so a
month has 743, 744 or 745 hourly slots across the DST changes and a 15-minute month four times as many.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from django.core.exceptions import PermissionDenied

from custodian.policy.loader import current_policy
from custodian.usage.greenbutton_import import (
    ImportResult,
    Problem,
    Reading,
    parse_espi,
    parse_green_button_csv,
)
from custodian.vault.gate import policy_decision, reveal_intervals, staff_actor, system_actor
from custodian.vault.interval_files import IntervalBlock, month_bounds, month_of
from custodian.vault.services import Submission, interval_blocks_record

# Interval data is at most daily; longer readings are billing periods, not intervals.
MAX_INTERVAL = 86_400
# Green Button units → (service, factor to the service's billing unit). Gas by volume is converted at
# 1.037 therms per hundred cubic feet (the US average heat content); water by volume at 7.48052 gal/ft³.
UNIT_TO_BILLING = {
    ("electric", "Wh"): 0.001,
    ("gas", "therm"): 1.0,
    ("gas", "ft3"): 0.01037,
    ("gas", "m3"): 0.01037 * 35.3147,
    ("water", "gal"): 1.0,
    ("water", "ft3"): 7.48052,
    ("water", "m3"): 264.172,
}
RECEIVED = {19: "received"}  # reverse flow: energy the customer's own generation sent to the grid


@dataclass
class UsageImportSummary:
    readings_stored: int = 0
    blocks_written: int = 0
    months: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: str = ""


def series_key(service: str, flow_direction: int) -> str:
    """Forward and net readings are the service's use; reverse flow is kept apart as `<service>_received`."""
    suffix = RECEIVED.get(flow_direction)
    return f"{service}_{suffix}" if suffix else service


def _grid(month: str, interval: int) -> tuple[int, int]:
    start, end = month_bounds(month)
    return start, (end - start) // interval


def blocks_from_readings(
    customer_id: int, readings: Iterable[Reading], services: dict[str, str], existing: Sequence[IntervalBlock]
) -> tuple[list[IntervalBlock], list[Problem], int]:
    """Blocks holding `existing` overlaid with the new readings (a new reading replaces the old one in its
    slot). Returns (blocks, problems, readings placed)."""
    problems: list[Problem] = []
    unreadable: Counter = (
        Counter()
    )  # (unit, service) → readings skipped: one problem each, not one per reading
    grouped: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for r in readings:
        service = services.get(r.usage_point)
        factor = UNIT_TO_BILLING.get((service, r.unit))
        if factor is None:
            unreadable[(r.unit, service or "unknown")] += 1
            continue
        if r.duration > MAX_INTERVAL:
            continue  # billing-period totals are not interval data
        grouped[(series_key(service, r.flow_direction), month_of(r.start))].append(
            (r.start, r.duration, r.value * factor)
        )
    problems += [
        Problem(
            None, f"{n} readings in {unit} on the {service} usage point: not a unit for {service}, skipped"
        )
        for (unit, service), n in sorted(unreadable.items())
    ]
    old = {(b.service, b.month): b for b in existing}
    blocks, placed = [], 0
    for (key, month), items in sorted(grouped.items()):
        interval = Counter(d for _, d, _ in items).most_common(1)[0][0]
        start, count = _grid(month, interval)
        values = np.full(count, np.nan)
        previous = old.get((key, month))
        if previous is not None and previous.interval == interval and previous.start == start:
            values[: len(previous.values)] = previous.values[:count]
        off_grid = []
        for at, duration, value in items:
            slot, offset = divmod(at - start, interval)
            if duration != interval or offset or not 0 <= slot < count:
                off_grid.append(at)
                continue
            values[slot] = value
            placed += 1
        if off_grid:
            problems.append(
                Problem(
                    None,
                    f"{len(off_grid)} {key} readings of {month} are off its {interval}s grid (first at "
                    f"{off_grid[0]}): skipped",
                )
            )
        blocks.append(IntervalBlock(customer_id, key, month, start, interval, values))
    return blocks, problems, placed


def may_import_usage(user) -> bool:
    """Staff whose support services provide utility services with meter usage (field services, customer
    service) import readings."""
    return policy_decision(current_policy(), staff_actor(user), "providing_services", ["meter_usage"]).allowed


def usage_import(
    *, customer_id: int, result: ImportResult, submission: Submission, imported_by, client_ip: str = ""
) -> UsageImportSummary:
    """Store the valid readings of a parsed Green Button file for a customer, merged with what is held, as
    the `usage_import` job on behalf of `imported_by` (a staff member who may import usage).

    A file that could not be read to its end stores nothing: half a file is never imported silently."""
    if imported_by is None or not may_import_usage(imported_by):
        raise PermissionDenied("only staff who provide utility services with meter usage import readings")
    summary = UsageImportSummary(problems=list(result.problems))
    if not result.complete:
        summary.refused = "the file is incomplete or was refused; nothing was stored"
        return summary
    if not result.readings:
        summary.refused = "the file holds no readings"
        return summary
    first = min(r.start for r in result.readings)
    last = max(r.start + r.duration for r in result.readings)
    existing = reveal_intervals(
        actor=system_actor("usage_import", on_behalf_of=imported_by),
        customer_id=customer_id,
        purpose="providing_services",
        start=first,
        end=last,
        client_ip=client_ip,
    )
    blocks, problems, placed = blocks_from_readings(
        customer_id, result.readings, result.usage_points, existing
    )
    summary.problems += problems
    if blocks:
        summary.blocks_written = interval_blocks_record(blocks=blocks, submission=submission)
    summary.readings_stored = placed
    summary.months = sorted({b.month for b in blocks})
    return summary


def reading_arrays(
    blocks: Iterable[IntervalBlock], start: int, end: int, service: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`readings_between` as three arrays (starts, durations, values), for callers that sum or scale
    thousands of readings without a Python object per reading."""
    starts, durations, values = [], [], []
    for b in sorted((b for b in blocks if b.service == service), key=lambda b: b.start):
        at = b.start + b.interval * np.arange(len(b.values), dtype=np.int64)
        keep = (at >= start) & (at + b.interval <= end) & ~np.isnan(b.values)
        starts.append(at[keep])
        durations.append(np.full(int(keep.sum()), b.interval, dtype=np.int64))
        values.append(b.values[keep])
    if not starts:
        return np.array([], np.int64), np.array([], np.int64), np.array([], np.float64)
    return np.concatenate(starts), np.concatenate(durations), np.concatenate(values)


def readings_between(blocks: Iterable[IntervalBlock], start: int, end: int, service: str):
    """(start, duration, value) of every reading of `service` inside [start, end), in time order."""
    starts, durations, values = reading_arrays(blocks, start, end, service)
    return list(zip(starts.tolist(), durations.tolist(), values.tolist(), strict=True))


def hourly_table(blocks: Iterable[IntervalBlock], service: str = "electric"):
    """An Arrow table (customer_id, ts TIMESTAMPTZ UTC, kwh) of the blocks' readings summed to hours, for
    DuckDB or Spark. Sub-hourly readings are added up; missing ones are left out."""

    ids, stamps, values = [], [], []
    for b in blocks:
        if b.service != service:
            continue
        starts = b.start + b.interval * np.arange(len(b.values))
        keep = ~np.isnan(b.values)
        hours, vals = starts[keep] // 3600 * 3600, b.values[keep]
        if b.interval < 3600 and len(hours):
            hours, index = np.unique(hours, return_inverse=True)
            vals = np.bincount(index, weights=vals)
        ids.append(np.full(len(hours), b.customer_id, dtype=np.int64))
        stamps.append(hours.astype("datetime64[s]"))
        values.append(vals)
    if not ids:
        ids, stamps, values = [np.array([], np.int64)], [np.array([], "datetime64[s]")], [np.array([])]
    return pa.table(
        {
            "customer_id": pa.array(np.concatenate(ids)),
            "ts": pa.array(np.concatenate(stamps), type=pa.timestamp("s", tz="UTC")),
            "kwh": pa.array(np.concatenate(values), type=pa.float64()),
        }
    )


def parse_green_button(stream) -> ImportResult:
    """ESPI XML or Green Button CSV, told apart by the first non-blank byte (`<` for XML)."""

    head = stream.read(512)
    stream.seek(0)
    if head.lstrip().startswith(b"<"):
        return parse_espi(stream)
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        result = ImportResult(complete=False)
        result.problems.append(Problem(None, "the file is neither XML nor UTF-8 text (CSV)"))
        return result
    return parse_green_button_csv(text)
