"""Reading Green Button (NAESB ESPI) "Download My Data" files: streaming, hostile-input safe, lenient.

- Streaming: entries are handled as they end and then cleared, so a year of hourly data for many meters
  never sits in memory as a tree.
- Safe: a file with a DOCTYPE is refused outright (entity expansion, external entities); the parser never
  resolves entities, never loads a DTD and never touches the network.
- Lenient and honest: real utility files are often off-spec (date-only `updated`, fractional starts, missing
  links, duplicate readings). Every problem is reported with its line; what is valid is kept; a file that
  ends early is reported as incomplete, so a caller never imports half a file silently.

The hierarchy is carried only by links: an IntervalBlock's `up` is its MeterReading's `…/IntervalBlock`
collection, a MeterReading's `up` is its UsagePoint's `…/MeterReading` collection, and a MeterReading's
`related` link names its ReadingType.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from custodian.vault.interval_files import LOCAL

ATOM = "{http://www.w3.org/2005/Atom}"
ESPI = "{http://naesb.org/espi}"
SERVICE_KINDS = {0: "electric", 1: "gas", 2: "water"}
UOM_UNITS = {72: "Wh", 169: "therm", 119: "ft3", 42: "m3", 128: "gal"}


@dataclass(frozen=True)
class Reading:
    usage_point: str
    meter_reading: str
    start: int  # UTC epoch seconds
    duration: int  # seconds
    value: float  # in `unit`, powerOfTenMultiplier applied
    unit: str
    flow_direction: int  # 1 forward, 4 net, 19 reverse


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


@dataclass
class ImportResult:
    readings: list[Reading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    usage_points: dict[str, str] = field(default_factory=dict)  # href → service ("electric", …)
    complete: bool = True  # False: the file could not be read to its end (or was refused)

    @property
    def ok(self) -> bool:
        return self.complete and not self.problems


class _Block:
    __slots__ = ("up", "line", "start", "readings")

    def __init__(self, up, line, start, readings):
        self.up, self.line, self.start, self.readings = up, line, start, readings


def _int(text, line, what, problems) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        problems.append(Problem(line, f"{what} {text!r} is not a whole number of seconds"))
        return None


def _links(entry) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for link in entry.iterfind(f"{ATOM}link"):
        links.setdefault(link.get("rel", ""), []).append(link.get("href", ""))
    return links


def _entries(source, result: ImportResult) -> Iterator:
    parser_args = dict(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    context = etree.iterparse(source, **parser_args)
    checked = False
    try:
        for event, element in context:
            if not checked:
                checked = True
                if element.getroottree().docinfo.doctype:
                    result.problems.append(
                        Problem(
                            1,
                            "a DOCTYPE is not allowed (it could expand entities or "
                            "read external files); nothing was imported",
                        )
                    )
                    result.complete = False
                    return
            if event == "end" and element.tag == f"{ATOM}entry":
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        result.problems.append(Problem(line, f"the file is malformed or cut short here: {exc.msg}"))
        result.complete = False


def parse_espi(source: str | BinaryIO) -> ImportResult:
    """Read an ESPI feed; see the module docstring for what is kept and what is reported."""
    result = ImportResult()
    problems = result.problems
    reading_types: dict[str, tuple[str, int, int]] = {}  # href → (unit, power of ten, flow direction)
    meter_readings: dict[str, tuple[str, str | None]] = {}  # href → (usage point href, reading type href)
    blocks: list[_Block] = []
    for entry in _entries(source, result):
        links = _links(entry)
        self_href = (links.get("self") or [""])[0]
        content = entry.find(f"{ATOM}content")
        if content is None or len(content) == 0:
            continue
        resource = content[0]
        kind = etree.QName(resource).localname
        line = resource.sourceline
        if kind == "UsagePoint":
            service = resource.findtext(f"{ESPI}ServiceCategory/{ESPI}kind")
            result.usage_points[self_href] = SERVICE_KINDS.get(
                int(service) if (service or "").isdigit() else -1, "unknown"
            )
        elif kind == "ReadingType":
            uom = resource.findtext(f"{ESPI}uom") or ""
            unit = UOM_UNITS.get(int(uom) if uom.isdigit() else -1)
            if unit is None:
                problems.append(Problem(line, f"unit of measure {uom!r} is not one Custodian reads"))
                continue
            power = resource.findtext(f"{ESPI}powerOfTenMultiplier") or "0"
            flow = resource.findtext(f"{ESPI}flowDirection") or "1"
            try:
                reading_types[self_href] = (unit, int(power), int(flow))
            except ValueError:
                problems.append(Problem(line, "powerOfTenMultiplier or flowDirection is not a number"))
        elif kind == "MeterReading":
            up = (links.get("up") or [""])[0]
            if not up.endswith("/MeterReading"):
                problems.append(Problem(line, "a MeterReading without an `up` link to its UsagePoint"))
                continue
            related = [h for h in links.get("related", []) if "/ReadingType/" in h]
            meter_readings[self_href] = (up[: -len("/MeterReading")], related[0] if related else None)
        elif kind == "IntervalBlock":
            up = (links.get("up") or [""])[0]
            if not up.endswith("/IntervalBlock"):
                problems.append(Problem(line, "an IntervalBlock without an `up` link to its MeterReading"))
                continue
            block_start = _int(
                resource.findtext(f"{ESPI}interval/{ESPI}start"), line, "interval start", problems
            )
            readings = []
            for reading in resource.iterfind(f"{ESPI}IntervalReading"):
                rline = reading.sourceline
                start = _int(
                    reading.findtext(f"{ESPI}timePeriod/{ESPI}start"), rline, "reading start", problems
                )
                duration = _int(
                    reading.findtext(f"{ESPI}timePeriod/{ESPI}duration"), rline, "reading duration", problems
                )
                value_text = reading.findtext(f"{ESPI}value")
                try:
                    value = int((value_text or "").strip())
                except ValueError:
                    problems.append(Problem(rline, f"reading value {value_text!r} is not a whole number"))
                    continue
                if start is None or duration is None:
                    continue
                readings.append((rline, start, duration, value))
            blocks.append(_Block(up[: -len("/IntervalBlock")], line, block_start, readings))
    seen: set[tuple[str, int]] = set()
    for block in blocks:
        meter = meter_readings.get(block.up)
        if meter is None:
            problems.append(Problem(block.line, "an IntervalBlock whose MeterReading is not in the file"))
            continue
        usage_point, type_href = meter
        reading_type = reading_types.get(type_href or "")
        if reading_type is None:
            problems.append(
                Problem(block.line, "the MeterReading has no ReadingType in the file: units unknown")
            )
            continue
        unit, power, flow = reading_type
        if block.readings and block.start is not None and block.readings[0][1] != block.start:
            problems.append(Problem(block.line, "the block's start is not its first reading's start"))
        for rline, start, duration, value in block.readings:
            key = (block.up, start)
            if key in seen:
                problems.append(
                    Problem(rline, f"a second reading for the same start {start}: kept the first")
                )
                continue
            seen.add(key)
            result.readings.append(
                Reading(usage_point, block.up, start, duration, value * 10**power, unit, flow)
            )
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
_CSV_COLUMNS = ("TYPE", "DATE", "START TIME", "END TIME", "USAGE", "UNITS")


def _csv_moment(day: str, clock: str, zone):
    """A local date and clock time (`HH:MM`, optionally with its UTC offset `-0600`) as UTC epoch seconds."""

    clock = clock.strip()
    if len(clock) > 5 and clock[5] in "+-":
        return int(datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M%z").timestamp()), True
    local = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    return int(local.timestamp()), False


def parse_green_button_csv(text: str, *, usage_point: str = "csv") -> ImportResult:
    """The common Green Button CSV layout (`TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES`). Times
    with an offset are exact; times without one are read as the utility's local time and, in the hour that
    repeats when DST ends, reported as ambiguous and left out."""

    zone = LOCAL
    result = ImportResult()
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        result.problems.append(Problem(1, "the file is empty"))
        result.complete = False
        return result
    reader = csv.reader(lines)
    header = [h.strip().upper() for h in next(reader)]
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        result.problems.append(Problem(1, f"missing columns: {', '.join(missing)}"))
        result.complete = False
        return result
    col = {name: header.index(name) for name in _CSV_COLUMNS}
    seen = set()
    for number, row in enumerate(reader, start=2):
        try:
            day, start_text, end_text = row[col["DATE"]], row[col["START TIME"]], row[col["END TIME"]]
            unit, factor = _CSV_UNITS[row[col["UNITS"]].strip().lower()]
            value = float(row[col["USAGE"]]) * factor
            start, exact = _csv_moment(day, start_text, zone)
            end, _ = _csv_moment(day, end_text, zone)
        except (IndexError, KeyError, ValueError) as exc:
            result.problems.append(Problem(number, f"unreadable row ({exc.__class__.__name__}: {exc})"))
            continue
        if end <= start:
            end += 24 * 3600  # a reading that ends at midnight is dated by its start
        if not exact:
            naive = datetime.strptime(f"{day} {start_text.strip()}", "%Y-%m-%d %H:%M")
            if (
                naive.replace(tzinfo=zone, fold=0).utcoffset()
                != naive.replace(tzinfo=zone, fold=1).utcoffset()
            ):
                result.problems.append(
                    Problem(
                        number,
                        "the time repeats when daylight saving ends and has no "
                        "UTC offset: ambiguous, left out",
                    )
                )
                continue
        if start in seen:
            result.problems.append(
                Problem(number, f"a second reading for the same start {start}: kept the first")
            )
            continue
        seen.add(start)
        service = row[col["TYPE"]].strip().lower().split()[0] if row[col["TYPE"]].strip() else "electric"
        result.usage_points[usage_point] = {"electric": "electric", "gas": "gas", "water": "water"}.get(
            service, "unknown"
        )
        result.readings.append(Reading(usage_point, usage_point, start, end - start, value, unit, 1))
    return result
