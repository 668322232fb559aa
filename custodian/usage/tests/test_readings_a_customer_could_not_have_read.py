"""Crafted files an attacker uploads are refused by what is wrong in them: delivered readings below zero (for
every service), readings beyond what a home's or a small business's meter reads in its interval, readings
before the period a customer's upload may hold, and a DOCTYPE, which is refused before any entry is read."""

import codecs
import io
import time
from datetime import UTC, datetime

import pytest

from custodian.testing import espi_layouts as L
from custodian.usage.greenbutton_import import ReadingBounds, parse_espi, parse_green_button_csv
from custodian.vault.interval_files import LOCAL

HOUR = 3600
RECENT = (int(time.time()) - 10 * 86400) // HOUR * HOUR
# A home's upload: readings from 2024 on (its first account, or the retention window) are taken.
HOME = ReadingBounds(customer_class="residential", since=int(datetime(2024, 1, 1, tzinfo=LOCAL).timestamp()))


@pytest.mark.parametrize(("kind", "uom"), [("0", 72), ("1", 169), ("2", 128)])
def test_delivered_readings_below_zero_are_refused_for_every_service(kind, uom):
    negated = L.feed(*L.one_meter([L.hourly(RECENT, 24, value=lambda i: -(400 + i))], kind=kind, uom=uom))
    result = parse_espi(io.BytesIO(negated))
    assert not result.readings and result.readings_refused == 24
    assert "below zero" in result.problems[0].message and "delivered use only" in result.problems[0].message
    assert "holds -400" in result.problems[0].message  # the reading named by its value and time


def test_net_readings_below_zero_are_kept():
    exported = L.feed(*L.one_meter([L.hourly(RECENT, 5, value=lambda i: -(400 + i))], flow=4))
    result = parse_espi(io.BytesIO(exported))
    assert result.ok and len(result.readings) == 5


def test_a_thousandfold_multiplier_is_beyond_a_homes_meter():
    # 472 kWh an hour (11,337 kWh a day): powerOfTenMultiplier 3 on Wh values.
    inflated = L.feed(*L.one_meter([L.hourly(RECENT, 24, value=lambda i: 472)], power=3))
    result = parse_espi(io.BytesIO(inflated), bounds=HOME)
    assert not result.readings and result.readings_refused == 24
    message = result.problems[0].message
    assert "472000 Wh" in message and "at most 100000" in message and "home" in message
    # The same file, read for the utility's own import, is held only to the city-wide bound.
    assert len(parse_espi(io.BytesIO(inflated)).readings) == 24


def test_readings_before_the_period_a_customer_may_upload_are_refused():
    old = int(datetime(1990, 1, 1, tzinfo=UTC).timestamp())  # 1989-12-31 local
    result = parse_espi(io.BytesIO(L.feed(*L.one_meter([L.hourly(old, 48)]))), bounds=HOME)
    assert not result.readings and result.readings_refused == 48
    assert "1989-12-31" in result.problems[0].message and "2024-01-01" in result.problems[0].message


def test_a_csv_upload_is_held_to_the_same_bounds():
    day = datetime.fromtimestamp(RECENT, UTC).strftime("%Y-%m-%d")
    rows = [
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS",
        f"Electric usage,{day},01:00-0000,02:00-0000,472,kWh",
        "Electric usage,1990-01-01,01:00-0000,02:00-0000,1.5,kWh",
        f"Electric usage,{day},03:00-0000,04:00-0000,1.5,kWh",
    ]
    result = parse_green_button_csv("\n".join(rows), bounds=HOME)
    assert result.readings_refused == 2 and len(result.readings) == 1
    assert [p.line for p in result.problems] == [2, 3]
    assert "at most 100000" in result.problems[0].message and "2024-01-01" in result.problems[1].message


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol9;</title></entry></feed>"""

XXE = b"""<?xml version="1.0"?>
<!-- a long comment first -->
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><content><UsagePoint xmlns="http://naesb.org/espi">&secret;</UsagePoint></content></entry></feed>"""


@pytest.mark.parametrize(
    "hostile",
    [
        LAUGHS,
        XXE.replace(b"a long comment first", b"x" * 200_000),
        codecs.BOM_UTF16_LE
        + LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16-le"),
    ],
    ids=["billion laughs", "external entity after a long comment", "billion laughs in UTF-16"],
)
def test_a_doctype_is_refused_before_any_entry_is_read(hostile):
    result = parse_espi(io.BytesIO(hostile))
    assert not result.complete and not result.readings and result.readings_read == 0
    [problem] = result.problems
    assert "DOCTYPE is not allowed" in problem.message and "nothing was imported" in problem.message
