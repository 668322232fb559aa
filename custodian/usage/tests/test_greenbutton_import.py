"""Green Button import: the official samples read whole; hostile and malformed files are refused or reported
line by line, and nothing invalid is kept."""

import io
from datetime import UTC, datetime

import pytest

from custodian.testing import espi_layouts as L
from custodian.testing import project_file
from custodian.usage.greenbutton_export import UsagePointExport, green_button_csv
from custodian.usage.greenbutton_import import NO_QUALITY, parse_espi, parse_green_button_csv

SAMPLES = [
    "reference/greenbutton/samples/Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5.xml",
    "reference/greenbutton/samples/Desert_Single_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_7.xml",
]

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><link rel="self" href="https://x/UsagePoint/1"/>
    <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content>
  </entry>
  <entry><link rel="self" href="https://x/UsagePoint/1/MeterReading/1"/><link rel="up" href="https://x/UsagePoint/1/MeterReading"/>
    <link rel="related" href="https://x/ReadingType/1"/><content><MeterReading xmlns="http://naesb.org/espi"/></content>
  </entry>
  <entry><link rel="self" href="https://x/ReadingType/1"/>
    <content><ReadingType xmlns="http://naesb.org/espi"><flowDirection>{flow}</flowDirection><powerOfTenMultiplier>{power}</powerOfTenMultiplier><uom>72</uom></ReadingType></content>
  </entry>
  <entry><link rel="self" href="https://x/UsagePoint/1/MeterReading/1/IntervalBlock/1"/>
    <link rel="up" href="https://x/UsagePoint/1/MeterReading/1/IntervalBlock"/>
    <updated>2012-10-24</updated>
    <content><IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>7200</duration><start>1000</start></interval>
{readings}
    </IntervalBlock></content>
  </entry>
</feed>
"""


def reading(start, value, duration=3600):
    return (
        f"<IntervalReading><timePeriod><duration>{duration}</duration><start>{start}</start></timePeriod>"
        f"<value>{value}</value></IntervalReading>"
    )


def feed(readings, power=0, flow=1) -> io.BytesIO:
    return io.BytesIO(FEED.format(readings="\n".join(readings), power=power, flow=flow).encode())


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_official_samples_read_whole(sample):
    result = parse_espi(str(project_file(sample)))
    assert result.ok, result.problems[:3]
    assert len(result.readings) == 8760
    assert set(result.usage_points.values()) == {"electric"}
    assert {r.unit for r in result.readings} == {"Wh"}
    assert len({r.start for r in result.readings}) == 8760
    assert sum(r.value for r in result.readings) > 0


def test_units_power_of_ten_and_flow_direction():
    result = parse_espi(feed([reading(1000, 15), reading(4600, 20)], power=3, flow=19))
    assert result.ok
    assert [(r.value, r.unit, r.flow_direction) for r in result.readings] == [
        (15000, "Wh", 19),
        (20000, "Wh", 19),
    ]


def test_numbers_with_signs_leading_zeros_and_whitespace_read_as_whole_numbers():
    """The schema allows `+8`, `-0009` and whitespace around a number; each is read as the number it is,
    on the block-at-a-time path as one reading at a time would."""
    spaced = [reading(" 1000 ", " 7 "), reading("+4600", "+8"), reading("8200", "-0009", duration=" 3600")]
    result = parse_espi(feed(spaced, flow=4))  # net flow: a reading below zero is kept
    assert result.ok, result.problems
    assert [(r.start, r.duration, r.value) for r in result.readings] == [
        (1000, 3600, 7),
        (4600, 3600, 8),
        (8200, 3600, -9),
    ]
    assert result.readings_read == 3 and result.readings_refused == 0


def test_fractional_and_duplicate_starts_are_reported_and_left_out():
    result = parse_espi(feed([reading(1000, 1), reading("4600.5", 2), reading(1000, 3)]))
    assert [r.value for r in result.readings] == [1]
    messages = [p.message for p in result.problems]
    # The schema names what is wrong: the element and the value.
    assert any("does not follow the ESPI schema" in m and "start" in m and "4600.5" in m for m in messages)
    assert any(m.startswith("1 reading repeats a start already read") for m in messages)
    assert result.readings_read == 3 and result.readings_refused == 2
    assert all(p.line for p in result.problems)
    assert result.complete


def test_a_block_whose_start_is_not_its_first_reading_is_reported():
    result = parse_espi(feed([reading(4600, 1)]))
    assert any("block's start" in p.message for p in result.problems)


def test_a_truncated_file_is_reported_as_incomplete_with_its_line():
    data = FEED.format(
        readings="\n".join(reading(1000 + 3600 * i, i) for i in range(5)), power=0, flow=1
    ).encode()
    result = parse_espi(io.BytesIO(data[: len(data) // 2 + 40]))
    assert not result.complete and not result.ok
    assert result.problems[-1].line and "cut short" in result.problems[-1].message


def test_readings_held_compactly_come_back_exactly_as_the_file_wrote_them():
    """The parser keeps runs of readings one interval apart and the values in the narrowest whole numbers
    that hold them: a gap, another interval length, values past two and past four bytes, a negative one and
    a quality from the third block on all come back reading for reading. In µWh (powerOfTenMultiplier -6):
    a value past four bytes in Wh is more than any meter reads, and refused (`reading_refusal`)."""
    jan = 1_767_600_000
    blocks = [
        L.hourly(jan, 5, value=lambda i: 100 + i),
        L.hourly(jan + 3600 * 7, 3, value=lambda i: 40_000 * (i + 1)),  # after a gap; past two bytes
        [(jan + 3600 * 10, 900, 2**40), (jan + 3600 * 10 + 900, 900, -5)],  # past four bytes
    ]
    with_quality = L.hourly(jan + 3600 * 11, 2, value=lambda i: 7)
    mr = f"{L.ROOT}/RetailCustomer/9/UsagePoint/1/MeterReading/01"
    data = L.feed(
        *L.one_meter(blocks, power=-6, flow=4),  # net flow: the negative one is kept
        L.entry(L.interval_block(with_quality, quality=8), f"{mr}/IntervalBlock/9", f"{mr}/IntervalBlock"),
    )
    result = parse_espi(io.BytesIO(data))
    assert result.ok, result.problems
    written = [(s, d, v * 10.0**-6, NO_QUALITY) for block in blocks for s, d, v in block] + [
        (s, d, v * 10.0**-6, 8) for s, d, v in with_quality
    ]
    assert [(r.start, r.duration, r.value, r.quality) for r in result.readings] == written
    assert result.readings_read == len(written) and result.readings_refused == 0


def test_a_series_is_cut_by_month_from_its_compact_form_and_held_in_time_order():
    """The store takes a series month by month (`readings_in`): cut from the runs and values as held, the
    same readings as the whole series' arrays picked by start. Blocks out of time order are put in time
    order once read, the first of two readings of one start kept, and the series stays compact."""
    jan = 1_767_600_000
    blocks = [
        L.hourly(jan + 3600 * 40, 6, value=lambda i: 900 + i),  # later hours first
        L.hourly(jan, 30, value=lambda i: 100 + i),
        L.hourly(jan + 3600 * 30, 20, value=lambda i: 70_000 + i, step=900),  # quarter hours, past two bytes
        L.hourly(jan + 3600 * 29, 3, value=lambda i: 5),  # repeats the 29th hour and two quarter hours
    ]
    result = parse_espi(io.BytesIO(L.feed(*L.one_meter(blocks))))
    [series] = result.series
    assert series._raw is not None and result.readings_refused == 3
    starts, durations, values, qualities = (series.starts, series.durations, series.values, series.qualities)
    assert list(starts) == sorted(starts) and len(starts) == 6 + 30 + 20 + 3 - 3
    for first, end in [
        (0, 2**40),
        (jan, jan + 1),
        (jan + 3600 * 29, jan + 3600 * 31 + 450),
        (jan + 5, jan + 3600 * 41),
    ]:
        pick = (starts >= first) & (starts < end)
        cut = series.readings_in(first, end)
        for column, whole in zip(cut, (starts, durations, values, qualities), strict=True):
            assert list(column) == list(whole[pick])
    assert series.span() == (jan, jan + 3600 * 45, jan + 3600 * 46)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&c;</title></feed>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><content><UsagePoint xmlns="http://naesb.org/espi">&secret;</UsagePoint></content></entry></feed>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, XXE])
def test_entity_expansion_and_external_entities_are_refused(hostile):
    result = parse_espi(io.BytesIO(hostile))
    assert not result.complete and not result.readings
    assert "DOCTYPE is not allowed" in result.problems[0].message


def test_an_interval_block_without_its_meter_reading_is_reported():
    data = FEED.replace(
        '<link rel="up" href="https://x/UsagePoint/1/MeterReading/1/IntervalBlock"/>',
        '<link rel="up" href="https://x/UsagePoint/9/MeterReading/9/IntervalBlock"/>',
    )
    result = parse_espi(io.BytesIO(data.format(readings=reading(1000, 1), power=0, flow=1).encode()))
    assert not result.readings and "MeterReading is not in the file" in result.problems[0].message


def test_the_common_csv_layout_round_trips_with_our_export():
    starts = [int(datetime(2026, 11, 1, h, tzinfo=UTC).timestamp()) for h in range(4, 10)]  # over DST's end
    text = green_button_csv(
        [
            UsagePointExport(
                key="e",
                title="E",
                service="electric",
                unit="Wh",
                readings=[(s, 3600, 1000 + i) for i, s in enumerate(starts)],
            )
        ]
    )
    result = parse_green_button_csv(text)
    assert result.ok, result.problems
    assert [r.start for r in result.readings] == starts
    assert sum(r.value for r in result.readings) == sum(1000 + i for i in range(6))


def test_csv_rows_without_offsets_are_local_and_the_repeated_hour_is_ambiguous():
    text = (
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        "electric usage,2026-10-31,23:00,00:00,1.5,kWh,,\n"
        "electric usage,2026-11-01,01:00,02:00,1.5,kWh,,\n"  # 01:00 happens twice that night
        "electric usage,2026-11-01,02:00,03:00,oops,kWh,,\n"
        "electric usage,2026-11-01,03:00,04:00,2,furlongs,,\n"
    )
    result = parse_green_button_csv(text)
    assert [r.value for r in result.readings] == [1500.0]
    lines = {p.line: p.message for p in result.problems}
    assert "ambiguous" in lines[3] and "unreadable" in lines[4] and "unreadable" in lines[5]
    assert not parse_green_button_csv("DATE,USAGE\n2026-01-01,1\n").complete


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"start": -100000000}, "is not a time from 1970 to 2999"),
        ({"start": 99999999999999}, "is not a time from 1970 to 2999"),
        ({"duration": 0}, "is not a positive whole number of seconds"),
    ],
)
def test_a_reading_out_of_range_is_named_and_refused_on_either_path(changed, named):
    """The block-at-a-time path hands a block holding such a reading to the reading-at-a-time path, which
    names it; the others are kept."""
    kw = {"start": 1000 + 3600, "value": 2, **changed}
    result = parse_espi(
        feed([reading(1000, 1), reading(kw["start"], kw["value"], duration=kw.get("duration", 3600))])
    )
    assert [r.value for r in result.readings] == [1]
    assert any(named in p.message for p in result.problems), result.problems
    assert result.readings_refused == 1


def test_a_power_of_ten_espi_does_not_define_is_refused_by_name():
    result = parse_espi(feed([reading(1000, 1)], power=99999))
    assert not result.readings
    assert any("powerOfTenMultiplier '99999'" in p.message for p in result.problems)


@pytest.mark.parametrize(
    ("usage", "named"),
    [
        ("NaN", "is not a number"),
        ("inf", "is not a number"),
        ("1e400", "is not a number"),
        ("-0.3", "below zero"),
    ],
)
def test_a_csv_usage_that_is_not_a_delivered_amount_is_refused(usage, named):
    text = (
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        "Electric usage,2026-01-05,00:00,00:59,0.5,kWh,,\n"
        f"Electric usage,2026-01-05,01:00,01:59,{usage},kWh,,\n"
    )
    result = parse_green_button_csv(text)
    assert [r.value for r in result.readings] == [500.0]
    assert any(p.line == 3 and named in p.message for p in result.problems), result.problems


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_csv_day_out_of_range_is_refused(day):
    text = (
        f"TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\nElectric usage,{day},00:00,00:59,0.5,kWh,,\n"
    )
    result = parse_green_button_csv(text)
    assert not result.readings and result.readings_refused == 1 and result.problems


def test_a_csv_line_past_the_field_limit_is_named_not_a_crash():
    text = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n" + "x" * 200_000 + ",2026-01-05\n"
    result = parse_green_button_csv(text)
    assert not result.readings and any("unreadable line" in p.message for p in result.problems)
