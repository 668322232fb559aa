"""Interval readings: from imported Green Button readings to sealed monthly blocks, and from blocks (opened by
the gate) back to readings and to the hourly table the comparison pipeline reads.

A block holds one series of one local calendar month on a regular grid that starts at the month's first
instant, so a month has 743, 744 or 745 hourly slots across the DST changes and a 15-minute month four times
as many. Readings that fit no such grid (local days across a clock change, billing periods) are kept with
their own start and length in the series' `~periods` block; ReadingQuality codes, where a file gives them,
in its `~quality` block on the same grid, and those of the readings off the grid in its `~periods~quality`
block, beside each reading's own start and length: every reading held keeps its own code, wherever it is laid
out. No two readings held of a series overlap: a file's reading replaces every reading held it overlaps, grid
or periods, in its own month or another (a billing period held in January gives way to a file's hours of
February it covers, and February's hours held to a file's billing period from January: `_place_month`).
Series names: `series_key`.

One module (over 400 lines) on purpose: the grid arithmetic (local months, clock changes, periods that fit
no grid) is shared by both directions, readings to blocks and blocks to readings, and must stay the same for
both.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.csvfile import csv_text
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.usage.file_refusals import (
    ALL_REFUSED,
    NOT_WHOLE_MINUTES,
    OF_A_MONTH_TOTAL,
    OTHERS_OF_A_METER_MONTH,
    UNIT_NOT_HELD,
    Refusals,
    not_text_because,
    plural_noop,
)
from custodian.usage.greenbutton_import import (
    NO_QUALITY,
    ImportResult,
    Problem,
    ReadingBounds,
    SeriesNames,
    Word,
    local_time,
    parse_espi,
    parse_green_button_csv,
    starts_as_xml,
)
from custodian.usage.models import MeteredUnit
from custodian.usage.signals import readings_imported
from custodian.vault.block_layout import PERIODS
from custodian.vault.choices import CUSTOMER_UPLOAD, Channel
from custodian.vault.gate import Actor, policy_decision, reveal_intervals, staff_actor
from custodian.vault.interval_files import (
    LOCAL,
    IntervalBlock,
    block_index,
    customer_locked,
    month_bounds,
    month_of,
    months_between,
)
from custodian.vault.selectors import interval_channels
from custodian.vault.services import IntervalBlocksRecording, Submission

# Green Button units → (service, factor to the service's billing unit). Gas by volume is converted at
# 1.037 therms per hundred cubic feet (the US average heat content); water by volume at 7.48052 gal/ft³.
# Demand (W) is kept in kW.
UNIT_TO_BILLING = {
    ("electric", "Wh"): 0.001,
    ("electric", "W"): 0.001,
    ("gas", "therm"): 1.0,
    ("gas", "ft3"): 0.01037,
    ("gas", "m3"): 0.01037 * 35.3147,
    ("water", "gal"): 1.0,
    ("water", "ft3"): 7.48052,
    ("water", "m3"): 264.172,
}
# Gas and water are stored in their billing units (therms, gallons) and exported in the unit their meter
# reads (the unit of the latest file imported for the usage point), converted only on request.
METERED_SERVICES = ("gas", "water")
FLOW_SUFFIX = {1: "", 4: "_net", 19: "_received"}  # reverse flow: what the customer's generation sent out
# Readings that sit on a regular grid from the month's first instant (5, 15, 30 or 60 minutes) are stored as
# a grid; any other (local days across a clock change, billing periods, another zone's days) keep their own
# start and length in a `~periods` block, so nothing is forced onto a grid it does not fit.
GRID_INTERVALS = (300, 600, 900, 1800, 3600)
QUALITY = "~quality"
PERIODS_QUALITY = PERIODS + QUALITY  # the codes of a `~periods` block's readings, by their start and length
DEMAND = "_demand"  # a demand series (kW): a rate read at each moment, not an amount used over an interval


@dataclass
class UsageImportSummary:
    readings_read: int = 0
    readings_stored: int = 0
    readings_replaced: int = 0  # stored over a reading already held for the same interval
    # Readings held before that gave way to the file's (each one a file's reading overlaps, in any month): an
    # hour a file's four quarter hours replace is one displaced and four replaced; a day over 24 hours, 24
    # displaced and one replaced
    readings_displaced: int = 0
    readings_refused: int = 0  # read but not stored: each is named among the problems
    blocks_written: int = 0
    months: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    # (a key of WHY_REFUSED, its values) → readings refused for it, the file's and the store's
    refused_why: Counter = field(default_factory=Counter)
    # Why nothing was stored, when nothing was: read in English (`message`) or the reader's language
    # (`in_language`)
    refused: Problem | None = None

    @property
    def all_stored(self) -> bool:
        return not self.refused and self.readings_refused == 0


def series_key(service: str, flow_direction: int = 1, *, point: int = 1, demand: bool = False) -> str:
    """The interval store's name for a series: the service (`electric`), the usage point when it is not the
    customer's first of that service (`electric#2`), net or reverse flow (`_net`, `_received`) and demand
    (`_demand`). Forward energy of the first usage point is plain `electric`, the series billing reads."""
    base = service if point == 1 else f"{service}#{point}"
    return base + FLOW_SUFFIX[flow_direction] + (DEMAND if demand else "")


def is_demand(series: str) -> bool:
    """Whether a series (its grid's name, or any of its blocks': `electric#2_demand~periods`) is of demand."""
    return series.split("~", 1)[0].endswith(DEMAND)


def month_figure(series: str, values: Iterable[float]) -> float:
    """The one figure a month of a series' readings comes to, wherever a month is told or kept as one value
    (the retention run's monthly totals, a data access answer's monthly table): the use added up for energy
    and volume; for demand the month's peak, the highest reading, as a demand charge bills it (kW read at
    moments do not add up to anything). NaN when none of `values` holds a reading (a month without any)."""
    held = np.asarray(list(values), dtype=np.float64)
    held = held[~np.isnan(held)]
    if not len(held):
        return float("nan")
    return float(held.max() if is_demand(series) else held.sum())


def point_key(service: str, number: int) -> str:
    """A usage point's name in a feed and in an authorisation: `electric`, `electric#2`, …"""
    return service if number == 1 else f"{service}#{number}"


def metered_units_record(*, customer_id: int, units: dict[str, tuple[str, int]]) -> None:
    """The unit (and powerOfTenMultiplier) each usage point's gas or water readings came in, kept with the
    usage point: the latest file's wins."""
    with transaction.atomic():
        for usage_point, (unit, power) in units.items():
            MeteredUnit.objects.update_or_create(
                customer_id=customer_id, usage_point=usage_point, defaults={"unit": unit, "power": power}
            )


def metered_units_of(customer_id: int) -> dict[str, tuple[str, int]]:
    """Usage point → (unit, powerOfTenMultiplier) its readings came in, for the customer's gas and water."""
    rows = MeteredUnit.objects.filter(customer_id=customer_id).values_list("usage_point", "unit", "power")
    return {point: (unit, power) for point, unit, power in rows}


def series_parts(key: str) -> dict:
    """The parts of a series key: service, usage point number, flow direction, demand, kind of block."""
    kind = "grid"
    if key.endswith(
        QUALITY
    ):  # the codes of a series' grid (`~quality`) or of its periods (`~periods~quality`)
        key, kind = key.removesuffix(QUALITY), "quality"
    if key.endswith(PERIODS):
        key, kind = key.removesuffix(PERIODS), "quality" if kind == "quality" else "periods"
    demand = key.endswith(DEMAND)
    key = key.removesuffix(DEMAND)
    flow = 1
    for direction, suffix in FLOW_SUFFIX.items():
        if suffix and key.endswith(suffix):
            key, flow = key[: -len(suffix)], direction
    service, _, point = key.partition("#")
    return {"service": service, "point": int(point or 1), "flow": flow, "demand": demand, "kind": kind}


def _grid(month: str, interval: int) -> tuple[int, int]:
    start, end = month_bounds(month)
    return start, (end - start) // interval


def encode_periods(start: int, items) -> np.ndarray:
    """(start, duration, value) readings as a block's values: gap since the previous reading's end (the
    block's start for the first) and length, both in minutes, then the value."""
    out, cursor = [], start
    for at, duration, value in sorted(items):
        out += [(at - cursor) / 60, duration / 60, value]
        cursor = at + duration
    return np.array(out, dtype=np.float64)


def decode_periods(block: IntervalBlock) -> list[tuple[int, int, float]]:
    values, cursor, out = block.values, block.start, []
    for i in range(0, len(values) - 2, 3):
        at = cursor + round(values[i] * 60)
        duration = round(values[i + 1] * 60)
        out.append((at, duration, float(values[i + 2])))
        cursor = at + duration
    return out


@dataclass
class _Placed:
    """What the store did with a file's series: each block goes to `record` as soon as it is made."""

    record: Callable[[IntervalBlock], None]
    problems: list = field(default_factory=list)
    stored: int = 0
    replaced: int = 0
    displaced: int = 0  # held readings that gave way to the file's
    # series → (starts, ends) of the file's readings placed so far that end past their own month: a later
    # month's held readings they overlap give way to them, and the file's later readings they overlap are
    # refused, as readings overlapping in one month are
    reaching: dict = field(default_factory=dict)
    # series → starts of the file's readings counted as replaced that another month may count again (those
    # counted in a month other than their own, or reaching past it), so each is counted once
    replaced_across: dict = field(default_factory=dict)
    # (series, month) held from a channel a file does not replace (the utility's meter, the retention run's
    # totals of it): a file's reading that reaches into one from an earlier month is refused
    closed: set = field(default_factory=set)
    refused: int = 0
    why: Counter = field(default_factory=Counter)  # readings refused by why, as `ImportResult.refused_why`
    blocks: int = 0
    months: set = field(default_factory=set)
    series: list = field(default_factory=list)
    # usage point → the unit and powerOfTenMultiplier its gas or water readings came in (the metered unit)
    metered: dict = field(default_factory=dict)

    def add(self, block: IntervalBlock) -> None:
        self.record(block)
        self.blocks += 1
        self.months.add(block.month)

    def refuse(self, count: int, why: str) -> None:
        """`count` readings refused, counted under `why` (a key of `WHY_REFUSED`)."""
        self.refused += count
        self.why[(why, ())] += count


def _point_numbers(series_list, services: dict[str, str]) -> dict[str, int]:
    """Each usage point of the file numbered within its service in document order (the first is 1): the
    same file, or our own export of it, numbers them the same way again."""
    numbers, counts = {}, Counter()
    for s in series_list:
        if s.usage_point in numbers:
            continue
        service = services.get(s.usage_point, "unknown")
        counts[service] += 1
        numbers[s.usage_point] = counts[service]
    return numbers


def _series_named(placed: _Placed, series_list, services: dict[str, str]) -> list[tuple]:
    """(series, its key in the store, factor to the billing unit, its months) for every series whose unit
    Custodian holds; the others refused, by name."""
    numbers = _point_numbers(series_list, services)
    used: Counter = Counter()
    named = []
    for s in series_list:
        service = services.get(s.usage_point, "unknown")
        factor = UNIT_TO_BILLING.get((service, s.unit))
        if factor is None:
            placed.refuse(len(s), "unit")
            placed.problems.append(
                Problem(
                    None,
                    UNIT_NOT_HELD[0],
                    {"count": len(s), "unit": s.unit, "service": Word(service)},
                    plural=UNIT_NOT_HELD[1],
                )
            )
            continue
        key = series_key(service, s.flow_direction, point=numbers[s.usage_point], demand=s.unit == "W")
        used[key] += 1
        if used[key] > 1:  # a second MeterReading of the same quantity: kept apart, in file order
            key = f"{key}.{used[key]}"
        placed.series.append(key)
        if service in METERED_SERVICES and s.flow_direction == 1:
            placed.metered[point_key(service, numbers[s.usage_point])] = (s.unit, s.power)
        first, last, _ = s.span()
        named.append((s, key, factor, set(months_between(first, last + 1))))
    return named


def blocks_place(
    placed: _Placed, customer_id: int, named: list[tuple], months: Sequence[str], existing
) -> None:
    """The series' readings of `months`, one series and one month at a time, into blocks that hold what
    `existing` holds for them overlaid with the new readings (a new reading replaces the one held for the
    same interval); each block goes to `placed.add` as soon as it is made. A month the retention run has
    reduced to monthly totals keeps them: only a reading of the whole month is stored there, the others are
    refused, one problem a month."""
    old = {(b.service, b.month): b for b in existing}
    reduced = {b.month for b in existing if is_month_total(b)}
    beyond: dict[str, Counter] = {}  # reduced month → series → readings refused
    for s, key, factor, touched in named:
        for month in months:
            start, end = month_bounds(month)
            if month in touched:
                starts, durations, values, qualities = s.readings_in(start, end)
            else:  # a month the file's readings only reach into, or one whose held readings reach out
                starts, durations, values, qualities = _NO_READINGS
            if month in reduced:
                if not len(starts):
                    continue
                refused = _place_in_total(
                    placed, customer_id, key, month, starts, durations, values * factor, qualities, old
                )
                if refused:
                    beyond.setdefault(month, Counter())[key] += refused
                continue
            _place_month(
                placed, customer_id, key, month, (starts, durations, values * factor, qualities), old, later=s
            )
    for month, series in sorted(beyond.items()):
        count = sum(series.values())
        placed.refuse(count, "month_total")
        placed.problems.append(
            Problem(
                None,
                OF_A_MONTH_TOTAL[0],
                {"count": count, "month": month, "series": series_names(*sorted(series))},
                plural=OF_A_MONTH_TOTAL[1],
            )
        )


def is_month_total(block: IntervalBlock) -> bool:
    """A grid block the retention run reduced to its month's total: one reading over the whole month."""
    return (
        "~" not in block.service
        and len(block.values) == 1
        and (block.start, block.start + block.interval) == month_bounds(block.month)
    )


def _place_in_total(placed, customer_id, key, month, starts, durations, values, qualities, old) -> int:
    """Readings of a month reduced to monthly totals: a reading of the whole month takes the total's place,
    as a reading of the same interval does anywhere; any other reading is refused (it would put interval
    readings back into a month past their retention, and added to the total it would count again what the
    total may already hold). The reading's quality code goes with it, on the total's one-slot grid. Returns
    how many were refused."""
    first, after = month_bounds(month)
    whole = (starts == first) & (durations == after - first)
    if whole.any():
        held = old.get((key, month))
        displaced = int(held is not None and is_month_total(held) and not np.isnan(held.values[0]))
        placed.replaced += displaced
        placed.displaced += displaced
        placed.stored += 1
        placed.add(IntervalBlock(customer_id, key, month, first, after - first, values[whole][:1]))
        code = float(qualities[whole][0])
        if code != NO_QUALITY or (key + QUALITY, month) in old:
            code = np.nan if code == NO_QUALITY else code
            placed.add(
                IntervalBlock(customer_id, key + QUALITY, month, first, after - first, np.array([code]))
            )
    return int((~whole).sum())


_NO_READINGS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int16))


def _place_month(placed, customer_id, key, month, readings, old, *, later):
    """A month of a series' new readings (`readings`: starts, durations, values, qualities) merged with what
    is held for it. No two readings held of a series overlap, wherever they lie: a held reading any new one
    overlaps (the same interval, or any part of it: an hour over its quarter hours, a day over its hours,
    `00:00`-`01:00` over a `00:00`-`00:59` an earlier file gave) gives way to the new ones, in the grid and
    the `~periods` block alike, whether the new one starts in this month, in an earlier one and reaches into
    it (`placed.reaching`), or in a later one that a held reading of this month reaches into (the file's
    series, `later`); each new reading that took the place of a held one is counted as replaced, once, and
    each held reading that gave way as displaced. A new reading that overlaps one before it in the same file,
    in this month or reaching into it from an earlier one, is refused (the first kept), as is one that does
    not start and last whole minutes. What remains is laid out again (`_lay_out`)."""
    starts, durations, values, qualities = _whole_minutes_only(placed, key, month, *readings)
    first, after = month_bounds(month)
    r_starts, r_ends = placed.reaching.get(key, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
    reach_in = r_ends > first
    r_starts, r_ends = r_starts[reach_in], r_ends[reach_in]
    starts, durations, values, qualities = _first_of_overlapping(
        placed, key, month, starts, durations, values, qualities, before=(r_starts, r_ends)
    )
    starts, durations, values, qualities = _not_into_closed(
        placed, key, month, starts, durations, values, qualities
    )
    h_starts, h_durations, h_values, h_qualities = _held_readings(old, key, month)
    ends, h_ends = starts + durations, h_starts + h_durations
    l_starts = l_ends = np.zeros(0, np.int64)
    if len(h_ends) and h_ends.max() > after:  # held readings reaching into later months
        l_starts, l_durations, _, _ = later.readings_in(after, int(h_ends.max()))
        # A later month's reading the store refuses (its month is the meter's) takes no held reading's place.
        taken = np.array([(key, month_of(at)) not in placed.closed for at in l_starts.tolist()], dtype=bool)
        l_starts, l_ends = l_starts[taken], l_starts[taken] + l_durations[taken]
    given_way = _overlapping(
        h_starts, h_ends, np.concatenate([starts, r_starts, l_starts]), np.concatenate([ends, r_ends, l_ends])
    )
    if not len(starts) and not given_way.any():
        return
    gw_starts, gw_ends = h_starts[given_way], h_ends[given_way]
    done = placed.replaced_across.setdefault(key, set())
    own = starts[_overlapping(starts, ends, gw_starts, gw_ends)].tolist()
    across = {
        at
        for at_s, at_e in ((r_starts, r_ends), (l_starts, l_ends))
        for at in at_s[_overlapping(at_s, at_e, gw_starts, gw_ends)].tolist()
    }
    counted = (set(own) | across) - done
    placed.replaced += len(counted)
    # Kept only for the readings another month may count again: those counted here from another month, and
    # this month's that reach past it.
    done.update(across)
    done.update(at for at in starts[ends > after].tolist() if at in counted)
    placed.displaced += int(given_way.sum())
    placed.stored += len(starts)
    out = ends > after
    if out.any():  # the file's readings that reach past the month: later months' held readings give way
        r_all = placed.reaching.get(key, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        placed.reaching[key] = (
            np.concatenate([r_all[0], starts[out]]),
            np.concatenate([r_all[1], ends[out]]),
        )
    keep = ~given_way
    _lay_out(
        placed,
        customer_id,
        key,
        month,
        np.concatenate([h_starts[keep], starts]),
        np.concatenate([h_durations[keep], durations]),
        np.concatenate([h_values[keep], values]),
        np.concatenate([h_qualities[keep], qualities]),
        old,
    )


def _overlapping(starts, ends, other_starts, other_ends) -> np.ndarray:
    """Which of the intervals [starts, ends) overlap any of [other_starts, other_ends) (in any order)."""
    if not len(starts) or not len(other_starts):
        return np.zeros(len(starts), dtype=bool)
    order = np.argsort(other_starts, kind="stable")
    o_starts, latest_end = other_starts[order], np.maximum.accumulate(other_ends[order])
    before = np.searchsorted(o_starts, ends, side="left")  # the others that start before each one ends
    reach = latest_end[np.maximum(before - 1, 0)]
    return (before > 0) & (reach > starts)


def _whole_minutes_only(placed, key, month, starts, durations, values, qualities):
    whole = (starts % 60 == 0) & (durations % 60 == 0)
    if whole.all():
        return starts, durations, values, qualities
    return _refused_of_month(
        placed, "minutes", NOT_WHOLE_MINUTES, key, month, (starts, durations, values, qualities), whole
    )


# The problems of a month's readings refused for what the file's other readings or the store hold (text, and
# its plural where it has one).
OVERLAPPING = plural_noop(
    "%(count)s %(series)s reading of %(month)s overlaps a reading before it in the file (first at "
    "%(first)s): a meter's readings do not overlap; kept the earlier, refused this one",
    "%(count)s %(series)s readings of %(month)s overlap a reading before them in the file (first at "
    "%(first)s): a meter's readings do not overlap; kept the earlier, refused these",
)
INTO_A_METER_MONTH = plural_noop(
    "%(count)s %(series)s reading of %(month)s reaches into a later month whose readings are held "
    "from the utility's meter (first at %(first)s): a file does not replace them; refused",
    "%(count)s %(series)s readings of %(month)s reach into a later month whose readings are held "
    "from the utility's meter (first at %(first)s): a file does not replace them; refused",
)


def series_names(*keys: str) -> SeriesNames:
    """The series of `keys` named for a reader in a problem (`SeriesNames`): the service's name, never the
    store's key."""
    parts = (series_parts(key) for key in keys)
    return SeriesNames([(p["service"], p["point"], p["flow"], p["demand"]) for p in parts])


def _refused_of_month(placed, why: str, words: tuple[str, str], key, month, readings: tuple, keep) -> tuple:
    """The readings (starts, durations, values, qualities) `keep` marks; the others refused, counted under
    `why`, with one problem for the series' month naming how many and the first one's time (`words`: its
    text and plural)."""
    n = int((~keep).sum())
    placed.refuse(n, why)
    first = local_time(int(readings[0][~keep][0]))
    placed.problems.append(
        Problem(
            None,
            words[0],
            {"count": n, "series": series_names(key), "month": month, "first": first},
            plural=words[1],
        )
    )
    return tuple(column[keep] for column in readings)


def _first_of_overlapping(placed, key, month, starts, durations, values, qualities, *, before):
    """The readings in time order, without any that overlaps a reading before it in the file (refused, one
    problem a month), in this month or reaching into it from an earlier one (`before`: their starts and
    ends): a series never holds two readings of the same moment."""
    order = np.argsort(starts, kind="stable")
    starts, durations, values, qualities = starts[order], durations[order], values[order], qualities[order]
    ends = starts + durations
    reached = int(before[1].max()) if len(before[1]) else None  # the latest end reaching into the month
    if (reached is None or not len(starts) or starts[0] >= reached) and (
        len(starts) < 2 or (starts[1:] >= np.maximum.accumulate(ends)[:-1]).all()
    ):
        return starts, durations, values, qualities
    keep = np.ones(len(starts), dtype=bool)
    for i, (at, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if reached is not None and at < reached:
            keep[i] = False
        else:
            reached = end
    return _refused_of_month(
        placed, "overlapping", OVERLAPPING, key, month, (starts, durations, values, qualities), keep
    )


def _not_into_closed(placed, key, month, starts, durations, values, qualities):
    """The readings without any that reaches into a later month of the series held from a channel a file
    does not replace (`placed.closed`: the utility's meter, its monthly totals), refused with one problem a
    month: a file never replaces the meter's readings, in the month a reading starts in or another."""
    after = month_bounds(month)[1]
    ends = starts + durations
    out = np.flatnonzero(ends > after)
    if not len(out) or not placed.closed:
        return starts, durations, values, qualities
    keep = np.ones(len(starts), dtype=bool)
    for at in out.tolist():
        keep[at] = not any((key, m) in placed.closed for m in months_between(after, int(ends[at])))
    if keep.all():
        return starts, durations, values, qualities
    return _refused_of_month(
        placed, "meter_held", INTO_A_METER_MONTH, key, month, (starts, durations, values, qualities), keep
    )


def _held_readings(old, key, month):
    """Every reading held of the series' month, grid and periods, with its own quality code (`NO_QUALITY`:
    none)."""
    first, after = month_bounds(month)
    parts = []
    grid = old.get((key, month))
    if grid is not None:
        at = grid.start + grid.interval * np.arange(len(grid.values), dtype=np.int64)
        marks = np.full(len(grid.values), float(NO_QUALITY))
        held = old.get((key + QUALITY, month))
        if held is not None and (held.start, held.interval) == (grid.start, grid.interval):
            count = min(len(held.values), len(marks))
            codes = held.values[:count]
            marks[:count] = np.where(np.isnan(codes), NO_QUALITY, codes)
        keep = ~np.isnan(grid.values) & (at >= first) & (at < after)
        parts.append(
            (at[keep], np.full(int(keep.sum()), grid.interval, np.int64), grid.values[keep], marks[keep])
        )
    periods = old.get((key + PERIODS, month))
    if periods is not None:
        items = decode_periods(periods)
        marked = old.get((key + PERIODS_QUALITY, month))
        codes = {(a, d): q for a, d, q in decode_periods(marked) if q == q} if marked is not None else {}
        parts.append(
            (
                np.array([a for a, _, _ in items], np.int64),
                np.array([d for _, d, _ in items], np.int64),
                np.array([v for _, _, v in items], np.float64),
                np.array([codes.get((a, d), NO_QUALITY) for a, d, _ in items], np.float64),
            )
        )
    if not parts:
        return np.array([], np.int64), np.array([], np.int64), np.array([]), np.array([])
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def _lay_out(placed, customer_id, key, month, starts, durations, values, qualities, old):
    """A month's readings as its blocks: those on the month's commonest grid (five minutes to an hour, from
    the month's first instant) in the grid block, with their quality codes in `~quality`; any other in the
    `~periods` block with its own start and length, and its code in `~periods~quality`. Each reading keeps
    its own code wherever it lands (a reading held on an hourly grid that a file's quarter hours move off
    the month's grid keeps its code). A block held for the month is written again even when no reading is
    left for it, so what gave way is gone."""
    start, _after = month_bounds(month)
    lengths, counts = np.unique(durations, return_counts=True)
    fits = np.isin(lengths, GRID_INTERVALS)
    held_grid = old.get((key, month))
    interval = int(lengths[fits][np.argmax(counts[fits])]) if fits.any() else None
    on_grid = np.zeros(len(starts), dtype=bool)
    if interval is not None:
        on_grid = (durations == interval) & ((starts - start) % interval == 0)
    else:
        interval = held_grid.interval if held_grid is not None else None
    if on_grid.any() or held_grid is not None:
        count = _grid(month, interval)[1]
        slots = (starts[on_grid] - start) // interval
        grid = np.full(count, np.nan)
        grid[slots] = values[on_grid]
        placed.add(IntervalBlock(customer_id, key, month, start, interval, grid))
        marks = qualities[on_grid]
        if (marks != NO_QUALITY).any() or (key + QUALITY, month) in old:
            codes = np.full(count, np.nan)
            codes[slots] = np.where(marks != NO_QUALITY, marks, np.nan)
            placed.add(IntervalBlock(customer_id, key + QUALITY, month, start, interval, codes))
    off = ~on_grid
    if off.any() or (key + PERIODS, month) in old:
        items = zip(starts[off].tolist(), durations[off].tolist(), values[off].tolist(), strict=True)
        placed.add(
            IntervalBlock(customer_id, key + PERIODS, month, start, 60, encode_periods(start, list(items)))
        )
    marked = off & (qualities != NO_QUALITY)
    if marked.any() or (key + PERIODS_QUALITY, month) in old:
        items = zip(
            starts[marked].tolist(), durations[marked].tolist(), qualities[marked].tolist(), strict=True
        )
        placed.add(
            IntervalBlock(
                customer_id, key + PERIODS_QUALITY, month, start, 60, encode_periods(start, list(items))
            )
        )


# The channels a file's readings may replace: an earlier file's (the customer's own upload, a staff import).
# A month of a series held by any other channel (the utility's meter, the retention run's totals of it) is
# the utility's record of that month (a month the retention run reduced to its total has its own rule, in
# `blocks_place`): the bill run and the comparisons read it, and it is corrected by
# re-reading the meter or adjusting the bill under a correction request, never by a file. A block keeps one
# provenance (that of the month's last write), so a file merged into such a month would also relabel the
# meter's other readings of the month as the file's, and a next file could then replace them: the file's
# readings of that series and month are refused, those over a held reading named interval by interval.
FILE_CHANNELS = frozenset({Channel.FILE_IMPORT})


def _kept_from_the_meter(placed: _Placed, customer_id: int, named, months, existing) -> set[tuple[str, str]]:
    """(series, month) of the file that the store holds from a channel a file does not replace: their
    readings refused, each run of readings over held ones named with its local times; what is held is kept."""
    channels = interval_channels(customer_id=customer_id, months=months)
    held = {(b.service, b.month): b for b in existing}
    kept = set()
    for s, key, _factor, touched in named:
        for month in months:
            own = [channels.get((k, month)) for k in (key, key + PERIODS)]
            if month not in touched or not any(c and c not in FILE_CHANNELS for c in own):
                continue
            if (key, month) in held and is_month_total(held[(key, month)]):
                # The retention run's total, written as the meter's whatever its readings' source: the
                # rule for a reduced month (`blocks_place`) keeps it from all but a whole month's reading.
                continue
            starts, durations, _, _ = s.readings_in(*month_bounds(month))
            if not len(starts):
                continue
            kept.add((key, month))
            over = _over_held(held, key, month, starts, durations)
            placed.refuse(len(starts), "meter_held")
            for first, last in _runs(starts[over], durations[over]):
                placed.problems.append(
                    Problem(
                        None,
                        gettext_noop(
                            "%(series)s readings %(first)s to %(last)s: the utility's meter readings of "
                            "these intervals are held and a file does not replace them (a meter reading is "
                            "corrected by a re-read or a bill adjustment under a correction request); refused"
                        ),
                        {"series": series_names(key), "first": local_time(first), "last": local_time(last)},
                    )
                )
            if (~over).any():
                placed.problems.append(
                    Problem(
                        None,
                        OTHERS_OF_A_METER_MONTH[0],
                        {"count": int((~over).sum()), "series": series_names(key), "month": month},
                        plural=OTHERS_OF_A_METER_MONTH[1],
                    )
                )
    return kept


def _over_held(held: dict, key: str, month: str, starts, durations) -> np.ndarray:
    """Which of the readings (starts, durations) fall on an interval the store holds a reading for."""
    over = np.zeros(len(starts), dtype=bool)
    grid = held.get((key, month))
    if grid is not None:
        slots = (starts - grid.start) // grid.interval
        inside = (slots >= 0) & (slots < len(grid.values))  # a reading that starts inside a held interval
        over[inside] = ~np.isnan(grid.values[slots[inside]])
    periods = held.get((key + PERIODS, month))
    if periods is not None:
        over |= np.isin(starts, [at for at, _, _ in decode_periods(periods)])
    return over


def _runs(starts, durations) -> list[tuple[int, int]]:
    """(first start, last end) of each run of readings that follow each other without a gap."""
    runs = []
    for at, length in zip(starts.tolist(), durations.tolist(), strict=True):
        if runs and runs[-1][1] == at:
            runs[-1][1] = at + length
        else:
            runs.append([at, at + length])
    return [(a, b) for a, b in runs]


# The merge read opens what is held for a file's months; a file whose months hold more than this (in
# opened values, eight bytes each) is merged in parts, each a read of its own (and its own access event),
# so what is held while storing stays the same however long the file. A year of 15-minute readings of five
# meters (1.4 MB) is one read.
MERGE_READ_BYTES = 2 * 2**20


def _merge_reads(customer_id: int, months: list[str]) -> list[list[str]]:
    """The file's months in consecutive parts whose blocks held fit MERGE_READ_BYTES (from the store's
    clear columns: nothing is opened to count them); one part at least, a month never split."""
    held = Counter()
    for _, _, month, _, count in block_index(months=months, customer_ids=[customer_id]):
        held[month] += 8 * count
    parts, size = [[]], 0
    for month in months:
        if parts[-1] and size + held[month] > MERGE_READ_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(month)
        size += held[month]
    return parts


def _months_reached(named) -> set[str]:
    """The months the file's readings reach into past the month each starts in (a billing period from
    January 20 to February 19): their held readings the file's overlap give way as a month's own do."""
    reached = set()
    for s, _key, _factor, touched in named:
        for month in touched:
            after = month_bounds(month)[1]
            latest = s.latest_end_in(month_bounds(month)[0], after)
            if latest is not None and latest > after:
                reached.update(months_between(after, latest))
    return reached


def _months_reaching_in(*, read, customer_id: int, keys, first_month: str) -> set[str]:
    """The months before `first_month` whose held readings off the grid (`~periods`: billing periods) reach
    into it or later, so the file's readings they overlap take their place: found from the store's clear
    columns, then only those months' `~periods` blocks opened, in one read (`read`: the import's gate read,
    as `reveal_intervals` takes it)."""
    wanted = {key + PERIODS for key in keys}
    earlier = sorted(
        {
            m
            for _, service, m, _, _ in block_index(customer_ids=[customer_id])
            if m < first_month and service in wanted
        }
    )
    if not earlier:
        return set()
    blocks = read(
        start=max(0, month_bounds(earlier[0])[0]),
        end=month_bounds(earlier[0])[1],
        also=[month_bounds(m) for m in earlier[1:]],
        services=sorted(wanted),
    )
    first = month_bounds(first_month)[0]
    return {b.month for b in blocks if any(at + length > first for at, length, _ in decode_periods(b))}


def _closed_series_months(customer_id: int, months) -> set[tuple[str, str]]:
    """(series, month) of `months` held from a channel a file does not replace (`FILE_CHANNELS`), from the
    store's clear columns and the provenance rows: nothing opened."""
    channels = interval_channels(customer_id=customer_id, months=months)
    return {
        (service.removesuffix(QUALITY).removesuffix(PERIODS), month)
        for (service, month), channel in channels.items()
        if channel and channel not in FILE_CHANNELS
    }


def may_import_usage(user) -> bool:
    """Staff whose support services provide utility services with meter usage (field services, customer
    service) import readings."""
    return policy_decision(current_policy(), staff_actor(user), "providing_services", ["meter_usage"]).allowed


def usage_import(
    *,
    customer_id: int,
    result: ImportResult,
    submission: Submission,
    imported_by,
    request_id,
    client_ip: str = "",
) -> UsageImportSummary:
    """Store the valid readings of a parsed Green Button file for a customer, merged with what is held, for
    `imported_by` (a staff member who may import usage) working `request_id`: an open request of this
    customer's that their service owns (a complaint about the meter, a file the customer sent in).

    The merge read is the member of staff's own read under that request, so the gate decides it as it
    decides any of their reads: a request that is not this customer's, not open or not their service's is
    refused (`gate.Denied`), and an import under a request they entered themselves counts towards their
    hourly limit, held past it (`gate.Held`) until the privacy officer approves; refused or held, nothing is
    stored. Readings of a month held from the utility's own meter are not replaced (`FILE_CHANNELS`).

    A file that could not be read to its end stores nothing: half a file is never imported silently. The
    summary counts what was read, stored, replaced and refused; every refused reading is in a problem."""
    if imported_by is None or not may_import_usage(imported_by):
        raise PermissionDenied("only staff who provide utility services with meter usage import readings")
    if request_id in (None, ""):  # the gate would take a read without a request, up to the hourly limit
        raise PermissionDenied("a member of staff imports readings for an open request of the customer's")
    return _store(
        customer_id=customer_id,
        result=result,
        submission=submission,
        actor=staff_actor(imported_by),
        request_id=request_id,
        client_ip=client_ip,
    )


def usage_upload_by_customer(
    *, customer_id: int, result: ImportResult, size: int, actor, client_ip: str = ""
) -> UsageImportSummary:
    """The customer's own Green Button file (from the portal), stored like a staff import and merged with
    what is held, its provenance "customer upload" (a file's channel: never billed, never passed to a Connect
    My Data third party, marked as from a file in Download My Data); the merge read is the customer's own,
    logged like any."""
    if getattr(actor, "kind", None) != "customer" or actor.customer_id != customer_id:
        raise PermissionDenied("a customer uploads only their own readings")
    submission = Submission(
        channel=Channel.FILE_IMPORT,
        notice_key="metering",
        recorded_by_label=CUSTOMER_UPLOAD,
        # The size, not the file name: a name like "jane-doe-usage.xml" would sit here in clear.
        note=f"Green Button file uploaded by the customer in the portal ({size} bytes)",
    )
    return _store(
        customer_id=customer_id, result=result, submission=submission, actor=actor, client_ip=client_ip
    )


def _store(*, customer_id, result, submission, actor, request_id=None, client_ip="") -> UsageImportSummary:
    summary = UsageImportSummary(
        problems=list(result.problems),
        notes=list(result.notes),
        readings_read=result.readings_read,
        readings_refused=result.readings_refused,
        refused_why=Counter(result.refused_why),
    )
    if not result.complete:
        summary.refused = Problem(
            None, gettext_noop("the file is incomplete or was refused; nothing was stored")
        )
        return summary
    series_list = [s for s in result.all_series() if len(s)]
    if not series_list:
        summary.refused = _nothing_stored(summary)
        return summary
    # The customer's lock from the merge read until the blocks and their units are in place: another import
    # (or a removal) of the customer waits, so it merges with these readings instead of replacing them with
    # what was held before, and the units kept are those of the file whose readings were stored last.
    with customer_locked(customer_id):
        with IntervalBlocksRecording(submission=submission) as recording:
            placed = _Placed(record=recording.add)
            named = _series_named(placed, series_list, result.usage_points)
            months = sorted(set().union(*(touched for *_, touched in named)))

            def read(**period):
                return reveal_intervals(
                    actor=actor,
                    customer_id=customer_id,
                    purpose="providing_services",
                    request_id=request_id,
                    client_ip=client_ip,
                    **period,
                )

            # A reading belongs to the month it starts in, and gives way to, or takes the place of, every
            # reading it overlaps wherever that lies: the months its readings reach into, and the earlier
            # months whose held readings reach into its own, are merged with too.
            if named:
                months = sorted(
                    set(months)
                    | _months_reached(named)
                    | _months_reaching_in(
                        read=read, customer_id=customer_id, keys=[n[1] for n in named], first_month=months[0]
                    )
                )
                placed.closed = _closed_series_months(customer_id, months)
            for part in _merge_reads(customer_id, months) if named else []:
                existing = read(
                    # The local month of 1970's first hours began in 1969: the gate reads no time before 1970.
                    start=max(0, month_bounds(part[0])[0]),
                    end=month_bounds(part[0])[1],
                    also=[month_bounds(m) for m in part[1:]],
                )
                kept = _kept_from_the_meter(placed, customer_id, named, part, existing)
                totals = {(b.service, b.month) for b in existing if is_month_total(b)}
                for month in part:
                    # Held readings of a month the meter's (or its totals') are never given way; a reduced
                    # month takes a reading of the whole month by its own rule (`blocks_place`).
                    mergeable = [
                        n
                        for n in named
                        if (n[1], month) not in kept
                        and ((n[1], month) not in placed.closed or (n[1], month) in totals)
                    ]
                    blocks_place(placed, customer_id, mergeable, [month], existing)
                del existing
            if placed.blocks:
                # The readings changed: in the access log before they are put in place (if the event can't
                # be written, the staged blocks are discarded and nothing is stored).
                _change_append(actor, customer_id, submission, placed, request_id)
        if placed.metered:
            metered_units_record(customer_id=customer_id, units=placed.metered)
    summary.problems += placed.problems
    summary.readings_refused += placed.refused
    summary.refused_why += placed.why
    summary.blocks_written = placed.blocks
    summary.readings_stored = placed.stored
    summary.readings_replaced = placed.replaced
    summary.readings_displaced = placed.displaced
    summary.months = sorted(placed.months)
    summary.series = placed.series
    if placed.blocks:
        readings_imported.send(
            sender=_store, customer_id=customer_id, months=summary.months, channel=submission.channel
        )
    else:
        summary.refused = _nothing_stored(summary)
    return summary


def _nothing_stored(summary: UsageImportSummary) -> Problem:
    """Why a file read to its end stored nothing: it held no readings, or every reading it held was refused,
    how many and why (each refused reading is also among the problems, by its line where it has one)."""
    if not summary.readings_refused:
        return Problem(None, gettext_noop("the file holds no readings"))
    return Problem(
        None,
        ALL_REFUSED[0],
        {"count": summary.readings_refused, "reasons": Refusals(summary.refused_why)},
        plural=ALL_REFUSED[1],
    )


def _change_append(actor: Actor, customer_id: int, submission, placed: _Placed, request_id) -> None:
    """A file's readings stored for a customer, as the access log's "changed" event (like any value
    recorded): by the member of staff who imported it, with their support services and the request, or by
    the customer who uploaded their own; the reason counts what was stored, by month (no reading in it)."""
    months = sorted(placed.months)
    who = {"actor_kind": actor.kind, "actor_id": actor.id, "actor_label": actor.label}
    if actor.kind == "staff":
        who["roles"] = ",".join(sorted(actor.services))
    append_change(
        action=Action.RECORD_VALUES,
        customer_ids=[customer_id],
        categories=["meter_usage"],
        reason=(
            f"recorded from {submission.channel}: {placed.stored} readings "
            f"({placed.replaced} replaced, {placed.displaced} held displaced), {months[0]} to {months[-1]}"
        ),
        request_id=str(request_id or ""),
        **who,
    )


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


def _readings_over(blocks: Iterable[IntervalBlock], start: int, end: int, key: str):
    """Every reading held of the series `key` that overlaps [start, end), grid and `~periods` together, whole
    and unordered (no two readings held of a series overlap, so each is there once)."""
    parts = []
    for b in blocks:
        if b.service == key:
            at = b.start + b.interval * np.arange(len(b.values), dtype=np.int64)
            keep = (at < end) & (at + b.interval > start) & ~np.isnan(b.values)
            parts.append((at[keep], np.full(int(keep.sum()), b.interval, dtype=np.int64), b.values[keep]))
        elif b.service == key + PERIODS:
            held = [(a, d, v) for a, d, v in decode_periods(b) if a < end and a + d > start and v == v]
            if held:
                a, d, v = zip(*held, strict=True)
                parts.append((np.array(a, np.int64), np.array(d, np.int64), np.array(v, np.float64)))
    if not parts:
        return np.array([], np.int64), np.array([], np.int64), np.array([], np.float64)
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def usage_arrays(
    blocks: Iterable[IntervalBlock], start: int, end: int, key: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every reading held of the series `key` over [start, end) as three arrays (starts, durations, values)
    in time order: its grid readings and its readings off the grid (its `~periods` block: hours a later
    file's quarter hours pushed off the grid, billing periods, days across a clock change) together, each
    once. A reading that reaches past either end counts for its part inside only, its value in proportion
    to its time (`split_at`), so that a span's use (a day, the days a page shows) is never more than was
    used in it. What every view of a customer's use by days reads; by months, `readings_starting_in`."""
    starts, durations, values = split_at(*_readings_over(blocks, start, end, key), [start, end])
    inside = (starts >= start) & (starts + durations <= end)
    return starts[inside], durations[inside], values[inside]


def readings_starting_in(
    blocks: Iterable[IntervalBlock], start: int, end: int, key: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every reading held of the series `key` that starts in [start, end), whole, grid and off the grid, in
    time order: a month's readings as its total counts them (a reading belongs to the month it starts in,
    as the retention run's month total and the data access answer's monthly table count it)."""
    starts, durations, values = _readings_over(blocks, start, end, key)
    inside = starts >= start
    order = np.argsort(starts[inside], kind="stable")
    return starts[inside][order], durations[inside][order], values[inside][order]


def split_at(starts, durations, values, edges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The readings cut at each of `edges` (ascending instants: a span's ends, local midnights, months' first
    instants) that falls inside one, each part keeping the reading's value in proportion to its time (a
    reading of 10 kWh over two days is 5 kWh on each, not 10 on both), in time order. Readings no edge falls
    in stay as they are, without a copy per reading."""
    edges = np.asarray(edges, dtype=np.int64)
    ends = starts + durations
    first_cut = np.searchsorted(edges, starts, side="right")  # the first edge after a reading's start
    after_last = np.searchsorted(edges, ends, side="left")  # past the last edge before its end
    crossing = after_last > first_cut
    if crossing.any():
        kept = ~crossing
        cut_s, cut_d, cut_v = [starts[kept]], [durations[kept]], [values[kept]]
        for i in np.flatnonzero(crossing).tolist():
            cuts = np.concatenate(([starts[i]], edges[first_cut[i] : after_last[i]], [ends[i]]))
            lengths = np.diff(cuts)
            cut_s.append(cuts[:-1])
            cut_d.append(lengths)
            cut_v.append(values[i] * lengths / durations[i])
        starts, durations, values = (np.concatenate(c) for c in (cut_s, cut_d, cut_v))
    order = np.argsort(starts, kind="stable")
    return starts[order], durations[order], values[order]


def local_seconds(starts: np.ndarray) -> np.ndarray:
    """UTC epoch seconds (ascending) as seconds of the utility's local clock since 1970-01-01 local: the
    offset looked up at both ends, and where they differ (a change of clock in between, at most one in the
    weeks a page shows) the change found by bisection, instead of a time-zone conversion per reading."""

    def offset(at) -> int:
        return int(datetime.fromtimestamp(int(at), LOCAL).utcoffset().total_seconds())

    first, last = offset(starts[0]), offset(starts[-1])
    offsets = np.full(len(starts), first, dtype=np.int64)
    if first != last:
        lo, hi = 0, len(starts) - 1  # offset(starts[lo]) == first, offset(starts[hi]) == last
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if offset(starts[mid]) == first else (lo, mid)
        offsets[hi:] = last
    return starts.astype(np.int64) + offsets


def series_readings(blocks: Iterable[IntervalBlock], start: int, end: int, key: str):
    """(start, duration, value) of every reading of the series `key` inside [start, end), grid and periods
    together, in time order."""
    out = readings_between(blocks, start, end, key)
    for b in blocks:
        if b.service == key + PERIODS:
            out += [(a, d, v) for a, d, v in decode_periods(b) if a >= start and a + d <= end]
    return sorted(out)


def quality_codes(blocks: Iterable[IntervalBlock], start: int, end: int, key: str) -> dict[int, int]:
    """start → the ReadingQuality code of each reading of the series `key` inside [start, end) that has one:
    those on the grid from its `~quality` block, the others from its `~periods~quality` block."""
    codes = {at: int(v) for at, _, v in readings_between(blocks, start, end, key + QUALITY) if v == v}
    for b in blocks:
        if b.service == key + PERIODS_QUALITY:
            codes.update(
                {at: int(v) for at, d, v in decode_periods(b) if start <= at and at + d <= end and v == v}
            )
    return codes


def readings_between(blocks: Iterable[IntervalBlock], start: int, end: int, service: str):
    """(start, duration, value) of every reading of `service` inside [start, end), in time order."""
    starts, durations, values = reading_arrays(blocks, start, end, service)
    return list(zip(starts.tolist(), durations.tolist(), values.tolist(), strict=True))


def hourly_table(blocks: Iterable[IntervalBlock], service: str = "electric"):
    """An Arrow table (customer_id, ts TIMESTAMPTZ UTC, kwh) of the blocks' readings summed to hours, for
    DuckDB or Spark: every reading held, grid and off the grid (`_readings_over`), in the hour it starts in,
    so that a local month of hours adds up to what the usage pages count in it (a reading whole in the month
    it starts in: `readings_starting_in`). Missing ones are left out. Energy only: a demand series' readings
    do not add up (`month_figure`)."""
    if is_demand(service):
        raise ValueError(f"{service} is a demand series: its readings are not added up to hours")

    by_customer: dict[int, list[IntervalBlock]] = {}
    for b in blocks:
        if b.service in (service, service + PERIODS):
            by_customer.setdefault(b.customer_id, []).append(b)
    ids, stamps, values = [np.array([], np.int64)], [np.array([], "datetime64[s]")], [np.array([])]
    for customer_id, held in by_customer.items():
        starts, _durations, vals = _readings_over(held, 0, 2**62, service)
        hours, index = np.unique(starts // 3600 * 3600, return_inverse=True)
        ids.append(np.full(len(hours), customer_id, dtype=np.int64))
        stamps.append(hours.astype("datetime64[s]"))
        values.append(np.bincount(index, weights=vals, minlength=len(hours)))
    return pa.table(
        {
            "customer_id": pa.array(np.concatenate(ids)),
            "ts": pa.array(np.concatenate(stamps), type=pa.timestamp("s", tz="UTC")),
            "kwh": pa.array(np.concatenate(values), type=pa.float64()),
        }
    )


def readings_kept_since() -> int:
    """The first instant (Unix time) of the earliest month whose readings the retention schedule still keeps
    reading by reading (its `interval_readings` item): the retention run sums every earlier month to its
    total, so a file's readings from before it are refused rather than stored to be destroyed."""
    first_day = current_policy().retention_schedule["interval_readings"].first_day_kept(timezone.localdate())
    month_start = datetime.combine(first_day.replace(day=1), datetime.min.time(), tzinfo=LOCAL)
    return int(month_start.timestamp())


def upload_bounds(*, fetched_by: Actor, customer_id: int) -> ReadingBounds:
    """What a customer's own upload may hold (`ReadingBounds`): readings no larger than the meter of their
    class reads, from the start of the period interval readings are kept (`readings_kept_since`, the bound a
    staff import is held to as well): a customer who moved from another utility may bring the years the
    utility would still hold, and no reading from before. Asked by the customer (or their representative)
    uploading, of their own records; anyone else asks for nothing (a ValueError)."""
    if not fetched_by.reads_own(customer_id):
        raise ValueError("an upload's bounds are the uploading customer's own")
    customer = Customer.objects.filter(pk=customer_id).values("customer_class").first()
    return ReadingBounds(
        customer_class=customer["customer_class"] if customer else "residential",
        since=readings_kept_since(),
    )


def parse_green_button(stream, progress=None, *, bounds: ReadingBounds | None = None) -> ImportResult:
    """ESPI XML or Green Button CSV, told apart by the first character after any byte-order mark and blanks
    (`<` for XML; either in UTF-8 or UTF-16, CSV in Windows-1252 too: `csv_text`; a file that is not text
    is refused, named by what it is: `not_text_because`); `bounds` for a customer's own upload
    (`upload_bounds`). A staff import is held to the retention period of interval readings
    (`readings_kept_since`) and to what any meter reads."""
    bounds = bounds or ReadingBounds(customer_class=None, since=readings_kept_since())

    head = stream.read(512)
    stream.seek(0)
    if starts_as_xml(head):
        return parse_espi(stream, progress=progress, bounds=bounds)
    data = stream.read()
    text = csv_text(data)
    if text is None:  # named by what the file is, and what to do about it
        result = ImportResult(complete=False)
        result.problems.append(Problem(None, not_text_because(data)))
        return result
    return parse_green_button_csv(text, bounds=bounds)
