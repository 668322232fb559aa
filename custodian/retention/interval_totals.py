"""A month of interval readings past its period, reduced to what the retention schedule keeps of it: each
series' total, one reading over the whole month, and nothing else of the month's readings. A series'
"total" is its month's figure (`usage.intervals.month_figure`): the use added up for energy and volume, the
month's peak for a demand series (kW do not add up; the peak is what a demand charge bills).

A series' month is held in up to four blocks (`usage.intervals`): its grid, the codes of the grid's readings
(`~quality`), its readings off the grid (`~periods`: hours a later file's quarter hours pushed off the grid,
local days across a clock change, billing periods from a customer's file) and their codes
(`~periods~quality`). Every one of them is of the month's readings, so every one goes: the total takes the
grid's place and the three others are removed in the same rewrite of the month-shard.

The total is the month's use counted once: every reading held of the series in the month, on the grid and
off it (a billing period counted whole in the month it starts in, where the store keeps it and where the
data access answer's monthly table already counts it). No time is counted twice: a reading off the grid
covers its whole span, so a grid reading under it, or under a reading of an earlier month reduced in the
same run that reaches into this one, is left out (the store's imports keep readings from overlapping; only
readings stored before they did can). A total already made (an earlier run, or a file's reading of the
whole month) stands for the readings it summed (or the peak it took) and is counted with them as it is.
The readings' quality codes go with them: a total carries no code.

Nothing here opens or writes: the run reads through the gate and writes through `vault.services`."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from custodian.usage.intervals import PERIODS, decode_periods, is_month_total, month_figure
from custodian.vault.interval_files import IntervalBlock, month_bounds


def series_of(service: str) -> str:
    """The series a block is of: its grid's name (`electric` for `electric~periods~quality`)."""
    return service.split("~", 1)[0]


def held_reading_by_reading(service: str, count: int) -> bool:
    """From a block's clear columns (its service and count): whether it still holds something of single
    readings: a grid of more than one slot, the codes of more than one reading, or any block off the grid
    (its readings have their own start and length; one left empty by an import goes too). A month's total
    and the code of a file's reading of the whole month that took the total's place are one reading each."""
    return count > 1 or PERIODS in service


@dataclass
class Reduced:
    """What the run writes for the months it reduces: the totals, the blocks removed beside them
    ((customer, service, month)), how many series' months that reduces and how many readings it replaces."""

    totals: list[IntervalBlock] = field(default_factory=list)
    removing: list[tuple[int, str, str]] = field(default_factory=list)
    series_months: int = 0
    readings: int = 0


def months_reduced(blocks: Iterable[IntervalBlock], due: Mapping[int, Collection[str]]) -> Reduced:
    """Each series' month of `due` (customer → months) among the opened `blocks` that still holds readings
    one by one, as its total and the blocks to remove."""
    held: dict[tuple[int, str, str], dict[str, IntervalBlock]] = defaultdict(dict)
    for block in blocks:
        if block.month in due.get(block.customer_id, ()):
            held[(block.customer_id, series_of(block.service), block.month)][block.service] = block
    # The spans of the readings off the grid counted so far in this run, by customer and series (each series'
    # months in order): a later month's grid readings under them are in the total of the month those
    # readings start in, not again.
    spans: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    out = Reduced()
    for (cid, series, month), group in sorted(held.items()):
        if not any(held_reading_by_reading(s, len(b.values)) for s, b in group.items()):
            continue  # the month's total already, with the code of a reading of the whole month, if any
        out.removing += [(cid, service, month) for service in sorted(group) if service != series]
        total, readings = _month_total(group, series, month, spans[(cid, series)])
        if total is not None:
            first, after = month_bounds(month)
            out.totals.append(IntervalBlock(cid, series, month, first, after - first, np.array([total])))
        out.series_months += 1
        out.readings += readings
    return out


def _month_total(group: dict[str, IntervalBlock], series: str, month: str, spans) -> tuple[float | None, int]:
    """(the month's total, its peak for demand: `month_figure`; how many readings it replaces): None when the
    series held no grid and no reading off it, NaN when none of its slots holds a reading (as a month
    without readings reads). `spans`: the
    readings off the grid counted in the series' earlier months; this month's counted ones are added."""
    first = month_bounds(month)[0]
    grid, periods = group.get(series), group.get(series + PERIODS)
    if grid is None and periods is None:
        return None, 0
    parts, readings = [], 0
    # Readings of earlier months reduced in this run that reach into this one: their time is theirs.
    counted = [(at, end) for at, end in spans if end > first]
    for at, length, value in decode_periods(periods) if periods is not None else ():
        readings += 1
        if any(at < end and at + length > start for start, end in counted):
            continue  # overlaps a reading counted already (stored before imports kept them apart)
        counted.append((at, at + length))
        spans.append((at, at + length))
        parts.append(value)
    if grid is not None:
        if is_month_total(grid):
            parts += [float(v) for v in grid.values if not np.isnan(v)]
        else:
            at = grid.start + grid.interval * np.arange(len(grid.values), dtype=np.int64)
            keep = ~np.isnan(grid.values)
            readings += len(grid.values)
            for start, end in counted:
                keep &= ~((at < end) & (at + grid.interval > start))
            parts += grid.values[keep].tolist()
    if grid is None and not readings:  # an off-grid block an import left empty: nothing to total
        return None, 0
    return month_figure(series, parts), readings
