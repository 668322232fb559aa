"""A plain IntervalBlock is proven to follow the ESPI schema by a cheaper check (`_plain_block`: a DTD of the
plain shape, the numbers' digits and ranges) instead of a schema pass. The promise: that check is never looser
than the schema (whatever it proves, the schema accepts), and a file reads exactly the same with it as with
the schema alone (the same readings, problems, lines and counts), on valid and invalid blocks alike."""

import io
import random

import pytest

from custodian.testing import espi_layouts as L
from custodian.usage import greenbutton_import
from custodian.usage.greenbutton_import import (
    ESPI,
    ImportResult,
    _entries,
    _plain_block,
    espi_schema,
    parse_espi,
)

OPEN = '<IntervalBlock xmlns="http://naesb.org/espi">'
XSI = "http://www.w3.org/2001/XMLSchema-instance"
INTERVAL = "<interval><duration>10800</duration><start>3600</start></interval>"


def reading(duration="3600", start="3600", value="7", open_tag="<IntervalReading>") -> str:
    return (
        f"{open_tag}<timePeriod><duration>{duration}</duration><start>{start}</start></timePeriod>"
        f"<value>{value}</value></IntervalReading>"
    )


PLAIN = (
    INTERVAL + reading(start="3600") + reading(start="7200", value="-12") + reading(start="10800", value="0")
)


def file_of(block: str) -> bytes:
    """A feed of one electric meter whose one IntervalBlock is `block` (the text of the element)."""
    up = f"{L.ROOT}/UsagePoint/1"
    mr, rt = f"{up}/MeterReading/1", f"{L.ROOT}/ReadingType/1"
    return L.feed(
        L.entry(L.usage_point(), up, f"{L.ROOT}/UsagePoint", [f"{up}/MeterReading"]),
        L.entry(L.meter_reading(), mr, f"{up}/MeterReading", [rt]),
        L.entry(L.reading_type(), rt, f"{L.ROOT}/ReadingType"),
        L.entry(block, f"{mr}/IntervalBlock/1", f"{mr}/IntervalBlock"),
    )


def read_block(block: str):
    """The IntervalBlock element as the importer's own reader hands it over (comments and PIs removed, the
    same parser options), still in its entry's tree."""
    for entry in _entries(io.BytesIO(file_of(block)), ImportResult()):
        found = entry.find(f"{{http://www.w3.org/2005/Atom}}content/{ESPI}IntervalBlock")
        if found is not None:
            return found
    raise AssertionError("no IntervalBlock read")


def what_was_read(data: bytes) -> tuple:
    result = parse_espi(io.BytesIO(data))
    return (
        result.ok,
        result.complete,
        result.readings,
        [(p.line, p.message) for p in result.problems],
        [(n.line, n.message) for n in result.notes],
        result.readings_read,
        result.readings_refused,
        result.usage_points,
    )


def read_both_ways(data: bytes, monkeypatch) -> tuple[tuple, tuple]:
    """The file read as the importer reads it, and read with every block left to the schema."""
    with_check = what_was_read(data)
    with monkeypatch.context() as patched:
        patched.setattr(greenbutton_import, "_plain_block", lambda resource: None)
        schema_only = what_was_read(data)
    return with_check, schema_only


def test_the_plain_blocks_utilities_write_skip_the_schema_pass():
    """Compact or indented, with or without the interval, negative and zero values: proven plain, with the
    readings' numbers as written."""
    indented = "\n  " + PLAIN.replace("><", ">\n  <") + "\n"
    for text in (PLAIN, indented, PLAIN.removeprefix(INTERVAL)):
        block = read_block(OPEN + text + "</IntervalBlock>")
        assert espi_schema().validate(block)
        starts, durations, values = _plain_block(block)
        assert list(starts) == [3600, 7200, 10800]
        assert list(durations) == [3600, 3600, 3600]
        assert list(values) == [7, -12, 0]


# Blocks the plain check must leave to the schema (or, where the schema accepts them too, may leave to it):
# first a reading whose value, start or duration is written so, then the rest.
VALUES_NOT_PROVEN = {
    "empty value": "",
    "blank value": "  ",
    "two numbers in one value": "5 6",
    "a sign apart from its digits": "+ 5",
    "a sign alone": "-",
    "a plus sign (the schema allows it)": "+5",
    "whitespace around a number (the schema allows it)": " 5\n",
    "a comma": "5,",
    "an exponent": "1e3",
    "an Arabic-Indic digit": "\u0663",
    "a no-break space": "5\u00a0",
    "a value past Int48": str(2**47 + 1),
    "a value past 64 bits": "9" * 30,
}
STARTS_NOT_PROVEN = {"a fraction": "3600.5", "a start past 64 bits": str(2**63)}
DURATIONS_NOT_PROVEN = {
    "a duration past UInt32": str(2**32),
    "a duration of minus zero": "-0",
    "a negative duration": "-900",
}
NOT_PROVEN = {
    **{name: reading(value=value) for name, value in VALUES_NOT_PROVEN.items()},
    **{name: reading(start=start) for name, start in STARTS_NOT_PROVEN.items()},
    **{name: reading(duration=duration) for name, duration in DURATIONS_NOT_PROVEN.items()},
    "an empty leaf after a split one": reading(duration="9<![CDATA[00]]>", value=""),
    "an attribute": reading(open_tag='<IntervalReading unit="Wh">'),
    "an xsi:type (the schema allows it)": reading(
        open_tag=f'<IntervalReading xmlns:xsi="{XSI}" xsi:type="IntervalReading">'
    ),
    "another namespace inside": reading(open_tag='<IntervalReading xmlns="urn:other">'),
    "text between elements": reading().replace("<value>", "x<value>"),
    "an element inside a value": reading(value="<b>5</b>"),
    "a cost (the schema allows it)": reading().replace("<timePeriod>", "<cost>5</cost><timePeriod>"),
    "a quality (the schema allows it)": reading().replace(
        "<timePeriod>", "<ReadingQuality><quality>8</quality></ReadingQuality><timePeriod>"
    ),
    "an extension (the schema allows it)": "<extension/>" + reading(),
    "the value before the time": "<IntervalReading><value>5</value><timePeriod><duration>3600</duration>"
    "<start>3600</start></timePeriod></IntervalReading>",
    "a reading without a value": "<IntervalReading><timePeriod><duration>3600</duration><start>3600</start>"
    "</timePeriod></IntervalReading>",
    "an interval after the readings": reading() + INTERVAL,
    "no readings": "",
}


@pytest.mark.parametrize("inner", NOT_PROVEN.values(), ids=NOT_PROVEN.keys())
def test_a_block_the_plain_check_does_not_prove_reads_as_the_schema_says(inner, monkeypatch):
    block = read_block(OPEN + inner + "</IntervalBlock>")
    assert _plain_block(block) is None
    with_check, schema_only = read_both_ways(file_of(OPEN + inner + "</IntervalBlock>"), monkeypatch)
    assert with_check == schema_only


def test_the_plain_checks_proof_holds_where_comments_and_cdata_split_a_number(monkeypatch):
    """The reader merges the text around a comment or a CDATA section into one: the number as the schema
    reads it."""
    inner = INTERVAL + reading(duration="36<!-- c -->00", value="<![CDATA[7]]>")
    block = read_block(OPEN + inner + "</IntervalBlock>")
    assert espi_schema().validate(block)
    assert list(_plain_block(block)[1]) == [3600]
    with_check, schema_only = read_both_ways(file_of(OPEN + inner + "</IntervalBlock>"), monkeypatch)
    assert with_check == schema_only and with_check[0]


def test_a_prefixed_block_is_left_to_the_schema():
    prefixed = PLAIN.replace("<", "<e:").replace("<e:/", "</e:")
    block = read_block(f'<e:IntervalBlock xmlns:e="http://naesb.org/espi">{prefixed}</e:IntervalBlock>')
    assert espi_schema().validate(block)
    assert _plain_block(block) is None


# What a leaf's text is made of in the blocks mutated at random below: digits, signs, whitespace, separators,
# markup the reader merges or keeps, and characters other readers of numbers take.
FRAGMENTS = ["", "0", "1", "9", "00", "+", "-", " ", "\t", "\n", ",", ".5", "e3", "x", "\u0663", "\u00a0",
             "<!--c-->", "<![CDATA[4]]>", "<![CDATA[ ]]>", "&#32;", "&#x31;", "&#13;", "1 2",
             str(2**47), str(2**47 + 1), str(2**32 - 1), str(2**32), str(2**63 - 1), "9" * 25]  # fmt: skip


def mutated_block(chance: random.Random) -> str:
    """The plain block with one to three of its nine leaves' texts made of random fragments."""
    leaves = [["10800", "3600"], ["3600", "3600", "7"], ["3600", "7200", "-12"], ["3600", "10800", "0"]]
    for _ in range(chance.randint(1, 3)):
        group = chance.randrange(len(leaves))
        at = chance.randrange(len(leaves[group]))
        keep = leaves[group][at] if chance.random() < 0.5 else ""
        leaves[group][at] = "".join(chance.choice(FRAGMENTS) for _ in range(chance.randint(1, 3))) + keep
    (span, first), *rest = leaves
    body = "".join(reading(d, s, v) for d, s, v in rest)
    return (
        f"{OPEN}<interval><duration>{span}</duration><start>{first}</start></interval>{body}</IntervalBlock>"
    )


def test_blocks_mutated_at_random_are_never_proven_where_the_schema_refuses_them(monkeypatch):
    """400 blocks (a fixed seed, so a failure repeats): whatever the plain check proves, the schema accepts,
    and each file reads the same with the check as with the schema alone."""
    chance = random.Random(20261128)
    proven = refused_by_schema = 0
    for _ in range(400):
        text = mutated_block(chance)
        block = read_block(text)
        if _plain_block(block) is not None:
            proven += 1
            assert espi_schema().validate(block), text
        elif not espi_schema().validate(block):
            refused_by_schema += 1
        with_check, schema_only = read_both_ways(file_of(text), monkeypatch)
        assert with_check == schema_only, text
    assert proven and refused_by_schema  # both sides of the check were exercised
