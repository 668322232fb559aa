"""Green Button "Download My Data": an ESPI 4.0 Atom feed (validated against the official schema in the
tests) and the common CSV layout, for one customer's usage points.

Certification checks kept by construction: each UsagePoint links exactly one LocalTimeParameters
(the utility's time zone from the policy file: its standard offset and its DST offset, North American DST
rules from the second Sunday of March to the first Sunday of November); each IntervalBlock starts at its
first reading; no two readings of a meter reading share a start; times are UTC epoch seconds; values are
integers with powerOfTenMultiplier stating the scale.

One module on purpose, over 400 lines: the feed's entries are built with lxml and its interval blocks are
written as text into the serialized feed afterwards (the largest part of a download, and the cheapest way
to write it); the placeholders, the template entry and the text that replaces them must agree, so they are
kept side by side.

The titles are words for people (the feed's, each entry's), and so are the CSV's comments and each row's
TYPE and NOTES: they are written in the active language, the customer's in the portal's Download My Data;
the codes, links and numbers are the schema's whatever the language, and the CSV's column names the
layout's (`CSV_COLUMNS`). Connect My Data asks for English (`connect.resources`).
"""

import hashlib
import io
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy, pgettext
from lxml import etree

from custodian.csvfile import csv_writer
from custodian.usage.espi import (
    ATOM_NS,
    CSV_TYPES,
    ESPI_NS,
    FILE_WORDS,
    QUALITY_FROM_A_FILE,
    SERVICE_KIND_COMMODITY,
    UOM,
    atom_time,
)
from custodian.usage.greenbutton_summary import UsageSummaryExport, usage_summary_element
from custodian.usage.intervals import UNIT_TO_BILLING
from custodian.vault.interval_files import LOCAL, month_bounds, month_of

# Unit → ESPI measurement kind (12 energy, 37 power, 58 volume). Therms are energy.
# Demand (W) is kind 37 (power), instantaneous (accumulationBehaviour 12), as the Alliance's data validator
# checks demand readings; energy and volume are delta data (4) over each interval, except the net flow,
# which the validator checks as a bulk quantity (1).
MEASUREMENT_KIND = {"Wh": 12, "W": 37, "therm": 12, "ft3": 58, "m3": 58, "gal": 58}
ACCUMULATION, NET_ACCUMULATION = {"W": 12}, 1
# ReadingType phase: a home's electricity is split-phase (769: S1, S2 to N); gas and water none (0).
PHASE = {"electric": 769, "gas": 0, "water": 0}
# North American DST rules as ESPI encodes them (second Sunday of March, first Sunday of November, 2:00).
DST_START_RULE, DST_END_RULE = "360E2000", "B40E2000"


def _standard_offset() -> int:
    """The utility's standard time offset from UTC in seconds (January: no daylight saving time)."""
    return int(datetime(2000, 1, 15, tzinfo=LOCAL).utcoffset().total_seconds())


def _dst_offset() -> int:
    """How far daylight saving time moves the clock, in seconds (July against January)."""
    return int(datetime(2000, 7, 15, tzinfo=LOCAL).utcoffset().total_seconds()) - _standard_offset()


class ReadingColumns(Sequence):
    """Readings held as three arrays (UTC starts, seconds, values) instead of a tuple per reading: a year of
    hourly readings goes from the interval store into the feed without thousands of Python objects. Reads
    as a sequence of (start, seconds, value) tuples like any other `readings`."""

    def __init__(self, starts: np.ndarray, durations: np.ndarray, values: np.ndarray):
        self.starts, self.durations, self.values = starts, durations, values

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self):
        return zip(self.starts.tolist(), self.durations.tolist(), self.values.tolist(), strict=True)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        return (int(self.starts[index]), int(self.durations[index]), float(self.values[index]))


@dataclass
class MeterReadingExport:
    """One series of a usage point: its unit, flow direction (1 forward, 4 net, 19 reverse) and readings."""

    unit: str  # Wh | W | therm | gal | ft3 | m3
    readings: Sequence[tuple[int, int, float]] = field(default_factory=list)  # (UTC start, seconds, value)
    power_of_ten: int = 0  # the exported integer value is value * 10**power_of_ten
    flow_direction: int = 1
    title: str = "readings"
    qualities: dict[int, int] = field(default_factory=dict)  # start → ESPI QualityOfReading
    conversion: str = ""  # how the values were converted from the metered unit, with the factor
    from_file: frozenset[int] = frozenset()  # starts of the readings from a file, not the meter's


@dataclass
class UsagePointExport:
    """A usage point (a meter). `unit`/`readings`/`power_of_ten` are its first series (forward use);
    `more` holds its other series (net and reverse flow, demand)."""

    key: str
    title: str
    service: str  # electric | gas | water
    unit: str  # Wh | W | therm | gal | ft3 | m3
    readings: Sequence[tuple[int, int, float]] = field(default_factory=list)  # (UTC start, seconds, value)
    power_of_ten: int = 0  # the exported integer value is value * 10**power_of_ten
    more: Sequence[MeterReadingExport] = field(default_factory=list)
    qualities: dict[int, int] = field(default_factory=dict)
    summaries: Sequence[UsageSummaryExport] = field(default_factory=list)  # one per bill, oldest first
    conversion: str = ""  # the first series': how converted from the metered unit, with the factor
    from_file: frozenset[int] = frozenset()  # the first series': the readings from a file

    def meter_readings(self) -> list[MeterReadingExport]:
        """Its series that hold readings: a MeterReading without a block is never written."""
        first = MeterReadingExport(
            self.unit,
            self.readings,
            self.power_of_ten,
            1,
            pgettext("a Green Button series", "readings"),
            self.qualities,
            self.conversion,
            self.from_file,
        )
        return [m for m in [first, *self.more] if m.readings]


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def _uuid(*parts: str) -> str:
    """uuid5 in the URL namespace, as `uuid.uuid5` makes it (SHA-1 of the namespace and the name, version 5,
    RFC 4122 variant), without building a UUID object for each of a feed's entries."""
    digest = bytearray(
        hashlib.sha1(_URL_NAMESPACE + "/".join(parts).encode(), usedforsecurity=False).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class _Feed:
    """A feed being built and what all its entries share: the subject and the time stamp each entry carries
    (an entry's id is derived from the subject and its self link), the root of the resource links, and the
    marker of the interval blocks' template entries (`_blocks_written`)."""

    element: etree._Element
    subject: str
    stamp: str
    root: str
    marker: str

    def entry(
        self,
        *,
        self_href: str,
        up: str,
        title: str,
        resource,
        related: Sequence[str] = (),
        entry_id: str = "",
    ):
        entry = etree.SubElement(self.element, f"{{{ATOM_NS}}}entry")
        etree.SubElement(entry, f"{{{ATOM_NS}}}id").text = entry_id or _uuid(self.subject, self_href)
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="self", href=self_href)
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="up", href=up)
        for href in related:
            etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="related", href=href)
        etree.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
        content = etree.SubElement(entry, f"{{{ATOM_NS}}}content")
        content.append(resource)
        etree.SubElement(entry, f"{{{ATOM_NS}}}published").text = self.stamp
        etree.SubElement(entry, f"{{{ATOM_NS}}}updated").text = self.stamp


def _espi(tag: str, children: Sequence[tuple[str, object]] = ()):
    element = etree.Element(f"{{{ESPI_NS}}}{tag}", nsmap={None: ESPI_NS})
    for name, value in children:
        etree.SubElement(element, f"{{{ESPI_NS}}}{name}").text = str(value)
    return element


def _columns(point: "MeterReadingExport") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The point's readings as starts, durations and integer values (value / 10**power_of_ten, rounded half
    to even as `round` does), one reading per start (the last given wins), in time order."""
    if not len(point.readings):
        empty = np.array([], np.int64)
        return empty, empty, empty
    if isinstance(point.readings, ReadingColumns):
        columns = point.readings
        starts, durations, values = columns.starts.astype(np.int64), columns.durations, columns.values
    else:
        table = np.asarray(point.readings, dtype=np.float64).reshape(-1, 3)
        starts, durations, values = table[:, 0].astype(np.int64), table[:, 1], table[:, 2]
    last = len(starts) - 1 - np.unique(starts[::-1], return_index=True)[1]  # ascending by start
    scaled = np.rint(values[last] * 10**point.power_of_ten).astype(np.int64)
    return starts[last], durations[last].astype(np.int64), scaled


@lru_cache(maxsize=256)
def _month_bounds(month: str) -> tuple[int, int]:
    """A local month's bounds (UTC epochs), worked out once per month a process writes: a calendar fact, the
    same for every customer, so one time-zone lookup serves every feed."""
    return month_bounds(month)


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + (number == 12):04d}-{number % 12 + 1:02d}"


def _monthly_blocks(starts: np.ndarray):
    """Slices of the readings (sorted by start) grouped by local calendar month, each with its month; each
    block starts at its first reading. The months follow one another by arithmetic from the first reading's,
    a time-zone conversion only after a month without readings, never one per reading."""
    first, month = 0, month_of(int(starts[0])) if len(starts) else ""
    while first < len(starts):
        begins, ends = _month_bounds(month)
        if not begins <= starts[first] < ends:  # months without readings in between
            month = month_of(int(starts[first]))
            ends = _month_bounds(month)[1]
        end = int(np.searchsorted(starts, ends))
        yield slice(first, end), month
        first, month = end, _month_after(month)


# In the feed the ESPI elements carry the prefix its root declares (`espi:`).
_READING = (
    "<espi:IntervalReading><espi:timePeriod><espi:duration>%d</espi:duration><espi:start>%d</espi:start>"
    "</espi:timePeriod><espi:value>%d</espi:value></espi:IntervalReading>"
)


_QUALITY = "<espi:ReadingQuality><espi:quality>%d</espi:quality></espi:ReadingQuality>"
_READING_PIECES = [np.frombuffer(piece.encode(), np.uint8) for piece in _READING.split("%d")]
_ZERO, _MINUS = ord("0"), ord("-")
# "0000" to "9999", each as one 4-byte word: a number's decimal digits are written four at a time, by looking
# its groups of four up (one lookup of a word instead of four divisions by ten).
_FOUR_DIGITS = np.frombuffer("".join(f"{n:04d}" for n in range(10_000)).encode(), np.uint32)


def _decimal_into(rows: np.ndarray, at: int, width: int, column: np.ndarray):
    """Each number of the column in decimal, right-aligned in rows[:, at:at + width], NUL bytes before it;
    its length in bytes, sign included (an array, or the width when every number fills it)."""
    if len(column) and column.min() == column.max():  # one number throughout (a series' interval length)
        text = np.frombuffer(str(int(column[0])).encode(), np.uint8)
        rows[:, at : at + width - len(text)] = 0
        rows[:, at + width - len(text) : at + width] = text
        return len(text)
    negative = column < 0
    magnitude = np.abs(column)
    rest, end = magnitude, at + width
    while end > at:  # groups of four digits from the right; the leftmost group may be narrower
        rest, group = np.divmod(rest, 10_000)
        take = min(4, end - at)
        rows[:, end - take : end] = _FOUR_DIGITS.take(group).view(np.uint8).reshape(-1, 4)[:, 4 - take :]
        end -= take
    if not negative.any() and int(magnitude.min()) >= 10 ** (width - 1):
        return width
    digits = np.ones(len(column), np.int64)
    for k in range(1, width):
        digits += magnitude >= 10**k
    padding = width - digits
    for k in range(width - 1):  # the leading zeros: padding, removed afterwards
        rows[padding > k, at + k] = 0
    if negative.any():
        where = np.flatnonzero(negative)
        rows[where, at + width - 1 - digits[where]] = _MINUS
    return digits + negative


def _width(column: np.ndarray) -> int:
    """The widest number of the column in decimal, sign included."""
    return max(len(str(int(column.max()))), len(str(int(column.min()))))


def _readings_bytes(durations, starts, values) -> tuple[bytes, np.ndarray]:
    """Every reading of a series as `_READING` text, and where each reading's text begins (one more offset
    at the end). Written by numpy into a table of one row per reading (the pattern's text copied into every
    row at once), each number right-aligned in the widest one's width, and the padding dropped: about twice
    as fast as formatting the pattern once a reading, for the same text."""
    columns = (durations, starts, values)
    widths = [_width(column) for column in columns]
    pattern = [_READING_PIECES[0]]
    for piece, width in zip(_READING_PIECES[1:], widths, strict=True):
        pattern += [np.zeros(width, np.uint8), piece]
    rows = np.empty((len(starts), sum(len(part) for part in pattern)), np.uint8)
    rows[:] = np.concatenate(pattern)
    at, lengths = 0, np.full(len(starts), sum(len(piece) for piece in _READING_PIECES), np.int64)
    for piece, column, width in zip(_READING_PIECES, columns, widths, strict=False):
        at += len(piece)
        lengths += _decimal_into(rows, at, width, column)
        at += width
    offsets = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return rows.tobytes().replace(b"\0", b""), offsets


def _block_head(starts, durations) -> bytes:
    span = int(starts[-1] + durations[-1] - starts[0])
    return (
        f"<espi:IntervalBlock><espi:interval><espi:duration>{span}</espi:duration>"
        f"<espi:start>{int(starts[0])}</espi:start></espi:interval>"
    ).encode()


_BLOCK_TAIL = b"</espi:IntervalBlock>"


def _series_blocks(
    starts, durations, values, qualities: dict[int, int], from_file: frozenset[int] = frozenset()
):
    """(month, the pieces of its IntervalBlock's text) for each month of a series; a month holding readings
    from a file is named with `FILE_WORDS` (the block entry's title). Its thousands of small
    elements are written as text (built one lxml element at a time, or parsed from text and serialized
    again, they took most of a download's time), all the series' readings at once. Only integers go into
    it. A block's readings stay a view of the series' text until the feed is joined: a download's megabytes
    are copied once, not once more per block."""
    if qualities or from_file:  # rare (an imported file's qualities or readings): one reading at a time
        for block, month in _monthly_blocks(starts):
            text = _interval_block_text(starts[block], durations[block], values[block], qualities, from_file)
            any_from_file = not from_file.isdisjoint(starts[block].tolist())
            yield (f"{month} ({FILE_WORDS})" if any_from_file else month), (text.encode(),)
        return
    text, offsets = _readings_bytes(durations, starts, values)
    view = memoryview(text)
    for block, month in _monthly_blocks(starts):
        head = _block_head(starts[block], durations[block])
        yield month, (head, view[offsets[block.start] : offsets[block.stop]], _BLOCK_TAIL)


def _interval_block_text(
    starts, durations, values, qualities: dict[int, int], from_file: frozenset[int] = frozenset()
) -> str:
    """An IntervalBlock's content (one month's readings) as text. A reading with a quality carries its
    ReadingQuality first; one from a file carries QUALITY_FROM_A_FILE too (after the file's own)."""
    if not qualities and not from_file:
        readings = _readings_bytes(durations, starts, values)[0]
        return (_block_head(starts, durations) + readings + _BLOCK_TAIL).decode()

    def marks(start: int) -> str:
        # The file's own code first (an import reads the first: a re-imported download keeps it), then ours.
        codes = [qualities[start]] if start in qualities else []
        codes += [QUALITY_FROM_A_FILE] if start in from_file and QUALITY_FROM_A_FILE not in codes else []
        return "".join(_QUALITY % code for code in codes)

    readings = "".join(
        _READING.replace("<espi:IntervalReading>", "<espi:IntervalReading>" + marks(start), 1)
        % (duration, start, value)
        for duration, start, value in zip(durations.tolist(), starts.tolist(), values.tolist(), strict=True)
    )
    return _block_head(starts, durations).decode() + readings + _BLOCK_TAIL.decode()


def espi_feed(
    *,
    subject: str,
    base_url: str,
    usage_points: Sequence[UsagePointExport],
    generated_at: datetime | None = None,
    holder: str = "",
) -> bytes:
    """The feed for one subject (a customer); `base_url` roots the resource links. `holder` is the path the
    usage points hang under: the customer's (`RetailCustomer/<subject>`, Download My Data) or a third party's
    subscription (`Subscription/<id>`, Connect My Data)."""
    holder = holder or f"RetailCustomer/{subject}"
    stamp = atom_time(generated_at or datetime.now(UTC))
    root = f"{base_url.rstrip('/')}/espi/1_1/resource"
    element = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "espi": ESPI_NS})
    etree.SubElement(element, f"{{{ATOM_NS}}}id").text = _uuid(subject, "feed", stamp)
    etree.SubElement(element, f"{{{ATOM_NS}}}title").text = gettext("Green Button Download My Data")
    etree.SubElement(element, f"{{{ATOM_NS}}}updated").text = stamp
    etree.SubElement(element, f"{{{ATOM_NS}}}link", rel="self", href=f"{root}/Batch/{holder}")
    feed = _Feed(element, subject, stamp, root, marker=f"block-{secrets.token_hex(16)}")
    ltp_href = f"{root}/LocalTimeParameters/1"
    feed.entry(
        self_href=ltp_href,
        up=f"{root}/LocalTimeParameters",
        title=settings.TIME_ZONE,
        resource=_espi(
            "LocalTimeParameters",
            [
                ("dstEndRule", DST_END_RULE),
                ("dstOffset", _dst_offset()),
                ("dstStartRule", DST_START_RULE),
                ("tzOffset", _standard_offset()),
            ],
        ),
    )
    blocks = []
    for n, point in enumerate(usage_points, start=1):
        kind, commodity = SERVICE_KIND_COMMODITY[point.service]
        up_href = f"{root}/{holder}/UsagePoint/{n}"
        usage_point = _espi("UsagePoint")
        category = etree.SubElement(usage_point, f"{{{ESPI_NS}}}ServiceCategory")
        etree.SubElement(category, f"{{{ESPI_NS}}}kind").text = str(kind)
        related = [f"{up_href}/MeterReading"] if point.meter_readings() else []
        if point.summaries:
            related.append(f"{up_href}/UsageSummary")
        feed.entry(
            self_href=up_href,
            up=f"{root}/{holder}/UsagePoint",
            related=(*related, ltp_href),
            title=point.title,
            resource=usage_point,
        )
        for m, series in enumerate(point.meter_readings(), start=1):
            blocks.append(_meter_reading(feed, up_href, n, m, point, series, commodity))
        for k, summary in enumerate(point.summaries, start=1):
            feed.entry(
                self_href=f"{up_href}/UsageSummary/{k}",
                up=f"{up_href}/UsageSummary",
                title=gettext("%(point)s: bill summary") % {"point": point.title},
                resource=usage_summary_element(summary, commodity),
            )
    document = etree.tostring(element, xml_declaration=True, encoding="UTF-8")
    return _blocks_written(document, feed.marker, blocks)


def _blocks_written(document: bytes, marker: str, series_blocks: list) -> bytes:
    """The serialized feed with each series' template entry replaced by its IntervalBlock entries: the
    template's text as lxml escaped it, with each block's id, number, month and readings put in."""
    pieces = document.split(f"<entry><id>{marker}-i</id>".encode())
    if len(pieces) != len(series_blocks) + 1:  # the prefix is not the root's: never write a wrong document
        raise RuntimeError("the Green Button feed's interval blocks are not where they were put")
    placeholder = f"<espi:IntervalBlock>{marker}</espi:IntervalBlock>".encode()
    out = [pieces[0]]
    for (subject, blocks_href, blocks), piece in zip(series_blocks, pieces[1:], strict=True):
        end = piece.index(b"</entry>") + len(b"</entry>")
        before_number, number, rest = piece[:end].partition(f"{marker}-n".encode())
        before_month, month_slot, rest = rest.partition(f"{marker}-m".encode())
        before_block, block_slot, after_block = rest.partition(placeholder)
        if not (number and month_slot and block_slot):
            raise RuntimeError("the Green Button feed's interval blocks are not where they were put")
        for b, (month, text) in enumerate(blocks, start=1):
            out += [
                b"<entry><id>",
                _uuid(subject, blocks_href, str(b)).encode(),  # as an entry's: the subject and the self link
                b"</id>",
                before_number,
                str(b).encode(),
                before_month,
                month.encode(),
                before_block,
                *text,
                after_block,
            ]
        out.append(piece[end:])
    return b"".join(out)


def _accumulation(series: MeterReadingExport) -> int:
    if series.unit in ACCUMULATION:
        return ACCUMULATION[series.unit]
    return NET_ACCUMULATION if series.flow_direction == 4 else 4


def _meter_reading(feed: _Feed, up_href, n, m, point, series, commodity) -> tuple:
    """One series' MeterReading and ReadingType entries and the template of its IntervalBlock entries; the
    blocks (month, the pieces of its text), in order, to write in the template's place."""
    mr_href = f"{up_href}/MeterReading/{m}"
    rt_href = f"{feed.root}/ReadingType/{feed.subject}-{n}" + (f"-{m}" if m > 1 else "")
    feed.entry(
        self_href=mr_href,
        up=f"{up_href}/MeterReading",
        related=(f"{mr_href}/IntervalBlock", rt_href),
        title=f"{point.title}: {series.title}",
        resource=_espi("MeterReading"),
    )
    starts, durations, values = _columns(series)
    # the most common interval length, the first seen of equally common ones
    lengths, first_seen, counts = np.unique(durations, return_index=True, return_counts=True)
    commonest = counts == counts.max()
    interval = int(lengths[commonest][np.argmin(first_seen[commonest])])
    feed.entry(
        self_href=rt_href,
        up=f"{feed.root}/ReadingType",
        # the first series' title as it always was; the others name their series; a conversion is stated
        title=(
            gettext("%(point)s: reading type") % {"point": point.title}
            if m == 1
            else gettext("%(point)s: %(series)s: reading type")
            % {"point": point.title, "series": series.title}
        )
        + (f" ({series.conversion})" if series.conversion else "")
        + (f" (ReadingQuality {QUALITY_FROM_A_FILE}: {FILE_WORDS})" if series.from_file else ""),
        resource=_espi(
            "ReadingType",
            [
                ("accumulationBehaviour", _accumulation(series)),
                ("commodity", commodity),
                ("flowDirection", series.flow_direction),
                ("intervalLength", interval),
                ("kind", MEASUREMENT_KIND[series.unit]),
                ("phase", PHASE[point.service]),
                ("powerOfTenMultiplier", -series.power_of_ten),
                ("uom", UOM[series.unit]),
            ],
        ),
    )
    qualities = {int(start): int(quality) for start, quality in series.qualities.items()}
    blocks = list(_series_blocks(starts, durations, values, qualities, series.from_file))
    # One entry stands for all the series' blocks (lxml escapes its links and title once); each block's
    # number, month, id and readings are put in after serialization (`_blocks_written`).
    element = _espi("IntervalBlock")
    element.text = feed.marker
    feed.entry(
        self_href=f"{mr_href}/IntervalBlock/{feed.marker}-n",
        up=f"{mr_href}/IntervalBlock",
        title=f"{point.title}: {series.title}: {feed.marker}-m",
        resource=element,
        entry_id=f"{feed.marker}-i",
    )
    return feed.subject, f"{mr_href}/IntervalBlock", blocks


# Each interval's cost for the CSV: (service, readings as (UTC start, seconds, use in the service's billing
# unit)) → each reading's amount in dollars, None where the tariff cannot price it. Billing gives it (it
# holds the tariff and the customer's class); without it the COST column stays empty.
IntervalCosts = Callable[[str, Sequence[tuple[int, int, float]]], Sequence[Decimal | None]]

# The column names stay the common Green Button CSV layout's in every language, not words for people: the
# import reads them (`greenbutton_import.CSV_COLUMNS`, and a customer may upload a download again), as do
# the spreadsheets and energy apps that take the layout. A comment names each in the download's language.
CSV_COLUMNS = ("TYPE", "DATE", "START TIME", "END TIME", "USAGE", "UNITS", "COST", "NOTES")
CSV_COLUMN_WORDS = gettext_lazy(
    "The column names are the Green Button CSV layout's, the same in every language so that any program "
    "reads them: TYPE (what was measured), DATE, START TIME, END TIME, USAGE, UNITS, COST and NOTES."
)


def _csv_end_time(begin: datetime, end: datetime) -> str:
    """A reading's END TIME: its clock time when it ends on DATE or at the midnight after it (a reading that
    ends at midnight is dated by its start), else with its own date (`2024-09-30 22:00-0500`), so that a
    reading longer than that (a day from 22:00, a billing period) keeps its length and the import reads the
    file back as it was written (`greenbutton_import._end_day`)."""
    clock = end.strftime("%H:%M%z")
    after = begin.date() + timedelta(days=1)
    if end.date() == begin.date() or (end.date() == after and (end.hour, end.minute) == (0, 0)):
        return clock
    return f"{end.date().isoformat()} {clock}"


def green_button_csv(usage_points: Sequence[UsagePointExport], *, costs: IntervalCosts | None = None) -> str:
    """The common CSV layout. Times are the utility's local time with their UTC offset on every row. COST,
    with `costs`, is each interval's share of its month's bill for the use (`billing.estimate.
    interval_costs`), in dollars; empty where it cannot be priced."""
    # The words for people (these comments, each row's TYPE and NOTES) are in the active language, the
    # customer's in the portal's Download My Data.
    comments = [
        gettext(
            "Times are %(zone)s local time; each START TIME and END TIME carries its UTC offset, and an END "
            "TIME later than the midnight after DATE carries its date."
        )
        % {"zone": settings.TIME_ZONE},
        str(CSV_COLUMN_WORDS),
    ]
    if costs is not None:
        comments.append(
            gettext(
                "COST is each interval's share, at its month's average price, of what the month's use adds "
                "to the month's bill at the tariff then in force (use, cost adjustment, sewer, franchise fee "
                "and sales tax); the customer charge belongs to no interval. Empty where the tariff cannot "
                "price it."
            )
        )
    comments += [f"{point.title}: {point.conversion}." for point in usage_points if point.conversion]
    out = io.StringIO()
    out.writelines(f"# {comment}\n" for comment in comments)
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for point in usage_points:
        readings = sorted(point.readings)  # the forward series: CSV has no flow column
        amounts: Sequence[Decimal | None] = [None] * len(readings)
        per_billing_unit = UNIT_TO_BILLING.get((point.service, point.unit))
        if costs is not None and per_billing_unit is not None and readings:
            amounts = costs(point.service, [(s, d, v * per_billing_unit) for s, d, v in readings])
        kind = str(CSV_TYPES.get(point.service, f"{point.service} usage"))
        for (start, duration, value), amount in zip(readings, amounts, strict=True):
            note = FILE_WORDS if start in point.from_file else ""
            begin = datetime.fromtimestamp(start, UTC).astimezone(LOCAL)
            end = datetime.fromtimestamp(start + duration, UTC).astimezone(LOCAL)
            writer.writerow(
                [
                    kind,
                    begin.date().isoformat(),
                    begin.strftime("%H:%M%z"),
                    _csv_end_time(begin, end),
                    Decimal(f"{value:g}"),  # a number: a negative reading stays a number
                    point.unit,
                    "" if amount is None else f"{amount:.2f}",
                    note,
                ]
            )
    return out.getvalue()
