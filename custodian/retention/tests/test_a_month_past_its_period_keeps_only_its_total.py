"""A month past its period keeps its total and nothing of its readings. Eric, a customer since 2016, holds
June 2016 in every block a month of readings can take: the meter's 15-minute grid with each reading's
quality code, the hours of June 1 off the grid (a later 15-minute file pushed them off it) with their codes,
and a billing period from his own file, June 20 to July 5; June's gas only as a billing period of that file;
July 2016 on the meter's hourly grid with its codes. The grids also hold readings under the billing period,
as the store held them before an import made readings of one time give way to each other. After the
retention run each service's month holds one block, its total, through the gate, in the block list and in
his Green Button download (CSV and ESPI); each moment of use is in one total once (the billing period whole
in June, where it starts; the grid readings under it in neither); the dry run then finds nothing due, and a
second run changes nothing."""

import csv
import io

import numpy as np
import pytest
from lxml import etree

from custodian.retention.services import retention_due, retention_run
from custodian.testing import FILE_IMPORT, own_readings
from custodian.testing.portal import METER, signed_in
from custodian.usage.intervals import PERIODS, PERIODS_QUALITY, QUALITY, encode_periods
from custodian.vault import interval_files
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import interval_blocks_record

JUNE, JULY = "2016-06", "2016-07"
DAY, HOUR, QUARTER = 86400, 3600, 900
ESPI = "{http://naesb.org/espi}"
VALID, ESTIMATED = 0, 8
SUMMER_2016 = "start=2016-06-01&end=2016-07-31"  # the download's period: the two months


@pytest.fixture
def erics_2016(households):
    """Eric (the first household) and his June and July 2016, held in every kind of block."""
    eric, app = households[0]
    june, july = month_bounds(JUNE), month_bounds(JULY)
    period = (june[0] + 19 * DAY, july[0] + 4 * DAY)  # June 20 to July 5, from his file
    quarters = np.full((june[1] - june[0]) // QUARTER, np.nan)
    quarters[DAY // QUARTER :] = 0.1  # June 2 on; June 1's hours are off the grid
    hours = np.full((july[1] - july[0]) // HOUR, 0.5)
    codes = np.where(np.isnan(quarters), np.nan, VALID)
    codes[DAY // QUARTER : 2 * DAY // QUARTER] = ESTIMATED
    june_1 = [(june[0] + i * HOUR, HOUR, 1.0) for i in range(24)]
    interval_blocks_record(
        blocks=[
            IntervalBlock(eric.pk, "electric", JUNE, june[0], QUARTER, quarters),
            IntervalBlock(eric.pk, "electric" + QUALITY, JUNE, june[0], QUARTER, codes),
            IntervalBlock(eric.pk, "electric", JULY, july[0], HOUR, hours),
            IntervalBlock(eric.pk, "electric" + QUALITY, JULY, july[0], HOUR, np.full(len(hours), VALID)),
        ],
        submission=METER,
    )
    off_grid = [*june_1, (period[0], period[1] - period[0], 100.0)]
    gas_bill = [(june[0] + 2 * DAY, 25 * DAY, 20.0)]  # June 3 to 28, his file's gas, in therms
    interval_blocks_record(
        blocks=[
            IntervalBlock(eric.pk, "gas" + PERIODS, JUNE, june[0], 60, encode_periods(june[0], gas_bill)),
            IntervalBlock(
                eric.pk, "electric" + PERIODS, JUNE, june[0], 60, encode_periods(june[0], off_grid)
            ),
            IntervalBlock(
                eric.pk,
                "electric" + PERIODS_QUALITY,
                JUNE,
                june[0],
                60,
                encode_periods(june[0], [(at, length, ESTIMATED) for at, length, _ in june_1]),
            ),
        ],
        submission=FILE_IMPORT,
    )
    # June: 18 days of quarter hours before the period, June 1's 24 hours, the period once. July: its hours
    # after the period ends on July 5.
    june_total = 0.1 * 18 * DAY / QUARTER + 24 * 1.0 + 100.0
    july_total = 0.5 * ((july[1] - july[0]) - 4 * DAY) / HOUR
    return eric, app, june_total, july_total


def test_every_block_of_a_month_past_its_period_gives_way_to_its_total(erics_2016):
    eric, app, june_total, july_total = erics_2016
    june, july = month_bounds(JUNE), month_bounds(JULY)
    assert len(interval_files.block_index(customer_ids=[eric.pk], months=[JUNE, JULY])) == 7

    run = retention_run(started_by_label="the scheduler")

    [record] = [r for r in run.records if r.schedule_item == "interval_readings"]
    assert record.count == 3  # June's and July's electricity, June's gas
    # Through the gate, as the portal reads them: one reading a month, its total.
    held = own_readings(eric, june[0], july[1])
    assert [(b.service, b.month, b.start, b.interval) for b in held] == [
        ("electric", JUNE, june[0], june[1] - june[0]),
        ("electric", JULY, july[0], july[1] - july[0]),
        ("gas", JUNE, june[0], june[1] - june[0]),
    ]
    assert [float(b.values[0]) for b in held] == pytest.approx([june_total, july_total, 20.0])
    # The store's block list: nothing else of either month, no codes, no readings off the grid.
    assert interval_files.block_index(customer_ids=[eric.pk], months=[JUNE, JULY]) == [
        (eric.pk, "electric", JUNE, june[1] - june[0], 1),
        (eric.pk, "electric", JULY, july[1] - july[0], 1),
        (eric.pk, "gas", JUNE, june[1] - june[0], 1),
    ]
    # His Green Button download shows what is kept and nothing more.
    client = signed_in(app, "eric.2016@example.com")
    text = client.get(f"/portal/me/green-button.csv?{SUMMER_2016}").content.decode()
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    # A month's one reading ends at the next month's first midnight, written with its date.
    assert sorted((r["DATE"], r["START TIME"][:5], r["END TIME"][:16], r["UNITS"]) for r in rows) == [
        ("2016-06-01", "00:00", "2016-07-01 00:00", "Wh"),
        ("2016-06-01", "00:00", "2016-07-01 00:00", "therm"),
        ("2016-07-01", "00:00", "2016-08-01 00:00", "Wh"),
    ]
    electric = [float(r["USAGE"]) / 1000 for r in rows if r["UNITS"] == "Wh"]
    assert electric == pytest.approx([june_total, july_total])
    feed = etree.parse(io.BytesIO(client.get(f"/portal/me/green-button.xml?{SUMMER_2016}").content))
    readings = list(feed.getroot().iter(f"{ESPI}IntervalReading"))
    assert len(readings) == 3 and not [q for r in readings for q in r.iter(f"{ESPI}ReadingQuality")]

    # Nothing left due, and a second run changes nothing.
    [due] = [d for d in retention_due() if d.item.key == "interval_readings"]
    assert due.count == 0
    again = retention_run(started_by_label="the scheduler")
    assert [r.count for r in again.records if r.schedule_item == "interval_readings"] == [0]
    assert [float(b.values[0]) for b in own_readings(eric, june[0], july[1])] == pytest.approx(
        [june_total, july_total, 20.0]
    )
