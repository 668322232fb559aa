"""Reading Green Button (NAESB ESPI) "Download My Data" files: streaming, validated, hostile-input safe, and
never losing a reading silently.

- Streaming: entries are handled as they end and then cleared; each MeterReading's readings are kept
  compactly (`_RawSeries`: runs of readings one interval apart in memory, and the values as the file wrote
  them, two bytes a reading for a home's quarter-hour Wh, put aside in pieces in a scratch file of the
  parse, sealed under a key only the process holds and without a name: custodian.vault.scratch), so what
  the parse holds in memory does not grow with the readings a file holds, nor with its text.
- Validated: every resource (UsagePoint, MeterReading, ReadingType, IntervalBlock, LocalTimeParameters …)
  is checked against the ESPI 4.0 schema in `reference/greenbutton/schema/`; what the schema rejects is
  reported with its line and the schema's words. The readings of a block that fails are read one by one, so
  one bad reading costs that reading, not the month. An IntervalBlock of the plain shape nearly every file
  uses (an interval, then readings of a timePeriod and a value, numbers written as digits) is proven to
  follow the schema by a stricter check that costs a fraction of it (`_plain_block`): a DTD of that shape
  and the numbers' digits and ranges; any block it does not prove goes to the schema as before.
- Safe: a file with a DOCTYPE is refused outright (entity expansion, external entities): its prolog is read
  as text before the XML reader sees a byte (`_doctype_first`), so no entity is declared, let alone expanded;
  the parser never resolves entities, never loads a DTD and never touches the network.
- Possible: a delivered (forward) reading below zero is refused, as the CSV layout refuses one, for every
  service. A customer's own upload (`ReadingBounds`) is held to what their meter could read and to the
  period they may bring: see `CUSTOMER_PER_HOUR`.
- Every layout the standard allows: several IntervalBlocks in one entry; absolute, relative
  (`ReadingType/07`) and missing hrefs (missing ones fall back to document order, and that is reported);
  several UsagePoints and MeterReadings kept apart (each MeterReading is its own series); whitespace around
  numbers and enumerations; ReadingQuality kept, 0 ("valid") among the codes (`NO_QUALITY`); intervals of
  any length (five minutes to billing periods).
- Honest: the result counts the readings read and refused; a file that ends early is incomplete, so a
  caller never imports half a file silently.

The hierarchy is carried by links: an IntervalBlock's `up` is its MeterReading's `…/IntervalBlock`
collection, a MeterReading's `up` is its UsagePoint's `…/MeterReading` collection, and a MeterReading's
`related` link names its ReadingType.

One module (over 400 lines) on purpose: the reader is one streaming pass in which the schema check, the
placing of readings and the counts of what was read, stored, replaced and refused depend on each other's
state; split, that state would be passed between modules entry by entry.
"""

import bisect
import codecs
import csv
import io
import math
import re
import warnings
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from typing import BinaryIO, NamedTuple

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext
from lxml import etree

from custodian.bounds import ascii_decimal, ascii_whole
from custodian.csvfile import separator_used
from custodian.customers.choices import Service
from custodian.usage.espi import ATOM_NS, ESPI_NS, SERVICE_OF_KIND, UNIT_OF_UOM, csv_type_service
from custodian.usage.file_refusals import (
    BLOCK_WITHOUT_LINK,
    BLOCK_WITHOUT_METER_READING,
    METER_READING_WITHOUT_USAGE_POINT,
    MORE_REFUSED,
    MORE_SCHEMA_ERRORS,
    OF_UNKNOWN_SERVICE,
    Refusals,
)
from custodian.vault.interval_files import LOCAL, month_bounds, store_dir
from custodian.vault.scratch import Scratch

ATOM = f"{{{ATOM_NS}}}"
ESPI = f"{{{ESPI_NS}}}"
# ESPI units a meter may send that Custodian does not hold (bills neither read nor show them), named in the
# refusal: apparent and reactive power and energy.
UOM_NOT_HELD = {
    61: "VA, apparent power",
    63: "VAr, reactive power",
    71: "VAh, apparent energy",
    73: "VArh, reactive energy",
}
FLOW_DIRECTIONS = {1: "forward", 4: "net", 19: "reverse"}
# ESPI's UnitMultiplierKind: the powers of ten a ReadingType may scale its readings by.
POWERS_OF_TEN = frozenset((-12, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12))
# A reading starts from 1970 (Unix time 0) and before the store's last month (local December 2999): a time
# before or after has no month to be sealed in.
FIRST_START, LAST_START = 0, month_bounds("2999-12")[0]
MAX_DURATION = 2**31 - 1  # seconds (68 years): ESPI's UInt32, below what a month's arithmetic overflows
MAX_QUALITY = 255  # ESPI's QualityOfReading codes are a UInt8
# A reading without a ReadingQuality, where codes are held as whole numbers: ESPI's code 0 says "valid" and is
# kept as the file gave it, so "none given" is a number no code is.
NO_QUALITY = -1
# Offsets of a LocalTimeParameters, in seconds: UTC−12 to UTC+14, and a daylight saving shift up to 2 hours.
TZ_OFFSETS, DST_OFFSETS = range(-12 * 3600, 14 * 3600 + 1), range(0, 2 * 3600 + 1)
SCHEMA_MESSAGES_PER_RESOURCE = 5
# The most a reading may hold for each hour of its interval, by unit (powerOfTenMultiplier applied): far above
# what any one customer of a city utility draws, so that only a wrong unit or multiplier, or a corrupt value,
# is refused, never a real reading. Electricity: 100 MWh an hour, a 100 MW load (a utility of Owatonna's size
# peaks at about 100 MW for the whole city; its largest plants draw a few MW); demand (W) is held to the same
# 100 MW whatever the interval's length. Gas: 10,000 therms an hour (a billion BTU an hour, ten times a large
# factory's boiler plant), as ft³ (1,000,000) and m³ (30,000) alike. Water: 1,000,000 gallons an hour (16,700
# gallons a minute, more than a 24-inch main carries).
PLAUSIBLE_PER_HOUR = {"Wh": 1e8, "W": 1e8, "therm": 1e4, "ft3": 1e6, "m3": 3e4, "gal": 1e6}


# A customer's own upload (the portal) is held to what the meter of a customer of that class could read in an
# hour, by service and unit (powerOfTenMultiplier applied); the tariff names no meter sizes, so the bounds are
# the largest service a customer of the class is connected with. Electricity: a home's service is at most
# 400 A at 240 V (96 kW), so 100 kWh an hour (and 100 kW of demand); a small business's at most 2,000 A at
# 480 V three-phase (1.66 MW), so 2,000 kWh an hour. Gas: a home's diaphragm meter passes at most about
# 1,000 ft³ an hour (10 therms, 28.3 m³); a business's rotary meter 20,000 ft³ (200 therms, 566 m³). Water: a
# home's 1-inch meter at most 50 gallons a minute (3,000 gallons, 401 ft³, 11.4 m³ an hour); a business's
# 4-inch meter 500 gallons a minute (30,000 gallons, 4,010 ft³, 113.6 m³ an hour).
CUSTOMER_PER_HOUR = {
    "residential": {
        "electric": {"Wh": 1e5, "W": 1e5},
        "gas": {"therm": 10, "ft3": 1e3, "m3": 28.3},
        "water": {"gal": 3e3, "ft3": 401, "m3": 11.4},
    },
    "commercial": {
        "electric": {"Wh": 2e6, "W": 2e6},
        "gas": {"therm": 200, "ft3": 2e4, "m3": 566},
        "water": {"gal": 3e4, "ft3": 4010, "m3": 113.6},
    },
}
# How the refusal names the meter a customer of each class has.
CUSTOMER_METER = {
    "residential": gettext_noop("a home's meter"),
    "commercial": gettext_noop("a business's meter"),
}


@dataclass(frozen=True)
class ReadingBounds:
    """What a file may hold: readings starting from `since` (Unix time) and, for a customer's own upload, no
    larger than the meter of a customer of `customer_class` reads (`CUSTOMER_PER_HOUR`); a staff import
    (`customer_class` None) is held to what any meter reads (`plausible_most`)."""

    customer_class: str | None
    since: int

    @property
    def staff_import(self) -> bool:
        """Whether staff import the file for a customer (no customer class), rather than the customer
        uploading their own: the words of a refusal are theirs."""
        return self.customer_class is None

    def most(self, service: str, unit: str, durations):
        if self.customer_class is None:
            return plausible_most(unit, durations)
        per_hour = CUSTOMER_PER_HOUR.get(self.customer_class, CUSTOMER_PER_HOUR["residential"])
        most = per_hour.get(service, {}).get(unit)
        if most is None:
            return plausible_most(unit, durations)
        return most + 0 * durations if unit == "W" else most * durations / 3600

    def meter(self) -> str:
        return CUSTOMER_METER.get(self.customer_class, CUSTOMER_METER["residential"])


def plausible_most(unit: str, durations):
    """The most a reading of `unit` lasting `durations` seconds (a number or an array) may hold."""
    if unit == "W":  # a demand is a rate: its bound does not grow with the interval
        return PLAUSIBLE_PER_HOUR[unit] + 0 * durations
    return PLAUSIBLE_PER_HOUR[unit] * durations / 3600


def local_time(epoch: int) -> str:
    """An instant as the utility's local time with its offset, as problems name a reading."""
    return datetime.fromtimestamp(epoch, LOCAL).strftime("%Y-%m-%d %H:%M%z")


class Refused(NamedTuple):
    """A reading refused: the problem's words (`text`, filled from `values`) and why it is counted (`why`, a
    key of `WHY_REFUSED`, filled from `why_values`: `ImportResult.refuse`)."""

    text: str
    values: dict
    why: str
    why_values: tuple = ()


def reading_refusal(
    start: int, duration: int, value: float, unit: str, now: int, *, service="", flow=None, bounds=None
) -> Refused | None:
    """Why a reading is refused whatever file it came in (CSV or ESPI, a customer's upload or a staff
    import); None when it is kept. A reading that ends after `now` has not been used yet (a wrong date or
    clock: the store would keep a reading no page shows until that day), a delivered (`flow` 1) one below
    zero is no use, and one beyond `plausible_most` no meter reads; `bounds` holds a file to the period
    readings are kept and, a customer's upload, to their meter's size. The words are those of who imports:
    the customer uploading their own file, or staff importing one for a customer (`ReadingBounds`)."""
    if start + duration > now:
        return Refused(
            gettext_noop(
                "the reading from %(start)s to %(end)s ends after now: only use that has happened is stored; "
                "reading refused"
            ),
            {"start": local_time(start), "end": local_time(start + duration)},
            "future",
        )
    if flow == 1 and value < 0:
        return Refused(
            gettext_noop(
                "the reading from %(start)s holds %(value)s %(unit)s, below zero: a forward (delivered) "
                "reading carries delivered use only; reading refused"
            ),
            {"start": local_time(start), "value": f"{value:g}", "unit": unit},
            "below_zero",
        )
    if bounds is not None and start < bounds.since:
        since = local_time(bounds.since)[:10]
        return Refused(
            gettext_noop(
                "the reading from %(start)s is before %(since)s: interval readings are kept from %(since)s "
                "under the retention schedule, so a file imported for a customer may hold readings from then "
                "until now; reading refused"
            )
            if bounds.staff_import
            else gettext_noop(
                "the reading from %(start)s is before %(since)s: a file you upload may hold readings from "
                "%(since)s until now; reading refused"
            ),
            {"start": local_time(start), "since": since},
            "too_old",
            (("since", since),),
        )
    if bounds is not None and not bounds.staff_import and abs(value) > bounds.most(service, unit, duration):
        return Refused(
            gettext_noop(
                "the reading from %(start)s holds %(value)s %(unit)s, more than %(meter)s reads in "
                "%(minutes)s minutes (at most %(most)s): reading refused"
            ),
            {
                "start": local_time(start),
                "value": f"{value:g}",
                "unit": unit,
                "meter": Word(bounds.meter()),
                "minutes": duration // 60,
                "most": f"{bounds.most(service, unit, duration):g}",
            },
            "beyond_meter",
        )
    if abs(value) > plausible_most(unit, duration):
        return Refused(
            gettext_noop(
                "the reading from %(start)s holds %(value)s %(unit)s, more than any meter reads in "
                "%(minutes)s minutes (at most %(most)s): reading refused"
            ),
            {
                "start": local_time(start),
                "value": f"{value:g}",
                "unit": unit,
                "minutes": duration // 60,
                "most": f"{plausible_most(unit, duration):g}",
            },
            "beyond_meter",
        )
    return None


_NS = {"e": ESPI_NS}
_X_COUNT = etree.XPath("count(e:IntervalReading)", namespaces=_NS)
# Each reading's timePeriod children in schema order (duration, then start): one pass instead of two.
_X_PERIODS = etree.XPath("e:IntervalReading/e:timePeriod/*/text()", namespaces=_NS, smart_strings=False)
_X_VALUES = etree.XPath("e:IntervalReading/e:value/text()", namespaces=_NS, smart_strings=False)


@cache
def espi_schema() -> etree.XMLSchema:
    """The ESPI 4.0 schema shipped with the repository (it imports Atom and a local `xml:` stand-in)."""
    path = settings.BASE_DIR / "reference" / "greenbutton" / "schema" / "espi.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@dataclass(frozen=True)
class Reading:
    usage_point: str
    meter_reading: str
    start: int  # UTC epoch seconds
    duration: int  # seconds
    value: float  # in `unit`, powerOfTenMultiplier applied
    unit: str
    flow_direction: int  # 1 forward, 4 net, 19 reverse
    quality: int = NO_QUALITY  # ESPI QualityOfReading (NO_QUALITY: none given)
    power: int = 0  # the file's powerOfTenMultiplier (CCF: ft3 with 2)


class MeterSeries:
    """One MeterReading's readings, in file order: arrays, not objects, so a big file stays small.

    Read from a file, a series is held compactly and in time order (`_RawSeries`: runs of readings one
    interval apart, and the values as the file wrote them, put aside in the parse's scratch file); the store
    takes it a month at a time (`readings_in`), made from the compact form alone. Its whole arrays (`starts`,
    `durations`, `values`, `qualities`) are made when asked, and only the series asked last keeps them
    (`_Expanded`). Given arrays (readings one by one: CSV, tests), it holds those."""

    def __init__(
        self,
        usage_point: str,
        meter_reading: str,
        unit: str,
        flow_direction: int,
        starts=None,  # int64 UTC epoch seconds
        durations=None,  # int64 seconds
        values=None,  # float64, in `unit`, powerOfTenMultiplier applied
        qualities=None,  # int16, NO_QUALITY where none was given
        power: int = 0,  # the file's powerOfTenMultiplier: the metered unit's scale (CCF: ft3 with 2)
        *,
        raw: "_RawSeries | None" = None,
        expanded: "_Expanded | None" = None,
    ):
        self.usage_point, self.meter_reading, self.unit = usage_point, meter_reading, unit
        self.flow_direction, self.power = flow_direction, power
        self._raw, self._expanded = raw, expanded
        self._arrays = None if raw is not None else (starts, durations, values, qualities)

    def __len__(self) -> int:
        return self._raw.count if self._raw is not None else len(self._arrays[0])

    def _columns(self) -> tuple:
        if self._arrays is not None:
            return self._arrays
        if self._expanded.owner is not self:
            self._expanded.owner = self
            self._expanded.arrays = self._raw.arrays(self.power)
        return self._expanded.arrays

    def span(self) -> tuple[int, int, int]:
        """The first start, the last start and the latest end of the readings (a series holds one or more)."""
        if self._raw is not None:
            return self._raw.span()
        starts, durations = self._arrays[0], self._arrays[1]
        return int(starts.min()), int(starts.max()), int((starts + durations).max())

    def readings_in(self, start: int, end: int) -> tuple:
        """starts, durations, values and qualities of the readings that start in [start, end), in the order
        held. A series read from a file is held in time order (`_Reader.finish`): its readings of a month
        are made from the compact form alone, never the whole series' arrays."""
        if self._raw is not None:
            first, after = self._raw.index_at(start), self._raw.index_at(end)
            return self._raw.arrays(self.power, first, after)
        pick = (self._arrays[0] >= start) & (self._arrays[0] < end)
        return tuple(column[pick] for column in self._arrays)

    def latest_end_in(self, start: int, end: int) -> int | None:
        """The latest end of the readings that start in [start, end), None for none: for a series read from
        a file, from its runs alone (no value taken back)."""
        if self._raw is not None:
            first, after = self._raw.index_at(start), self._raw.index_at(end)
            if after <= first:
                return None
            starts, durations = self._raw._times(first, after)
        else:
            pick = (self._arrays[0] >= start) & (self._arrays[0] < end)
            starts, durations = self._arrays[0][pick], self._arrays[1][pick]
        return int((starts + durations).max()) if len(starts) else None

    starts = property(lambda self: self._columns()[0])  # int64 UTC epoch seconds
    durations = property(lambda self: self._columns()[1])  # int64 seconds
    values = property(lambda self: self._columns()[2])  # float64, in `unit`, powerOfTenMultiplier applied
    qualities = property(lambda self: self._columns()[3])  # int16, NO_QUALITY where none was given


class _Expanded:
    """The arrays of the one compact series asked last (see `MeterSeries`)."""

    __slots__ = ("owner", "arrays")

    def __init__(self):
        self.owner, self.arrays = None, None


class Word(str):
    """A word in a problem read in the customer's language with the problem: a utility service's name
    (`electric`, `gas`, `water`, `unknown`, translated in the "utility service" context) or a meter's ("a
    home's meter")."""


def _word_in_language(word: str) -> str:
    translated = pgettext("utility service", word)
    return gettext(word) if translated == word else translated


class SeriesNames(str):
    """One or more series of a customer's readings named in a problem: each its service's name, with its usage
    point past the customer's first, its flow other than delivered, and demand, in parentheses (`electric`,
    `electric (usage point 2, net)`), never the store's key (`electric#2_net`). Read in English as a str, in
    the customer's language with the problem. `parts` are each series' (service, point, flow, demand)."""

    parts: tuple[tuple[str, int, int, bool], ...]

    def __new__(cls, parts):
        named = super().__new__(cls, _series_words(parts, translate=False))
        named.parts = tuple(parts)
        return named

    def in_language(self) -> str:
        """The same names in the active language (`electricidad (demanda)`)."""
        return _series_words(self.parts, translate=True)


# The words for a series' flow other than delivered (ESPI flowDirection) and for demand: those the Green
# Button download names its series with.
_FLOW_WORDS = {4: "net", 19: "received from the customer"}
_DEMAND_WORD = "demand"


def _series_words(parts, *, translate: bool) -> str:
    def word(text: str) -> str:
        return pgettext("a Green Button series", text) if translate else text

    names = []
    for service, point, flow, demand in parts:
        more = [
            gettext("usage point %(number)d") % {"number": point} if translate else f"usage point {point}"
        ]
        more = (more if point != 1 else []) + ([word(_FLOW_WORDS[flow])] if flow in _FLOW_WORDS else [])
        more += [word(_DEMAND_WORD)] if demand else []
        name = _word_in_language(service) if translate else service
        names.append(f"{name} ({', '.join(more)})" if more else name)
    return ", ".join(names)


def _value_in_language(value):
    if isinstance(value, SeriesNames):
        return value.in_language()
    if isinstance(value, Word):
        return _word_in_language(value)
    return value.in_language if isinstance(value, Refusals) else value


@dataclass(frozen=True)
class Problem:
    """Something a file holds that was not read or kept, with its line. `text` is its words in English with
    `%(name)s` placeholders filled from `values`, marked for translation where the problem is made:
    `message` reads it in English (the staff console, the command), `in_language` in the active language
    (the customer's upload page). Words with a count have a `plural` (`text` is then the singular, chosen
    by `values["count"]`, marked with `plural_noop`). A value that is a `Word` is translated too, as are
    `Refusals`; numbers, times and the file's own text are shown as they are."""

    line: int | None
    text: str
    values: dict = field(default_factory=dict, hash=False)
    # A text that counts (`%(count)s`) has its plural here, the text being its singular: each language
    # chooses the form its count needs (`ngettext`).
    plural: str = ""

    @property
    def message(self) -> str:
        text = self.text if not self.plural or self.values.get("count") == 1 else self.plural
        return text % self.values if self.values else text

    @property
    def in_language(self) -> str:
        text = ngettext(self.text, self.plural, self.values["count"]) if self.plural else gettext(self.text)
        if not self.values:
            return text
        return text % {k: _value_in_language(v) for k, v in self.values.items()}


@dataclass(frozen=True)
class LocalTime:
    """A file's LocalTimeParameters: standard offset and DST shift in seconds, and its DST rules."""

    tz_offset: int
    dst_offset: int
    dst_start_rule: str
    dst_end_rule: str


class ImportResult:
    """What a file held: its readings by MeterReading (`series`), its usage points (href → service), the
    problems (each with its line) and notes (what was inferred, e.g. a missing link taken from document
    order). `readings_read` counts every IntervalReading met; `readings_refused` those not kept, each
    counted by why in `refused_why` (`refuse`)."""

    def __init__(self, readings=None, usage_points=None, problems=None, complete=True):
        self.series: list[MeterSeries] = []
        self.loose: list[Reading] = list(readings or [])  # readings given one by one (CSV, tests)
        self.usage_points: dict[str, str] = dict(usage_points or {})
        self.problems: list[Problem] = list(problems or [])
        self.notes: list[Problem] = []
        self.local_time: list[LocalTime] = []
        self.complete = complete  # False: the file could not be read to its end (or was refused)
        self.readings_read = len(self.loose)
        self.readings_refused = 0
        # (a key of WHY_REFUSED, its values as sorted pairs) → readings refused for it
        self.refused_why: Counter = Counter()

    def refuse(self, count: int, why: str, **values) -> None:
        """`count` readings refused, counted under `why` (a key of `WHY_REFUSED`, filled from `values`)."""
        self.readings_refused += count
        self.refused_why[(why, tuple(sorted(values.items())))] += count

    @property
    def ok(self) -> bool:
        return self.complete and not self.problems

    @property
    def readings(self) -> list[Reading]:
        """Every reading as an object (for small files and tests; the import itself uses `all_series`)."""
        out = list(self.loose)
        for s in self.series:
            out += [
                Reading(
                    s.usage_point, s.meter_reading, int(a), int(d), float(v), s.unit, s.flow_direction, int(q)
                )
                for a, d, v, q in zip(s.starts, s.durations, s.values, s.qualities, strict=True)
            ]
        return out

    def all_series(self) -> list[MeterSeries]:
        """`series` plus the loose readings grouped into series of their own."""
        grouped: dict[tuple, list[Reading]] = {}
        for r in self.loose:
            grouped.setdefault(
                (r.usage_point, r.meter_reading, r.unit, r.flow_direction, r.power), []
            ).append(r)
        extra = [
            MeterSeries(
                up,
                mr,
                unit,
                flow,
                np.array([r.start for r in rs], dtype=np.int64),
                np.array([r.duration for r in rs], dtype=np.int64),
                np.array([r.value for r in rs], dtype=np.float64),
                np.array([r.quality for r in rs], dtype=np.int16),
                power,
            )
            for (up, mr, unit, flow, power), rs in grouped.items()
        ]
        return self.series + extra


def href_key(href: str | None) -> str:
    """An href as a key that absolute and relative links to one resource share: the path after
    `…/resource/` (or the whole path), without scheme, host and surrounding slashes."""
    h = (href or "").strip()
    h = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", h)
    at = h.find("/resource/")
    if at >= 0:
        h = h[at + len("/resource/") :]
    return h.strip("/")


def _links(entry) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for link in entry.iterfind(f"{ATOM}link"):
        links.setdefault((link.get("rel") or "").strip(), []).append(href_key(link.get("href")))
    return links


def _number(text) -> int | None:
    try:
        return ascii_whole(text or "")  # the digits 0 to 9 only: int() reads "٣" as 3
    except ValueError:
        return None


_INT64 = np.iinfo(np.int64)


def _whole_numbers(texts: list[str]) -> np.ndarray | None:
    """The texts as 64-bit integers (whitespace around each allowed, as int() allows it), or None if any
    is not one whole number. numpy stops at the first text it cannot read (the count then falls short, a
    warning that says so is turned into this None) and clamps a number past 64 bits to the limit, which is
    taken as not read."""
    numbers = _whole_numbers_joined(" ".join(texts), " ")
    if numbers is None or len(numbers) != len(texts):
        return None
    return numbers


def _whole_numbers_joined(joined: str | bytes, sep: str) -> np.ndarray | None:
    """The numbers of `joined` (texts joined by `sep`) as 64-bit integers, or None when numpy stops before
    its end or a number is past 64 bits (clamped to the limit, taken as not read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            numbers = np.fromstring(joined, dtype=np.int64, sep=sep)
    except (ValueError, DeprecationWarning):
        return None
    if (numbers == _INT64.max).any() or (numbers == _INT64.min).any():
        return None
    return numbers


# An IntervalBlock of the plain shape: an optional interval, then IntervalReadings of a timePeriod (duration,
# start) and a value each, no other element, no attribute, in ESPI's namespace as the default one. A block
# this DTD accepts, whose every duration, start and value is one number written `-?[0-9]+` within the schema's
# range, follows the ESPI schema (IntervalBlock, IntervalReading and DateTimeInterval allow this sequence;
# UInt32, TimeType and Int48 these numbers), so it needs no schema pass: libxml2's DTD check walks the block
# in about a third of the schema's time. The DTD is stricter than the schema (an extension, a cost, a
# ReadingQuality, an xsi: attribute, a prefixed name, whitespace around a number, a duration of 0 are all
# left to the schema), and never looser: test_greenbutton_plain_blocks.py checks both checks' verdicts on
# the same blocks, valid and not.
_PLAIN_BLOCK_DTD = f"""
<!ELEMENT IntervalBlock (interval?, IntervalReading*)>
<!ATTLIST IntervalBlock xmlns CDATA #FIXED "{ESPI_NS}">
<!ELEMENT interval (duration, start)>
<!ELEMENT IntervalReading (timePeriod, value)>
<!ELEMENT timePeriod (duration, start)>
<!ELEMENT duration (#PCDATA)>
<!ELEMENT start (#PCDATA)>
<!ELEMENT value (#PCDATA)>
"""
# Every text of a block in document order (one XPath pass); the leaves' texts only, for an indented block.
_X_TEXTS = etree.XPath(".//text()", smart_strings=False)
_X_INTERVAL = etree.XPath("e:interval/*/text()", namespaces=_NS, smart_strings=False)
_NOT_DIGITS = b"0123456789,-"
_TEXTS_A_PART = 1536  # a block's texts read at once: a sixth of a month of quarter hours' readings
_UINT32_MOST = 2**32 - 1  # the schema's UInt32 (a duration)
_INT48_MOST = 2**47  # the schema's Int48 bounds (a value): -2**47 to 2**47


@cache
def plain_block_shape() -> etree.DTD:
    """The DTD of a plain IntervalBlock (see `_PLAIN_BLOCK_DTD`)."""
    return etree.DTD(io.StringIO(_PLAIN_BLOCK_DTD))


def _digits_only(texts: list[str]) -> np.ndarray | None:
    """The texts as 64-bit integers when each is exactly one number written `-?[0-9]+` (no whitespace, no
    `+`, at least one digit), else None. numpy's reader alone is looser (it reads `+ 5`, and a blank text as
    0), so the bytes are checked first: only digits, commas and minus signs, a minus sign only where a text
    starts, no empty text. Read a part at a time and emptied as it is read (the caller hands its list over),
    so a block's texts are let go as their numbers are made."""
    parts = []
    while texts:
        part = _digits_part(texts[:_TEXTS_A_PART])
        if part is None:
            return None
        parts.append(part)
        del texts[:_TEXTS_A_PART]
    return np.concatenate(parts) if parts else None


def _digits_part(texts: list[str]) -> np.ndarray | None:
    """One part of `_digits_only`'s texts, checked and read."""
    try:
        joined = ",".join(texts).encode("ascii")
    except UnicodeEncodeError:
        return None
    if (
        joined.translate(None, _NOT_DIGITS)
        or joined.count(b",") != len(texts) - 1
        or b",," in joined
        or joined.startswith(b",")
        or joined.endswith(b",")
    ):
        return None
    if b"-" in joined and (
        joined.endswith(b"-")
        or b"-," in joined
        or joined.count(b"-") != joined.count(b",-") + joined.startswith(b"-")
    ):
        return None
    numbers = _whole_numbers_joined(joined, ",")
    if numbers is None or len(numbers) != len(texts):
        return None
    return numbers


def _plain_block(resource) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A block proven to follow the ESPI schema without the schema (see `_PLAIN_BLOCK_DTD`): its readings'
    starts, durations and values (int64, in file order), or None when it is not proven (then the schema
    checks it). Each leaf holds one text at most (the parser merges adjacent text, comments and CDATA
    sections removed), so as many number texts as leaves is one number a leaf, in document order."""
    if not plain_block_shape().validate(resource):
        return None
    children = len(resource)
    interval = 1 if children and resource[0].tag == f"{ESPI}interval" else 0
    count = children - interval
    if not count:
        return None
    leaves = 2 * interval + 3 * count
    texts = _X_TEXTS(resource)
    if len(texts) == leaves:
        numbers = _digits_only(texts)
        if numbers is None:
            return None
        body = numbers[2 * interval :].reshape(count, 3)
        durations, starts, values = body[:, 0], body[:, 1], body[:, 2]
    else:  # whitespace between the elements (an indented file): the leaves' texts by their place
        texts = _X_INTERVAL(resource)
        if len(texts) != 2 * interval:
            return None
        texts += _X_PERIODS(resource)
        if len(texts) != 2 * interval + 2 * count:
            return None
        texts += _X_VALUES(resource)
        if len(texts) != leaves:
            return None
        numbers = _digits_only(texts)
        if numbers is None:
            return None
        both = numbers[2 * interval : 2 * interval + 2 * count]
        durations, starts, values = both[0::2], both[1::2], numbers[2 * interval + 2 * count :]
    # A start is any 64-bit number (TimeType): one past 64 bits was refused when read.
    all_durations = np.concatenate((numbers[:1], durations)) if interval else durations
    if (
        all_durations.min() <= 0  # 0 may be written `-0`: left to the schema
        or all_durations.max() > _UINT32_MOST
        or values.min() < -_INT48_MOST
        or values.max() > _INT48_MOST
    ):
        return None
    return starts, durations, values


# The values of a piece put aside, as the file wrote them, in the narrowest of these that holds them all: a
# home's Wh a quarter hour fits two bytes.
_VALUE_TYPES = (np.int16, np.int32, np.int64)
_VALUE_RANGES = [(int(np.iinfo(t).min), int(np.iinfo(t).max)) for t in _VALUE_TYPES]
_BY_SIZE = {np.dtype(t).itemsize: t for t in _VALUE_TYPES}
# Readings a piece put aside holds at most: a month of five-minute readings is three pieces, so what is taken
# back at once stays small whatever the size of a block.
_PIECE = 4096
# A piece as kept in memory: where it starts in the scratch file, its size there, its readings, a value's
# bytes, whether it holds quality codes.
_PIECE_FIELDS = 5


class _RawSeries:
    """A MeterReading's readings as read, before its ReadingType scales them. In memory only the runs of
    readings one interval apart (start, interval, count: 24 bytes a run, and a year of 15-minute readings in
    monthly blocks is one run); the values as whole numbers (two bytes each where they fit, else four or
    eight) and the quality codes (two bytes each, only in a piece where a reading has one) are put aside in
    pieces in the parse's scratch file (custodian.vault.scratch: sealed, nameless), 40 bytes a piece kept in
    memory to find them again. Readings read one by one wait in memory until a piece is full or the block
    ends (`flush`)."""

    __slots__ = ("runs", "pieces", "count", "lines", "scratch", "largest", "least", "_pending")

    def __init__(self, scratch):
        self.runs = array("q")  # start, interval, count of each run, flat
        self.pieces = array("q")  # _PIECE_FIELDS of each piece, flat
        self.count = 0
        self.lines: list[int] = []  # the line of each block (first reading), for problems found later
        self.scratch = scratch
        self.largest = 0  # the largest value put aside, as written (before the powerOfTenMultiplier)
        self.least = 0  # the least value put aside (below zero: a reading to look at by its flow direction)
        self._pending: tuple[array, array] | None = None  # values and qualities read one by one

    def add(self, starts: np.ndarray, durations: np.ndarray, values: np.ndarray, qualities=None):
        """Readings of one block (int64 arrays, in file order; qualities int16 or None where none given)."""
        count = len(starts)
        if not count:
            return
        self.flush()
        # A run breaks where a reading does not start where the one before ended, or lasts otherwise.
        breaks = np.flatnonzero(
            (durations[1:] != durations[:-1]) | (starts[1:] != starts[:-1] + durations[:-1])
        )
        firsts = np.concatenate(([0], breaks + 1))
        counts = np.diff(np.append(firsts, count))
        runs = np.column_stack((starts[firsts], durations[firsts], counts))
        if self._continues(int(runs[0, 0]), int(runs[0, 1])):
            self.runs[-1] += int(runs[0, 2])
            runs = runs[1:]
        self.runs.frombytes(runs.astype(np.int64).tobytes())
        self._put_aside(values, qualities)
        self.count += count

    def add_one(self, start: int, duration: int, value: int, quality: int):
        if self._continues(start, duration):
            self.runs[-1] += 1
        else:
            self.runs.extend((start, duration, 1))
        if self._pending is None:
            self._pending = (array("q"), array("h"))
        self._pending[0].append(value)
        self._pending[1].append(quality)
        self.count += 1
        if len(self._pending[0]) >= _PIECE:
            self.flush()

    def flush(self):
        """Readings read one by one put aside."""
        if self._pending is not None:
            values, qualities = self._pending
            self._pending = None
            self._put_aside(np.frombuffer(values, dtype=np.int64), np.frombuffer(qualities, dtype=np.int16))

    def _put_aside(self, values: np.ndarray, qualities: np.ndarray | None):
        for at in range(0, len(values), _PIECE):
            piece = values[at : at + _PIECE]
            low, high = int(piece.min()), int(piece.max())
            self.largest = max(self.largest, abs(low), abs(high))
            self.least = min(self.least, low)
            ranges = zip(_VALUE_TYPES, _VALUE_RANGES, strict=True)
            kind = next(t for t, (least, most) in ranges if least <= low and high <= most)
            payload = piece.astype(kind).tobytes()
            marks = None if qualities is None else qualities[at : at + _PIECE]
            if marks is not None and (marks != NO_QUALITY).any():
                payload += marks.astype(np.int16).tobytes()
            else:
                marks = None
            where, size = self.scratch.put(payload)
            self.pieces.extend((where, size, len(piece), np.dtype(kind).itemsize, marks is not None))

    def _continues(self, start: int, duration: int) -> bool:
        """Whether a reading of `start` and `duration` follows the last run without a gap."""
        if not self.runs:
            return False
        last_start, last_duration, last_count = self.runs[-3:]
        return duration == last_duration and start == last_start + last_duration * last_count

    def _taken_back(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """The values (int64, as the file wrote them) and quality codes (int16, NO_QUALITY where none was
        given) of the readings `first` to `end`, from the pieces that hold them."""
        self.flush()
        table = np.frombuffer(self.pieces, dtype=np.int64).reshape(-1, _PIECE_FIELDS)
        before = np.cumsum(table[:, 2]) - table[:, 2]  # readings held before each piece
        values, qualities = [], []
        for n in range(
            int(np.searchsorted(before, first, side="right")) - 1, int(np.searchsorted(before, end))
        ):
            where, size, count, width, marked = (int(x) for x in table[n])
            payload = self.scratch.take(where, size)
            low, high = max(first - int(before[n]), 0), min(end - int(before[n]), count)
            values.append(
                np.frombuffer(payload, dtype=_BY_SIZE[width], count=count)[low:high].astype(np.int64)
            )
            if marked:
                qualities.append(np.frombuffer(payload, dtype=np.int16, offset=count * width)[low:high])
            else:
                qualities.append(np.full(high - low, NO_QUALITY, dtype=np.int16))
        if not values:
            return np.zeros(0, np.int64), np.zeros(0, np.int16)
        return np.concatenate(values), np.concatenate(qualities)

    def run_table(self) -> np.ndarray:
        return np.frombuffer(self.runs, dtype=np.int64).reshape(-1, 3)

    def increasing(self) -> bool:
        """Whether every start is later than the one before (no start read twice), from the runs alone."""
        table = self.run_table()
        if ((table[:, 1] <= 0) & (table[:, 2] > 1)).any():
            return False
        last_starts = table[:, 0] + table[:, 1] * (table[:, 2] - 1)
        return bool((table[1:, 0] > last_starts[:-1]).all())

    def _times(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """starts and durations (int64) of the readings `first` to `end`, from the runs."""
        count = end - first
        table = self.run_table()
        before = np.cumsum(table[:, 2]) - table[:, 2]  # readings held before each run
        runs = slice(int(np.searchsorted(before, first, side="right")) - 1, int(np.searchsorted(before, end)))
        table, before = table[runs], before[runs]
        skip = first - int(before[0])  # readings of the first run before `first`
        counts = table[:, 2].copy()
        counts[0] -= skip
        counts[-1] -= int(before[-1] + table[-1, 2]) - end
        durations = np.repeat(table[:, 1], counts)
        steps = np.arange(count, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        steps[: counts[0]] += skip
        return np.repeat(table[:, 0], counts) + steps * durations, durations

    def arrays(self, power: int, first: int = 0, end: int | None = None) -> tuple:
        """starts, durations (int64), values (float64, powerOfTenMultiplier applied), qualities (int16) of
        the readings `first` to `end` (in the order held; all by default)."""
        end = self.count if end is None else end
        if end - first <= 0:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0), np.zeros(0, np.int16)
        starts, durations = self._times(first, end)
        values, qualities = self._taken_back(first, end)
        values = values.astype(np.float64)
        values *= 10.0**power
        return starts, durations, values, qualities

    def index_at(self, moment: int) -> int:
        """How many readings start before `moment`, for readings whose starts only increase."""
        table = self.run_table()
        if not len(table):
            return 0
        run = int(np.searchsorted(table[:, 0], moment, side="left")) - 1  # the last run starting before it
        if run < 0:
            return 0
        start, interval, count = (int(x) for x in table[run])
        held = int(table[:run, 2].sum())
        inside = count if interval <= 0 else min(count, -(-(moment - start) // interval))
        return held + inside

    def span(self) -> tuple[int, int, int]:
        """The first start, the last start and the latest end of the readings (counted from the runs)."""
        table = self.run_table()
        last_starts = table[:, 0] + table[:, 1] * (table[:, 2] - 1)
        return int(table[:, 0].min()), int(last_starts.max()), int((last_starts + table[:, 1]).max())

    def without(self, refused: np.ndarray) -> "_RawSeries":
        """A new compact series of the readings not `refused` (a mask over the readings in the order held)."""
        starts, durations = self._times(0, self.count)
        values, qualities = self._taken_back(0, self.count)
        keep = ~refused
        out = _RawSeries(self.scratch)
        out.lines = self.lines
        out.add(starts[keep], durations[keep], values[keep], qualities[keep])
        return out

    def sorted_once(self) -> tuple["_RawSeries", int, int | None]:
        """The readings in time order, the first of two readings of one start kept (file order): a new
        compact series, how many readings were left out, and the start of the first left out. The one step
        that holds a whole series in memory: a series read out of time order is sorted at once."""
        starts, durations = self._times(0, self.count)
        values, qualities = self._taken_back(0, self.count)
        first_of = np.unique(starts, return_index=True)[1]  # in time order, each start's first reading
        dropped = self.count - len(first_of)
        repeated = None
        if dropped:
            keep = np.zeros(self.count, dtype=bool)
            keep[first_of] = True
            repeated = int(starts[~keep][0])
        out = _RawSeries(self.scratch)
        out.lines = self.lines
        out.add(starts[first_of], durations[first_of], values[first_of], qualities[first_of])
        return out, dropped, repeated


def _schema_problems(resource, kind: str) -> list[Problem]:
    schema = espi_schema()
    if schema.validate(resource):
        return []
    errors = list(schema.error_log)
    out = [
        Problem(
            e.line,
            gettext_noop("%(kind)s does not follow the ESPI schema: %(error)s"),
            {"kind": kind, "error": e.message},
        )
        for e in errors[:SCHEMA_MESSAGES_PER_RESOURCE]
    ]
    if len(errors) > SCHEMA_MESSAGES_PER_RESOURCE:
        out.append(
            Problem(
                resource.sourceline,
                MORE_SCHEMA_ERRORS[0],
                {"kind": kind, "count": len(errors) - SCHEMA_MESSAGES_PER_RESOURCE},
                plural=MORE_SCHEMA_ERRORS[1],
            )
        )
    return out


class _Reader:
    def __init__(self, result: ImportResult, bounds: "ReadingBounds | None" = None):
        self.result = result
        self.bounds = bounds
        self.order = 0
        self.usage_points: dict[str, int] = {}  # key → document order
        self.meter_readings: dict[
            str, tuple[str | None, str | None, int, int]
        ] = {}  # key → (up, rt, order, line)
        self.reading_types: dict[
            str, tuple[int, tuple | None]
        ] = {}  # key → (order, (unit, power, flow) | None)
        self.raw: dict[str, _RawSeries] = {}
        self.scratch: Scratch | None = None  # where the readings' values are put aside (one file a parse)
        self.last_usage_point: str | None = None
        self.last_meter_reading: str | None = None
        self.foreign: dict[str, int] = {}  # namespaces of resources that are not ESPI's → line
        self.now = int(timezone.now().timestamp())  # a reading that ends after it is refused

    def note(self, line, text, /, **values):
        self.result.notes.append(Problem(line, text, values))

    def problem(self, line, text, /, **values):
        self.result.problems.append(Problem(line, text, values))

    def problem_counted(self, line, words: tuple[str, str], count: int, /, **values):
        """A problem in words with a count (`plural_noop`'s singular and plural)."""
        self.result.problems.append(Problem(line, words[0], {"count": count, **values}, plural=words[1]))

    # -- resources ---------------------------------------------------------------------------------------

    def entry(self, entry):
        links = _links(entry)
        self_key = (links.get("self") or [""])[0]
        content = entry.find(f"{ATOM}content")
        if content is None:
            return
        for resource in content:
            if not isinstance(resource.tag, str):
                continue
            qname = etree.QName(resource)
            if qname.namespace != ESPI_NS:
                self.foreign.setdefault(qname.namespace or "(none)", resource.sourceline)
                continue
            self.order += 1
            handler = getattr(self, f"_{qname.localname}", None)
            if handler is None:
                continue  # usage summaries, customer data …: not readings
            if qname.localname == "IntervalBlock":
                readings = _plain_block(resource)
                if readings is not None:  # proven to follow the schema: no schema pass
                    handler(resource, links, self_key, False, readings)
                    continue
            schema_problems = _schema_problems(resource, qname.localname)
            self.result.problems.extend(schema_problems)
            handler(resource, links, self_key, bool(schema_problems))

    def _UsagePoint(self, resource, links, self_key, invalid):
        line = resource.sourceline
        if not self_key:
            self_key = f"#UsagePoint@{line}"
            self.note(
                line,
                gettext_noop(
                    "a UsagePoint without a `self` link: its MeterReadings are found by document order"
                ),
            )
        kind_text = resource.findtext(f"{ESPI}ServiceCategory/{ESPI}kind")
        service = SERVICE_OF_KIND.get(_number(kind_text), "unknown")
        if service == "unknown":
            self.problem(
                line,
                gettext_noop("UsagePoint service kind %(kind)r is not electricity (0), gas (1) or water (2)"),
                kind=kind_text,
            )
        self.result.usage_points[self_key] = service
        self.usage_points[self_key] = self.order
        self.last_usage_point = self_key

    def _LocalTimeParameters(self, resource, links, self_key, invalid):
        numbers = [_number(resource.findtext(f"{ESPI}{n}")) for n in ("tzOffset", "dstOffset")]
        if numbers[0] not in TZ_OFFSETS or numbers[1] not in DST_OFFSETS:
            texts = [resource.findtext(f"{ESPI}{n}") for n in ("tzOffset", "dstOffset")]
            self.note(
                resource.sourceline,
                gettext_noop(
                    "LocalTimeParameters tzOffset %(tz)r and dstOffset %(dst)r are not offsets in seconds "
                    "(UTC−12 to UTC+14, daylight saving up to 2 hours); days and billing periods are placed "
                    "in the utility's time zone"
                ),
                tz=texts[0],
                dst=texts[1],
            )
        else:
            self.result.local_time.append(
                LocalTime(
                    numbers[0],
                    numbers[1],
                    (resource.findtext(f"{ESPI}dstStartRule") or "").strip(),
                    (resource.findtext(f"{ESPI}dstEndRule") or "").strip(),
                )
            )

    def _ReadingType(self, resource, links, self_key, invalid):
        line = resource.sourceline
        key = self_key or f"#ReadingType@{line}"
        uom = _number(resource.findtext(f"{ESPI}uom"))
        power = _number(resource.findtext(f"{ESPI}powerOfTenMultiplier") or "0")
        flow = _number(resource.findtext(f"{ESPI}flowDirection") or "1")
        described = None
        if uom not in UNIT_OF_UOM:
            named = f" ({UOM_NOT_HELD[uom]})" if uom in UOM_NOT_HELD else ""
            self.problem(
                line,
                gettext_noop(
                    "ReadingType unit of measure %(uom)r%(named)s is not one Custodian holds (Wh, W, therm, "
                    "ft³, m³, US gallons); its readings are refused"
                ),
                uom=resource.findtext(f"{ESPI}uom"),
                named=named,
            )
        elif flow not in FLOW_DIRECTIONS:
            self.problem(
                line,
                gettext_noop(
                    "ReadingType flowDirection %(flow)r is not one Custodian holds (1 forward, 4 net, "
                    "19 reverse); its readings are refused"
                ),
                flow=resource.findtext(f"{ESPI}flowDirection"),
            )
        elif power not in POWERS_OF_TEN:
            self.problem(
                line,
                gettext_noop(
                    "ReadingType powerOfTenMultiplier %(power)r is not one ESPI defines (-12, -9, -6, -3 to "
                    "3, 6, 9, 12); its readings are refused"
                ),
                power=resource.findtext(f"{ESPI}powerOfTenMultiplier"),
            )
        else:
            described = (UNIT_OF_UOM[uom], power, flow)
        self.reading_types[key] = (self.order, described)

    def _MeterReading(self, resource, links, self_key, invalid):
        line = resource.sourceline
        key = self_key or f"#MeterReading@{line}"
        up = next((h for h in links.get("up", []) if h.endswith("/MeterReading")), None)
        usage_point = up[: -len("/MeterReading")] if up else None
        if usage_point is None:
            usage_point = self.last_usage_point  # may still be None: then the next UsagePoint
            self.note(
                line,
                gettext_noop(
                    "a MeterReading without an `up` link to its UsagePoint: taken from document order"
                ),
            )
        related = [h for h in links.get("related", []) if "ReadingType" in h]
        self.meter_readings[key] = (usage_point, related[0] if related else None, self.order, line)
        self.last_meter_reading = key

    def _IntervalBlock(self, resource, links, self_key, invalid, readings=None):
        line = resource.sourceline
        up = next((h for h in links.get("up", []) if h.endswith("/IntervalBlock")), None)
        meter = up[: -len("/IntervalBlock")] if up else None
        if meter is None:
            if self.last_meter_reading is None:
                n = int(_X_COUNT(resource))
                self.problem_counted(line, BLOCK_WITHOUT_LINK, n)
                self.result.readings_read += n
                self.result.refuse(n, "not_described")
                return
            meter = self.last_meter_reading
            self.note(
                line,
                gettext_noop("an IntervalBlock without an `up` link: given to the MeterReading before it"),
            )
        raw = self.raw.get(meter)
        if raw is None:
            if self.scratch is None:  # made for a file with readings only
                self.scratch = Scratch(store_dir())
            raw = self.raw[meter] = _RawSeries(self.scratch)
        raw.lines.append(line)
        block_start = _number(resource.findtext(f"{ESPI}interval/{ESPI}start"))
        # lxml finds no element of a name the document never used without walking the block: a file
        # without ReadingQuality pays nothing for this test.
        has_quality = readings is None and next(resource.iter(f"{ESPI}ReadingQuality"), None) is not None
        first = None
        if not invalid and not has_quality:
            first = self._fast(resource, raw, readings)
        if first is None:
            first = self._one_by_one(resource, raw, invalid)
        raw.flush()
        if block_start is not None and first is not None and first != block_start:
            self.problem(
                line,
                gettext_noop("the block's start is not its first reading's start (its readings are kept)"),
            )

    def _fast(self, resource, raw: _RawSeries, readings=None) -> int | None:
        """A block that passed the schema and has no ReadingQuality: three C-level XPath passes, and the
        numbers parsed by numpy from the texts joined (int() on each text cost more than the XPath passes);
        a plain block's `readings` (`_plain_block`: starts, durations, values) as already read. Every reading
        must have its duration, start and value, each text one whole number (else `_one_by_one` says which
        reading is wrong). The first reading's start, or None when not read here."""
        if readings is not None:
            starts, durations, v = readings
            count = len(starts)
        else:
            count = int(_X_COUNT(resource))
            periods, values = _X_PERIODS(resource), _X_VALUES(resource)
            if not (len(periods) == 2 * count and len(values) == count) or not count:
                return None
            both, v = _whole_numbers(periods), _whole_numbers(values)
            if both is None or v is None or len(both) != 2 * count or len(v) != count:
                return None
            starts, durations = both[1::2], both[0::2]
        if (
            starts.min() < FIRST_START
            or starts.max() >= LAST_START
            or durations.min() <= 0
            or durations.max() > MAX_DURATION
            or np.abs(v).max() >= 2**47
            or (starts + durations).max() > self.now
        ):
            return None  # read one by one, each reading out of range named
        raw.add(starts, durations, v)
        self.result.readings_read += count
        return int(starts[0])

    def _one_by_one(self, resource, raw: _RawSeries, schema_reported: bool) -> int | None:
        """Each reading checked and kept or refused by itself; the first kept reading's start."""
        first = None
        for reading in resource.iterfind(f"{ESPI}IntervalReading"):
            self.result.readings_read += 1
            rline = reading.sourceline
            start_text = reading.findtext(f"{ESPI}timePeriod/{ESPI}start")
            duration_text = reading.findtext(f"{ESPI}timePeriod/{ESPI}duration")
            value_text = reading.findtext(f"{ESPI}value")
            start, duration, value = _number(start_text), _number(duration_text), _number(value_text)
            wrong = None
            quality_text = reading.findtext(f"{ESPI}ReadingQuality/{ESPI}quality")
            quality = _number(quality_text) if quality_text is not None else NO_QUALITY
            if start is None or not FIRST_START <= start < LAST_START:
                wrong = Refused(
                    gettext_noop(
                        "reading start %(text)r is not a time from 1970 to 2999 (a whole number of seconds "
                        "since 1970): reading refused"
                    ),
                    {"text": start_text},
                    "unreadable",
                )
            elif duration is None or not 0 < duration <= MAX_DURATION:
                wrong = Refused(
                    gettext_noop(
                        "reading duration %(text)r is not a positive whole number of seconds: reading refused"
                    ),
                    {"text": duration_text},
                    "unreadable",
                )
            elif value is None or not -(2**47) <= value < 2**47:
                wrong = Refused(
                    gettext_noop(
                        "reading value %(text)r is not a whole number the schema allows (Int48): "
                        "reading refused"
                    ),
                    {"text": value_text},
                    "unreadable",
                )
            elif quality_text is not None and (quality is None or not 0 <= quality <= MAX_QUALITY):
                wrong = Refused(
                    gettext_noop(
                        "reading quality %(text)r is not a code ESPI defines (0 to %(most)s): reading refused"
                    ),
                    {"text": quality_text, "most": MAX_QUALITY},
                    "unreadable",
                )
            elif start + duration > self.now:
                # The unit is not known yet (the ReadingType may come later): only the time is checked here,
                # the value's bound once the series has its unit (`finish`).
                wrong = reading_refusal(start, duration, 0, "Wh", self.now)
            if wrong:
                self.result.refuse(1, wrong.why, **dict(wrong.why_values))
                if not schema_reported:
                    self.problem(rline, wrong.text, **wrong.values)
                else:
                    self.problem(rline, gettext_noop("this reading is refused (see the schema error above)"))
                continue
            raw.add_one(start, duration, value, quality)
            first = start if first is None else first
        return first

    # Readings a series' values beyond a meter's are named one by one up to this many, then counted.
    IMPLAUSIBLE_NAMED = 5

    def _plausible_only(
        self, raw: _RawSeries, described: tuple, service: str, line: int | None
    ) -> _RawSeries:
        """The series without its readings no meter could have read, now that the unit and flow direction are
        known (a ReadingType may follow its readings in the file): beyond `plausible_most` (or the customer's
        `bounds`), delivered ones below zero, and those before the customer's `bounds` allow, each refused as
        `reading_refusal` names it. The largest and least values put aside and the first start answer for
        the usual series without expanding it."""
        unit, power, flow = described
        bounds = self.bounds
        if not raw.count:
            return raw
        shortest = int(raw.run_table()[:, 1].min())
        most = bounds.most(service, unit, shortest) if bounds else plausible_most(unit, shortest)
        if (
            raw.largest * 10.0**power <= most
            and (flow != 1 or raw.least >= 0)
            and (bounds is None or raw.span()[0] >= bounds.since)
        ):
            return raw
        starts, durations, values, _ = raw.arrays(power)
        most = bounds.most(service, unit, durations) if bounds else plausible_most(unit, durations)
        over = np.abs(values) > np.minimum(most, plausible_most(unit, durations))
        if flow == 1:
            over |= values < 0
        if bounds is not None:
            over |= starts < bounds.since
        if not over.any():
            return raw
        # Each refused reading counted under the first reason `reading_refusal` names it by.
        below_zero = over & (values < 0) if flow == 1 else np.zeros_like(over)
        too_old = over & ~below_zero & (starts < bounds.since) if bounds is not None else np.zeros_like(over)
        beyond = over & ~below_zero & ~too_old
        since = (("since", local_time(bounds.since)[:10]),) if bounds is not None else ()
        named = np.flatnonzero(over)[: self.IMPLAUSIBLE_NAMED]
        for at in named:
            refused = reading_refusal(
                int(starts[at]),
                int(durations[at]),
                values[at],
                unit,
                self.now,
                service=service,
                flow=flow,
                bounds=bounds,
            )
            self.problem(line, refused.text, **refused.values)
        rest = Counter()
        for why, mask, values_of in (
            ("below_zero", below_zero, ()),
            ("too_old", too_old, since),
            ("beyond_meter", beyond, ()),
        ):
            if mask.any():
                self.result.refuse(int(mask.sum()), why, **dict(values_of))
                rest[(why, values_of)] = int(mask.sum()) - int(mask[named].sum())
        if over.sum() > self.IMPLAUSIBLE_NAMED:
            self.problem_counted(
                line,
                MORE_REFUSED,
                int(over.sum()) - self.IMPLAUSIBLE_NAMED,
                reasons=Refusals(rest),
            )
        return raw.without(over)

    # -- the links, once the whole file is read ----------------------------------------------------------

    def _reading_type_for(
        self, key: str, related: str | None, order: int, line: int
    ) -> tuple[bool, tuple | None]:
        """Whether the MeterReading's ReadingType is found, and what it describes: (unit, power, flow), or
        None for one whose unit, flow direction or multiplier Custodian does not hold."""
        types = self.reading_types
        if related is not None:
            if related in types:
                return True, types[related][1]
            tail = "/".join(related.split("/")[-2:])
            matches = [k for k in types if k == tail or k.endswith("/" + tail)]
            if len(matches) == 1:
                return True, types[matches[0]][1]
            self.problem(
                line,
                gettext_noop("the MeterReading's ReadingType (%(related)s) is not in the file"),
                related=related,
            )
            return False, None
        if not types:
            self.problem(
                line,
                gettext_noop("the MeterReading has no ReadingType, and the file has none: units unknown"),
            )
            return False, None
        after = sorted((o, k) for k, (o, _) in types.items() if o > order)
        before = sorted((o, k) for k, (o, _) in types.items() if o < order)
        chosen = (after or before[::-1])[0][1]
        self.note(
            line,
            gettext_noop(
                "a MeterReading without a ReadingType link: given the ReadingType next to it in the file"
            ),
        )
        return True, types[chosen][1]

    def finish(self):
        result = self.result
        first_usage_point = min(self.usage_points, key=self.usage_points.get) if self.usage_points else None
        read_blocks = bool(self.raw)
        expanded = _Expanded()  # the arrays of one series at a time, shared by the file's series
        while self.raw:
            meter, raw = next(iter(self.raw.items()))
            del self.raw[meter]
            count = raw.count
            line = raw.lines[0] if raw.lines else None
            described, why = None, "not_described"
            usage_point = None
            if meter not in self.meter_readings:
                self.problem_counted(line, BLOCK_WITHOUT_METER_READING, count)
            else:
                usage_point, related, order, mline = self.meter_readings[meter]
                if usage_point is None:
                    usage_point = first_usage_point
                if usage_point not in result.usage_points:
                    self.problem_counted(mline, METER_READING_WITHOUT_USAGE_POINT, count)
                elif result.usage_points[usage_point] == "unknown":
                    self.problem_counted(mline, OF_UNKNOWN_SERVICE, count)
                    why = "unknown_service"
                else:
                    found, described = self._reading_type_for(meter, related, order, mline)
                    why = "unit" if found else why
            if described is None:
                result.refuse(count, why)
                continue
            unit, power, flow = described
            # A second reading for a start already read in this MeterReading: the first is kept, and said so.
            # Starts that only ever increase (the usual file) repeat none, as its runs show: the series stays
            # as read. Otherwise it is put in time order once, here, so the store can take it month by month.
            if count > 1 and not raw.increasing():
                raw, dropped, repeated = raw.sorted_once()
                if dropped:
                    self.result.problems.append(
                        Problem(
                            line,
                            gettext_noop(
                                "%(count)s reading repeats a start already read for the same MeterReading "
                                "(at %(first)s): kept the first"
                            ),
                            {"count": dropped, "first": local_time(repeated)},
                            # The plural of the text above, in the catalogue with it.
                            plural="%(count)s readings repeat a start already read for the same MeterReading "
                            "(first at %(first)s): kept the first of each",
                        )
                    )
                    result.refuse(dropped, "repeated")
            raw = self._plausible_only(raw, described, result.usage_points[usage_point], line)
            if not raw.count:
                continue
            result.series.append(
                MeterSeries(usage_point, meter, unit, flow, power=power, raw=raw, expanded=expanded)
            )
        if self.foreign and not self.usage_points and not read_blocks:
            namespace, line = next(iter(self.foreign.items()))
            self.problem(
                line,
                gettext_noop(
                    "the resources are in namespace %(namespace)r, not ESPI's %(espi)r: nothing was read"
                ),
                namespace=namespace,
                espi=ESPI_NS,
            )
            result.complete = False


def _entries(source, result: ImportResult) -> Iterator:
    context = etree.iterparse(
        source,
        events=("end",),
        tag=f"{ATOM}entry",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        collect_ids=False,  # no resource is looked up by xml:id: no table of them is built
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _, element in context:
            if not checked:
                checked = True
                if not _prologue_ok(element.getroottree(), result):
                    return
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        result.problems.append(
            Problem(
                line,
                gettext_noop("the file is malformed or cut short here (the XML reader says: %(error)s)"),
                {"error": exc.msg},
            )
        )
        result.complete = False
        return
    if not checked:
        root = context.root
        if root is not None and _prologue_ok(root.getroottree(), result):
            tag = etree.QName(root)
            result.problems.append(
                Problem(
                    root.sourceline,
                    gettext_noop(
                        "the file's root element is %(element)r in namespace %(namespace)r; a Green Button "
                        "file is an Atom feed (%(atom)s) of entries: nothing was read"
                    ),
                    {"element": tag.localname, "namespace": tag.namespace or "(none)", "atom": ATOM_NS},
                )
            )
            result.complete = False


# A prolog's parts a DOCTYPE may follow: white space, the XML declaration, processing instructions, comments.
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_PROLOG_READ = 1 << 20  # how much of a file's start is read to find its root element (bytes)


def _head_text(head: bytes) -> str:
    """A file's first bytes as text, enough to read its markup: UTF-16 by its byte-order mark (or by a `<`
    next to a NUL), else UTF-8 without its byte-order mark, and the other encodings that write markup in
    ASCII."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] else "utf-16-be", errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def starts_as_xml(head: bytes) -> bool:
    """Whether a file's first bytes start markup (`<` after any byte-order mark and blanks): XML, in UTF-8
    or UTF-16, as Windows tools write it with a byte-order mark."""
    return _head_text(head).lstrip().startswith("<")


def _prolog_verdict(head: bytes, ended: bool) -> bool | None:
    """Whether the file's prolog holds a DOCTYPE (or any other `<!` declaration), from its first bytes:
    True, False once the root element starts, None when more bytes are needed to tell."""
    text = _head_text(head)
    rest = text[_PROLOG.match(text).end() :]
    if not ended and (len(rest) < 10 or rest.startswith(("<?", "<!--"))):
        return None  # a part cut by the read, or not read yet
    return rest.startswith("<!")


class _Replayed:
    """A stream read again from its start: the bytes already read for the prolog, then the rest."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = head, rest

    def read(self, size=-1) -> bytes:
        if not self.head:
            return self.rest.read(size)
        if size is None or size < 0:
            out, self.head = self.head + self.rest.read(), b""
        else:
            out, self.head = self.head[:size], self.head[size:]
        return out


def _doctype_first(stream, result: ImportResult):
    """The stream to parse, or None when its prolog holds a DOCTYPE: refused before the XML reader reads a
    byte, so an entity it declares is never expanded (a billion laughs is refused as a DOCTYPE, not as a
    file the reader gave up on) and an external one never read."""
    head = b""
    while True:
        chunk = stream.read(65536)
        head += chunk
        verdict = _prolog_verdict(head, ended=not chunk)
        if verdict is not None or not chunk or len(head) > _PROLOG_READ:
            break
    if verdict:
        _doctype_refused(result)
        return None
    return _Replayed(head, stream)


def _doctype_refused(result: ImportResult):
    result.problems.append(
        Problem(
            1,
            gettext_noop(
                "a DOCTYPE is not allowed (it could expand entities or read external files); nothing was "
                "imported"
            ),
        )
    )
    result.complete = False


def _prologue_ok(tree, result: ImportResult) -> bool:
    if tree.docinfo.doctype:
        _doctype_refused(result)
        return False
    return True


def parse_espi(source: str | BinaryIO, progress=None, *, bounds: ReadingBounds | None = None) -> ImportResult:
    """Read an ESPI feed (a stream, or a file's path); see the module docstring for what is kept and what is
    reported. `progress`, if given, is called with the number of entries read so far every 500 entries;
    `bounds`, for a customer's own upload, holds its readings to their meter and period."""
    if isinstance(source, str):
        with open(source, "rb") as stream:
            return parse_espi(stream, progress, bounds=bounds)
    result = ImportResult()
    stream = _doctype_first(source, result)
    if stream is None:
        return result
    reader = _Reader(result, bounds)
    for n, entry in enumerate(_entries(stream, result), start=1):
        reader.entry(entry)
        if progress is not None and n % 500 == 0:
            progress(n)
    if result.complete:
        reader.finish()
    return result


_CSV_UNITS = {
    "kwh": ("Wh", 1000),
    "wh": ("Wh", 1),
    "therm": ("therm", 1),
    "therms": ("therm", 1),
    "gal": ("gal", 1),
    "gallons": ("gal", 1),
    "ccf": ("ft3", 100),
    "ft3": ("ft3", 1),
    "m3": ("m3", 1),
}
CSV_UNIT_NAMES = "kWh, Wh, therms, gallons, CCF, ft3, m3"
CSV_COLUMNS = ("TYPE", "DATE", "START TIME", "END TIME", "USAGE", "UNITS")


_CLOCK = re.compile(r"(\d{1,2}:\d{2})(:\d{2})?([+-]\d{4})?")


def _csv_clock(day: str, clock: str) -> tuple[datetime, bool]:
    """A local date and clock time (`HH:MM` or `HH:MM:SS`, optionally with its UTC offset `-0600`): the time,
    aware when the offset is given, and whether it was."""
    found = _CLOCK.fullmatch(clock.strip())
    if found is None:
        raise ValueError(clock)
    hours, seconds, offset = found.group(1), found.group(2) or ":00", found.group(3) or ""
    shape = "%Y-%m-%d %H:%M:%S" + ("%z" if offset else "")
    return datetime.strptime(f"{day} {hours}{seconds}{offset}", shape), bool(offset)


def _csv_moment(day: str, clock: str, zone):
    """A local date and clock time (`_csv_clock`) as UTC epoch seconds, and whether its offset was given."""
    moment, exact = _csv_clock(day, clock)
    return int((moment if exact else moment.replace(tzinfo=zone)).timestamp()), exact


_DATED = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](.*)")


def _end_day(day: str, end_text: str) -> tuple[str, str, bool]:
    """The day an END TIME falls on, its clock time, and whether the END TIME named its day. An END TIME
    may carry its own date (`2024-09-30 22:00-0500`, as our download writes a reading that ends later than
    the midnight after DATE); else it is on DATE."""
    found = _DATED.fullmatch(end_text.strip())
    return (found.group(1), found.group(2), True) if found else (day.strip(), end_text, False)


def _next_day(day: str) -> str:
    """The calendar day after `day` (`YYYY-MM-DD`): a local time on it is read with that day's own UTC offset,
    never as 24 hours after the same time on `day` (23 or 25 hours apart on a day the clocks change)."""
    return (datetime.strptime(day.strip(), "%Y-%m-%d").date() + timedelta(days=1)).isoformat()


def _skipped_clock(day: str, clock: str, zone) -> tuple[str, str] | None:
    """For a local time (no UTC offset) the clocks skip when daylight saving begins (`02:30` on a day they go
    from 02:00 to 03:00): the clock times they skip from and to; None for a time that exists."""
    naive = _csv_clock(day, clock)[0]
    # A skipped time read with the offset after the change (fold 1) is an earlier instant than with the one
    # before it (fold 0); a time that exists is one instant, or two the other way round when it repeats.
    early, late = (int(naive.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (1, 0))
    if early >= late:
        return None
    old_offset = datetime.fromtimestamp(early, zone).utcoffset()
    while late - early > 1:  # the change's instant: the first second with the new offset
        middle = (early + late) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == old_offset:
            early = middle
        else:
            late = middle
    change = datetime.fromtimestamp(late, zone)
    return (change - (change.utcoffset() - old_offset)).strftime("%H:%M"), change.strftime("%H:%M")


def _repeated_clock(day: str, clock: str, zone) -> tuple[int, int] | None:
    """For a local time (no UTC offset) in the hour the clocks repeat when daylight saving ends (`01:30` on a
    day they go back from 02:00 to 01:00): the two instants it names, the first time the clocks show it and
    the second; None for a time that happens once."""
    naive = _csv_clock(day, clock)[0]
    first, second = (int(naive.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (0, 1))
    return (first, second) if first < second else None


_REPEATED_CLOCK = gettext_noop(
    "%(column)s %(time)r on %(day)s is ambiguous: the clocks go back that night (daylight saving ends), so "
    "the time happens twice, and it has no UTC offset to tell which; written %(first)s it is the first time, "
    "%(second)s the second; reading refused"
)


def _placed_across_the_repeated_hour(times, zone) -> tuple[int, int] | Refused:
    """A reading's (start, end), its START TIME and END TIME read by one rule: a time without a UTC offset in
    the hour the clocks repeat (`_repeated_clock`) names two instants, and the reading is placed only when one
    of them alone makes it end after it starts (`01:45` ending a reading from `01:30-0600` is the second
    `01:45`), or, from a start that happens once, only one makes it as long as a meter reads (`00:00` to
    `01:00` is the first `01:00`, an hour); otherwise the reading can't be placed and is refused, the problem
    naming the time and the offsets that would tell it. `times`: (column, day, clock as written, whether it
    gave its offset, its instant read with the first offset) of the start, then the end. A reading that ends
    before it starts read either way keeps its first reading, for the caller to refuse."""
    read = [
        (column, day, clock, None if exact else _repeated_clock(day, clock, zone), at)
        for column, day, clock, exact, at in times
    ]
    (_, _, _, starts, start), (_, _, _, ends, end) = read
    fits = [(s, e) for s in starts or (start,) for e in ends or (end,) if e > s]
    if not (starts or ends) or len(fits) <= 1:
        return fits[0] if fits else (start, end)
    # A start that happens once with an end the clocks show twice (`00:00` to `01:00`): the end that makes a
    # reading as long as a meter reads is the one meant, as every file without offsets writes the hour before
    # the change; the other would be an hour longer. A start in the repeated hour stays refused: a file
    # writes `01:00` to `02:00` twice that night, and length can't tell which is which.
    metered = [(s, e) for s, e in fits if e - s in _INTERVALS]
    if not starts and len(metered) == 1:
        return metered[0]
    column, day, clock, (first, second), _at = next(r for r in read if r[3])
    offsets = (datetime.fromtimestamp(at, zone).strftime("%z") for at in (first, second))
    return Refused(
        _REPEATED_CLOCK,
        {
            "column": column,
            "time": clock.strip(),
            "day": day.strip(),
            **{
                which: clock.strip() + offset
                for which, offset in zip(("first", "second"), offsets, strict=True)
            },
        },
        "clock",
    )


# The lengths a meter reads in, in seconds (five minutes to an hour): an END TIME one minute (or one second)
# short of such an interval's end is the interval's last minute (second), as many utilities' exporters write
# it (`00:00` to `00:59`, `00:00` to `00:14`, `00:00:00` to `00:59:59`), and read as the interval's end.
_INTERVALS = (300, 600, 900, 1800, 3600)


def _inclusive_end(start: int, end: int, end_text: str, zone) -> int:
    """The end a reading's END TIME means: the interval boundary it is one minute (written `HH:MM`) or one
    second (`HH:MM:59`) short of, when the reading so read lasts one of `_INTERVALS` (or runs from local
    midnight to midnight) and starts on that interval; else the END TIME as written."""
    short = 1 if len(end_text.strip()) >= 8 and end_text.strip()[6:8] == "59" else 60
    boundary = end + short
    at, since = datetime.fromtimestamp(boundary, zone), datetime.fromtimestamp(start, zone)
    written = datetime.fromtimestamp(end, zone)
    if at.second or at.minute % 5 or not (written.second or written.minute % 5):
        return end
    length = boundary - start
    if length in _INTERVALS and (since.minute * 60 + since.second) % length == 0:
        return boundary
    if (at.hour, at.minute) == (since.hour, since.minute, since.second)[:2] == (0, 0) and not since.second:
        return boundary  # a local day, midnight to the midnight after (23, 24 or 25 hours)
    return end


# A header line separated by a character the import does not take, named for a reader (the csv module would
# read the line as one column). Commas and tabs are both read (`_csv_delimiter`).
_OTHER_SEPARATOR = {
    ";": gettext_noop(
        "the columns are separated by semicolons (;), not commas or tabs: save the file again as CSV with "
        "commas (in a spreadsheet, “CSV (comma delimited)”) or as tab-separated text"
    ),
    "|": gettext_noop(
        "the columns are separated by vertical bars (|), not commas or tabs: save the file again as CSV with "
        "commas (in a spreadsheet, “CSV (comma delimited)”) or as tab-separated text"
    ),
}
# The characters a Green Button CSV may separate its columns with: the comma, and the tab that spreadsheets'
# "Text (Tab delimited)" and "Unicode Text" and many utilities' exports write.
CSV_DELIMITERS = (",", "\t")
_CSV_UNREADABLE = gettext_noop(
    "unreadable line: a field longer than the CSV reader takes, a NUL byte or a quote left open"
)


def _csv_rows(reader, result: ImportResult, line_numbers: list[int]):
    """(line number, row) for each row after the header; (line number, None) for a line the csv module
    can't read (a field past its size limit, a stray quote), with the problem named. A row's line number is
    the file's (`line_numbers`: of each line the reader is given, the blank and comment lines left out)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            result.problems.append(Problem(line_numbers[reader.line_num - 1], _CSV_UNREADABLE))
            yield line_numbers[reader.line_num - 1], None
            continue
        yield line_numbers[reader.line_num - 1], row


def _csv_service(row: list[str], col: dict[str, int]) -> str:
    """The service a row's TYPE names: our own download's words in any language (`consumo de gas` → gas),
    else its first word (`Electric usage` → electric); electric when blank."""
    if (ours := csv_type_service(row[col["TYPE"]])) is not None:
        return ours
    service = row[col["TYPE"]].strip().lower().split()[0] if row[col["TYPE"]].strip() else "electric"
    return service if service in Service.values else "unknown"


# The dates and times `_csv_clock` and `_end_day` read, said as a person writes them: a row they can't read
# is refused with these words.
_UNREADABLE_TIMES = gettext_noop(
    "unreadable row: DATE %(day)r, START TIME %(start)r and END TIME %(end)r are not a date and times this "
    "import reads: the date as year-month-day (2026-03-31); each time as hours and minutes on the 24-hour "
    "clock (7:05 or 14:30), with seconds if the file has them (14:30:15) and with its difference from UTC if "
    "the file gives it (14:30-0500); an END TIME on a later day than DATE starts with its date "
    "(2026-04-01 00:30)"
)


def _csv_reading(row: list[str], col: dict[str, int], zone, now: int, bounds=None):
    """A row's (start, end, exact, value in the unit's base, unit, factor, end as written: earlier than end
    when END TIME is the interval's last minute, `_inclusive_end`), or the problem that refuses it
    (`Refused`): every refusal names what is wrong in the file's own words, never a parser's."""
    if len(row) <= max(col.values()):
        return Refused(
            gettext_noop("unreadable row: it has %(fields)s fields, the header names %(columns)s"),
            {"fields": len(row), "columns": max(col.values()) + 1},
            "unreadable",
        )
    day, start_text, end_text = row[col["DATE"]], row[col["START TIME"]], row[col["END TIME"]]
    unit_text, usage_text = row[col["UNITS"]].strip(), row[col["USAGE"]]
    if unit_text.lower() not in _CSV_UNITS:
        return Refused(
            gettext_noop("unreadable row: unit %(unit)r is not one of %(units)s"),
            {"unit": unit_text, "units": CSV_UNIT_NAMES},
            "unreadable",
        )
    unit, factor = _CSV_UNITS[unit_text.lower()]
    try:
        # The digits 0 to 9 only: float() reads "٣٠٠" as 300, and "inf", "nan" and "1_000" too.
        value = float(ascii_decimal(usage_text)) * factor
    except ValueError:
        return Refused(
            gettext_noop("unreadable row: USAGE %(usage)r is not a number written with the digits 0 to 9"),
            {"usage": usage_text.strip()},
            "unreadable",
        )
    end_day, end_clock, end_dated = _end_day(day, end_text)
    try:
        start, exact = _csv_moment(day, start_text, zone)
        end, end_exact = _csv_moment(end_day, end_clock, zone)
        if not end_dated and _csv_clock(end_day, end_clock)[0].time() == time():
            # A reading that ends at midnight is dated by its start: it ends at the next day's local
            # midnight (the last hour of a day the clocks change is an hour, not 0 or 2), whatever offset
            # it is written with (`00:00-0600` after a day from `00:00-0500` is still the next day's).
            end_day = _next_day(day)
            end, end_exact = _csv_moment(end_day, end_clock, zone)
    except (ValueError, OverflowError):
        return Refused(
            _UNREADABLE_TIMES,
            {"day": day.strip(), "start": start_text.strip(), "end": end_text.strip()},
            "unreadable",
        )
    if not math.isfinite(value):
        return Refused(
            gettext_noop("USAGE %(usage)r is not a number: reading refused"),
            {"usage": usage_text},
            "unreadable",
        )
    if value < 0:
        return Refused(
            gettext_noop(
                "USAGE %(usage)r is below zero: this layout carries delivered use only; reading refused"
            ),
            {"usage": usage_text},
            "below_zero",
        )
    if not FIRST_START <= start < LAST_START:
        return Refused(
            gettext_noop("DATE %(day)r is not a day from 1970 to 2999: reading refused"),
            {"day": day},
            "unreadable",
        )
    for name, on, clock, clock_exact in (
        ("START TIME", day, start_text, exact),
        ("END TIME", end_day, end_clock, end_exact),
    ):
        if not clock_exact and (skipped := _skipped_clock(on, clock, zone)):
            return Refused(
                gettext_noop(
                    "%(column)s %(time)r does not exist on %(day)s: the clocks skip from %(skipped_from)s to "
                    "%(skipped_to)s that day (daylight saving begins); reading refused"
                ),
                {
                    "column": name,
                    "time": clock.strip(),
                    "day": on.strip(),
                    "skipped_from": skipped[0],
                    "skipped_to": skipped[1],
                },
                "clock",
            )
    placed = _placed_across_the_repeated_hour(
        (("START TIME", day, start_text, exact, start), ("END TIME", end_day, end_clock, end_exact, end)),
        zone,
    )
    if isinstance(placed, Refused):
        return placed
    start, end = placed
    times = {"end": end_text.strip(), "start": start_text.strip(), "day": day.strip()}
    if end <= start:
        if end == start:
            return Refused(
                gettext_noop(
                    "END TIME %(end)r is the same moment as START TIME %(start)r on %(day)s: the reading has "
                    "no length; reading refused"
                ),
                times,
                "unreadable",
            )
        return Refused(
            gettext_noop(
                "END TIME %(end)r is before START TIME %(start)r on %(day)s: a reading ends after it "
                "starts (one that ends at midnight is dated by its start); reading refused"
            ),
            times,
            "unreadable",
        )
    written, end = end, _inclusive_end(start, end, end_clock, zone)
    refusal = reading_refusal(
        start, end - start, value, unit, now, service=_csv_service(row, col), bounds=bounds
    )
    return refusal or (start, end, exact, value, unit, factor, written)


def parse_green_button_csv(
    text: str, *, usage_point: str = "csv", bounds: ReadingBounds | None = None
) -> ImportResult:
    """The common Green Button CSV layout (`TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES`), its
    columns separated by commas or by tabs (told by the header row: `_csv_delimiter`). Times with an offset
    are exact; times without one are read as the utility's local time and, in the hour that repeats when DST
    ends, reported as ambiguous and left out. A reading that ends after now, or holds more
    than a meter could (`reading_refusal`; a customer's upload: `bounds`), is refused by its line."""

    zone = LOCAL
    now = int(timezone.now().timestamp())
    result = ImportResult()
    # The lines read, with their numbers in the file: blank lines and comments (`# Times are …`, as our own
    # download starts) are left out, and a problem names the file's line, not the reader's count.
    numbered = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        result.problems.append(Problem(1, gettext_noop("the file is empty")))
        result.complete = False
        return result
    line_numbers, lines = [n for n, _ in numbered], [line for _, line in numbered]
    reader = csv.reader(lines, delimiter=_csv_delimiter(lines))
    header = _csv_header(reader, lines, result, line_numbers)
    if header is None:
        result.complete = False
        return result
    col = {name: header.index(name) for name in CSV_COLUMNS}
    seen, inclusive = set(), []
    for number, row in _csv_rows(reader, result, line_numbers):
        result.readings_read += 1
        if row is None:
            result.refuse(1, "unreadable")
            continue
        read = _csv_reading(row, col, zone, now, bounds)
        if isinstance(read, Refused):
            result.problems.append(Problem(number, read.text, read.values))
            result.refuse(1, read.why, **dict(read.why_values))
            continue
        start, end, _exact, value, unit, factor, written = read
        service = _csv_service(row, col)
        key = (service, start)
        if key in seen:
            result.problems.append(
                Problem(
                    number,
                    gettext_noop("a second reading for the same start %(start)s: kept the first"),
                    {"start": local_time(start)},
                )
            )
            result.refuse(1, "repeated")
            continue
        seen.add(key)
        point = f"{usage_point}:{service}"
        result.usage_points[point] = service
        power = round(math.log10(factor)) if unit != "Wh" else 0  # CCF: ft3 with 2
        if written != end:
            inclusive.append((number, row[col["END TIME"]].strip(), written, len(result.loose)))
        result.loose.append(Reading(point, point, start, end - start, value, unit, 1, power=power))
    if inclusive:
        _inclusive_ends_read(result, inclusive)
    return result


# How far down a file the header row is looked for: other utilities' downloads put the account's details
# (name, address, account number) in a few lines above it.
_CSV_HEADER_WITHIN = 20


def _csv_delimiter(lines: list[str]) -> str:
    """The character the file separates its columns with (`CSV_DELIMITERS`), told by its header row: the one
    under which a line of the first `_CSV_HEADER_WITHIN` names the most of the layout's columns, the comma
    when none names more under a tab. Read from the header rather than guessed from the readings
    (csv.Sniffer): a note with commas in a tab-separated file, or a tab in a comma-separated one, can't
    change the answer."""
    named = dict.fromkeys(CSV_DELIMITERS, 0)
    for line in lines[:_CSV_HEADER_WITHIN]:
        for delimiter in CSV_DELIMITERS:
            try:
                cells = {c.strip().upper() for c in next(csv.reader([line], delimiter=delimiter), [])}
            except csv.Error:
                continue
            named[delimiter] = max(named[delimiter], sum(c in cells for c in CSV_COLUMNS))
    return "\t" if named["\t"] > named[","] else ","


def _csv_header(reader, lines: list[str], result: ImportResult, line_numbers: list[int]) -> list[str] | None:
    """The file's header row (its columns, upper case), read past any lines above it within the file's first
    `_CSV_HEADER_WITHIN` lines; None, with the problem named (by the file's line: `line_numbers`), when there
    is none."""
    first = None
    for _ in range(min(_CSV_HEADER_WITHIN, len(lines))):
        try:
            header = [h.strip().upper() for h in next(reader)]
        except csv.Error:
            result.problems.append(Problem(line_numbers[reader.line_num - 1], _CSV_UNREADABLE))
            return None
        except StopIteration:
            break
        if all(c in header for c in CSV_COLUMNS):
            return header
        first = header if first is None else first
    # A file whose columns are separated by a character the import does not take reads as one column: say
    # so, rather than list every column as missing.
    if (separator := separator_used(lines[0])) in _OTHER_SEPARATOR:
        result.problems.append(Problem(line_numbers[0], _OTHER_SEPARATOR[separator]))
    elif first is not None and sum(c in first for c in CSV_COLUMNS) >= 2:
        missing = [c for c in CSV_COLUMNS if c not in first]
        result.problems.append(
            Problem(
                line_numbers[0], gettext_noop("missing columns: %(columns)s"), {"columns": ", ".join(missing)}
            )
        )
    else:
        result.problems.append(
            Problem(
                None,
                gettext_noop(
                    "the header row (%(columns)s) was not found in the file's first %(lines)s lines: a Green "
                    "Button CSV names its columns, separated by commas or tabs, in a row above its readings"
                ),
                {"columns": ", ".join(CSV_COLUMNS), "lines": _CSV_HEADER_WITHIN},
            )
        )
    return None


def _inclusive_ends_read(result: ImportResult, inclusive: list[tuple]) -> None:
    """The readings whose END TIME was read as their interval's last minute (`_inclusive_end`), said in a
    note; one that another reading of the file starts within cannot be told apart from a reading that ends
    at its END TIME as written, and is refused as ambiguous."""
    starts: dict[str, list[int]] = {}
    for r in result.loose:
        starts.setdefault(r.usage_point, []).append(r.start)
    for point in starts:
        starts[point].sort()
    ambiguous = set()
    for number, end_text, written, index in inclusive:
        reading = result.loose[index]
        begins = starts[reading.usage_point]
        after = bisect.bisect_left(begins, written)
        if after < len(begins) and begins[after] < reading.start + reading.duration:
            ambiguous.add(index)
            result.problems.append(
                Problem(
                    number,
                    gettext_noop(
                        "END TIME %(end)r could be the reading's last minute (the reading would end at "
                        "%(boundary)s) or its end, and another reading of the file starts at %(end)s: "
                        "ambiguous; reading refused"
                    ),
                    {"end": end_text, "boundary": local_time(reading.start + reading.duration)[11:16]},
                )
            )
    read = [item for item in inclusive if item[3] not in ambiguous]
    if read:
        number, end_text, _written, index = read[0]
        first = result.loose[index]
        result.notes.append(
            Problem(
                number,
                gettext_noop(
                    "%(count)s reading's END TIME (%(end)r) is the last minute of its interval, as many "
                    "utilities' files write it: read as ending at %(boundary)s"
                ),
                {
                    "count": len(read),
                    "end": end_text,
                    "boundary": local_time(first.start + first.duration)[11:16],
                },
                # The plural of the text above, in the catalogue with it.
                plural=(
                    "%(count)s readings' END TIME (the first %(end)r) is the last minute of their interval, "
                    "as many utilities' files write it: read as ending at the interval's end (the first at "
                    "%(boundary)s)"
                ),
            )
        )
    if ambiguous:
        result.refuse(len(ambiguous), "unreadable")
        result.loose = [r for i, r in enumerate(result.loose) if i not in ambiguous]
