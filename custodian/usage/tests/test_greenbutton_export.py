"""Green Button Download My Data: the feed validates against the official ESPI schema, meets the
certification checks, survives a round trip with the official samples, and handles DST; CSV states the
UTC offset."""

import io
import time
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
from lxml import etree

from custodian.testing import project_file
from custodian.usage.greenbutton_export import (
    _READING,
    UsagePointExport,
    _interval_block_text,
    _readings_bytes,
    espi_feed,
    green_button_csv,
)
from custodian.usage.greenbutton_import import parse_espi
from custodian.usage.tests.test_greenbutton_import import SAMPLES

ATOM = "{http://www.w3.org/2005/Atom}"
ESPI = "{http://naesb.org/espi}"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))


def from_import(result, title="Home"):
    points = {}
    for r in result.readings:
        points.setdefault(r.usage_point, []).append((r.start, r.duration, r.value))
    return [
        UsagePointExport(key=k, title=title, service="electric", unit="Wh", readings=v)
        for k, v in points.items()
    ]


@pytest.mark.parametrize("sample", SAMPLES)
def test_round_trip_of_the_official_samples(sample, schema):
    original = parse_espi(str(project_file(sample)))
    started = time.perf_counter()
    feed = espi_feed(
        subject="c1",
        base_url="https://opu.example",
        usage_points=from_import(original),
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    elapsed = time.perf_counter() - started
    schema.assertValid(etree.parse(io.BytesIO(feed)))
    again = parse_espi(io.BytesIO(feed))
    assert again.ok
    assert sum(r.value for r in again.readings) == sum(r.value for r in original.readings)
    assert sorted(r.start for r in again.readings) == sorted(r.start for r in original.readings)
    assert elapsed < 5  # a year of hourly data: about a second here (see docs/benchmarks.md)


def test_certification_checks(schema):
    readings = [(1767225600 + 3600 * i, 3600, 500 + i % 7) for i in range(24 * 70)]  # Jan 1 2026 UTC, 70 days
    gas = [(1767225600 + 3600 * i, 3600, 0.137 * (i % 5)) for i in range(48)]
    feed = espi_feed(
        subject="c2",
        base_url="https://opu.example",
        usage_points=[
            UsagePointExport(key="e", title="Electric", service="electric", unit="Wh", readings=readings),
            UsagePointExport(key="g", title="Gas", service="gas", unit="therm", readings=gas, power_of_ten=3),
        ],
    )
    tree = etree.parse(io.BytesIO(feed))
    schema.assertValid(tree)
    entries = tree.getroot().findall(f"{ATOM}entry")
    ltp = [e for e in entries if e.find(f"{ATOM}content/{ESPI}LocalTimeParameters") is not None]
    assert len(ltp) == 1
    ltp_href = ltp[0].find(f"{ATOM}link[@rel='self']").get("href")
    for point in (e for e in entries if e.find(f"{ATOM}content/{ESPI}UsagePoint") is not None):
        related = [link.get("href") for link in point.findall(f"{ATOM}link[@rel='related']")]
        assert related.count(ltp_href) == 1
    for block in tree.getroot().iter(f"{ESPI}IntervalBlock"):
        starts = [int(s.text) for s in block.iter(f"{ESPI}start")]
        assert starts[0] == starts[1]  # the block's start is its first reading's start
    all_starts = [
        int(r.findtext(f"{ESPI}timePeriod/{ESPI}start"))
        for r in tree.getroot().iter(f"{ESPI}IntervalReading")
    ]
    assert len(all_starts) == len(readings) + len(gas)
    back = parse_espi(io.BytesIO(feed))
    therms = sorted((r.start, r.value) for r in back.readings if r.unit == "therm")
    assert therms[1] == (1767225600 + 3600, pytest.approx(0.137))


def test_dst_transitions_in_the_export():
    # 2026-03-08: clocks go from 02:00 CST to 03:00 CDT. 07:00 UTC is 01:00 CST; 08:00 UTC is 03:00 CDT.
    readings = [(int(datetime(2026, 3, 8, h, tzinfo=UTC).timestamp()), 3600, 1) for h in (6, 7, 8, 9)]
    text = green_button_csv(
        [UsagePointExport(key="e", title="E", service="electric", unit="Wh", readings=readings)]
    )
    rows = [line.split(",") for line in text.splitlines() if not line.startswith("#")][1:]
    assert [(r[2], r[3]) for r in rows] == [
        ("00:00-0600", "01:00-0600"),
        ("01:00-0600", "03:00-0500"),
        ("03:00-0500", "04:00-0500"),
        ("04:00-0500", "05:00-0500"),
    ]
    assert text.startswith("# Times are America/Chicago local time")
    feed = espi_feed(
        subject="c3",
        base_url="https://opu.example",
        usage_points=[UsagePointExport(key="e", title="E", service="electric", unit="Wh", readings=readings)],
    )
    starts = sorted(r.start for r in parse_espi(io.BytesIO(feed)).readings)
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [
        3600,
        3600,
        3600,
    ]  # UTC stays continuous


@pytest.mark.parametrize("durations", ["same", "mixed"])
def test_interval_blocks_are_written_alike_whatever_their_interval_lengths(durations):
    """A block of one interval length writes it into the pattern once; the text is the same, reading for
    reading, as each reading written with its own length (and the lengths of a mixed block are kept)."""

    starts = 1767225600 + 900 * np.arange(200, dtype=np.int64)
    lengths = np.full(200, 900, np.int64) if durations == "same" else np.array([900, 1800] * 100, np.int64)
    values = np.array([(i * 37) % 5000 - 40 for i in range(200)], np.int64)
    text = _interval_block_text(starts, lengths, values, {})
    expected = "".join(_READING % (d, s, v) for d, s, v in zip(lengths, starts, values, strict=True))
    assert expected in text and text.count("<espi:IntervalReading>") == 200
    assert text.startswith(
        f"<espi:IntervalBlock><espi:interval><espi:duration>{int(starts[-1] + lengths[-1] - starts[0])}"
    )


@pytest.mark.parametrize(
    "values",
    [
        [0],
        [7] * 5,
        [-7] * 5,
        [0, 9, 10, 99, 100, 9999, 10000, 123456789, -1, -10, -9999, -10000],
        [10**12, -(10**12), 5, -5, 0],
    ],
)
def test_readings_text_is_each_reading_formatted_in_turn(values):
    """The readings' text (numbers written by numpy, four digits at a time, padding dropped) is the pattern
    formatted reading by reading: numbers of every width, negative ones, zero and a column holding one
    number throughout."""
    rng = np.random.default_rng(len(values))
    values = np.array(values + list(rng.integers(-(10**7), 10**7, 50)), np.int64)
    starts = 1767225600 + 3600 * np.arange(len(values), dtype=np.int64)
    for lengths in (np.full(len(values), 3600, np.int64), rng.choice([60, 900, 86400], len(values))):
        text, offsets = _readings_bytes(lengths, starts, values)
        readings = [_READING % (d, s, v) for d, s, v in zip(lengths, starts, values, strict=True)]
        assert text.decode() == "".join(readings)
        assert list(np.diff(offsets)) == [len(r) for r in readings]


def test_each_months_block_has_its_own_entry_link_id_and_title(schema):
    """The blocks' entries are written from one template per series: each still has its own self link
    (numbered in turn), its id (uuid5 of the subject and that link, as every other entry's), and its title
    (the series' as given, escaped, then the month of its first reading; a month without readings has no
    block), and its readings come back as given, a change of interval length included (negative ones are
    written, and refused when read back: a delivered reading is never below zero)."""
    january = int(datetime(2026, 1, 1, 6, tzinfo=UTC).timestamp())  # local midnight (CST)
    april = int(datetime(2026, 4, 1, 5, tzinfo=UTC).timestamp())  # local midnight (CDT)
    readings = [(january + 3600 * i, 3600, -5 + i % 11) for i in range(24 * 40)]
    readings += [(april + 900 * i, 900, 1234567 * (i % 2)) for i in range(8)]
    title = 'Tom & Ann\'s "<home>"'
    feed = espi_feed(
        subject="c4",
        base_url="https://opu.example",
        usage_points=[
            UsagePointExport(key="e", title=title, service="electric", unit="Wh", readings=readings)
        ],
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    tree = etree.parse(io.BytesIO(feed))
    schema.assertValid(tree)
    blocks = [
        e
        for e in tree.getroot().findall(f"{ATOM}entry")
        if e.find(f"{ATOM}content/{ESPI}IntervalBlock") is not None
    ]
    hrefs = [e.find(f"{ATOM}link[@rel='self']").get("href") for e in blocks]
    series = (
        "https://opu.example/espi/1_1/resource/RetailCustomer/c4/UsagePoint/1/MeterReading/1/IntervalBlock"
    )
    assert hrefs == [f"{series}/{b}" for b in (1, 2, 3)]
    assert [e.find(f"{ATOM}link[@rel='up']").get("href") for e in blocks] == [series] * 3
    assert [e.findtext(f"{ATOM}id") for e in blocks] == [
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'c4/{href}')}" for href in hrefs
    ]
    assert [e.findtext(f"{ATOM}title") for e in blocks] == [
        f"{title}: readings: {month}" for month in ("2026-01", "2026-02", "2026-04")
    ]
    # Written as given, negative ones too; read back, a delivered reading below zero is refused.
    read = parse_espi(io.BytesIO(feed))
    back = sorted((r.start, r.duration, r.value) for r in read.readings)
    assert back == sorted(r for r in readings if r[2] >= 0)
    assert read.readings_refused == sum(r[2] < 0 for r in readings) > 0
