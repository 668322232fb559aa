"""A demand series' month past its period keeps its peak, not a sum of kW. Dana's meter reads energy and
demand every 15 minutes; June 2016 holds both on the meter's grid (demand mostly 1 kW, one quarter hour at
42.5 kW, a stretch without readings) and a billing period's demand from her own file (38 kW); July 2016's
demand grid holds no reading at all. The retention run keeps June's energy total and June's demand peak
(42.5 kW, the figure a demand charge bills), and July's demand as a month without readings reads (NaN), as an
energy month without readings is kept; her Green Button download of the reduced month and a data access
answer's monthly table, before the run and after it, tell the peak as the month's demand, not a sum of kW."""

import io
import math

import numpy as np
import pytest
from django.utils import translation
from lxml import etree

from custodian.casework.package_words import monthly_rows
from custodian.retention.services import retention_run
from custodian.testing import FILE_IMPORT, own_readings
from custodian.testing.portal import METER, signed_in
from custodian.usage.intervals import PERIODS, encode_periods, series_key
from custodian.usage.services.presentation import monthly_use_held
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import interval_blocks_record

JUNE, JULY = "2016-06", "2016-07"
DAY, QUARTER = 86400, 900
DEMAND = series_key("electric", demand=True)
PEAK, BILLED_DEMAND = 42.5, 38.0
SUMMER_2016 = "start=2016-06-01&end=2016-07-31"
ESPI = "{http://naesb.org/espi}"


@pytest.fixture
def danas_2016(households):
    """Dana (the first household): June's energy and demand, and July's demand grid without a reading."""
    dana, app = households[0]
    june, july = month_bounds(JUNE), month_bounds(JULY)
    slots = (june[1] - june[0]) // QUARTER
    demand = np.full(slots, 1.0)
    demand[2000] = PEAK  # June 21, after the billing period
    demand[1000:1100] = np.nan
    interval_blocks_record(
        blocks=[
            IntervalBlock(dana.pk, "electric", JUNE, june[0], QUARTER, np.full(slots, 0.25)),
            IntervalBlock(dana.pk, DEMAND, JUNE, june[0], QUARTER, demand),
            IntervalBlock(
                dana.pk, DEMAND, JULY, july[0], QUARTER, np.full((july[1] - july[0]) // QUARTER, np.nan)
            ),
        ],
        submission=METER,
    )
    billed = [(june[0] + 2 * DAY, 5 * DAY, BILLED_DEMAND)]  # June 3 to 8, her file's demand for the period
    interval_blocks_record(
        blocks=[IntervalBlock(dana.pk, DEMAND + PERIODS, JUNE, june[0], 60, encode_periods(june[0], billed))],
        submission=FILE_IMPORT,
    )
    return dana, app, 0.25 * slots


def _monthly_table(dana) -> list[list[str]]:
    held = monthly_use_held(
        actor=customer_actor(dana.pk, "the customer"), customer_id=dana.pk, purpose="providing_services"
    )
    return [row for row in monthly_rows({}, held) if row[2].endswith("kW")]


def test_a_demand_month_is_told_as_its_peak_before_the_run(danas_2016):
    dana, _app, _june_total = danas_2016

    assert _monthly_table(dana) == [
        ["Electric (demand)", "June 2016", "42.5 kW", "the highest of the meter readings we hold"],
        [
            "Electric (demand)",
            "June 2016",
            "38 kW",
            "the highest of the readings of a file our staff imported",
        ],
    ]
    # The series by its words in the reader's language, never the store's key ("Electric_demand").
    with translation.override("es"):
        assert {row[0] for row in _monthly_table(dana)} == {"Electricidad (demanda)"}


def test_the_run_keeps_a_demand_months_peak(danas_2016):
    dana, app, june_total = danas_2016
    june, july = month_bounds(JUNE), month_bounds(JULY)

    retention_run(started_by_label="the scheduler")

    held = {(b.service, b.month): b.values for b in own_readings(dana, june[0], july[1])}
    assert sorted(held) == [("electric", JUNE), (DEMAND, JUNE), (DEMAND, JULY)]
    assert [len(v) for v in held.values()] == [1, 1, 1]
    assert float(held[("electric", JUNE)][0]) == pytest.approx(june_total)
    assert float(held[(DEMAND, JUNE)][0]) == pytest.approx(PEAK)  # not 2,800-odd "kW" added up
    assert math.isnan(held[(DEMAND, JULY)][0])  # a month without readings, as an energy month's would be
    # The reduced month is told as the peak wherever it is read: the data access answer's monthly table…
    assert _monthly_table(dana) == [
        ["Electric (demand)", "June 2016", "42.5 kW", "the highest of the meter readings we hold"],
    ]
    # …and her Green Button download: one reading of the whole of June for each series, energy in Wh and
    # demand in W (its peak), and nothing of July's demand, which holds no reading.
    client = signed_in(app, "dana.2016@example.com")
    feed = etree.parse(io.BytesIO(client.get(f"/portal/me/green-button.xml?{SUMMER_2016}").content))
    readings = [
        (int(r.find(f"{ESPI}timePeriod/{ESPI}start").text), int(r.find(f"{ESPI}value").text))
        for r in feed.getroot().iter(f"{ESPI}IntervalReading")
    ]
    assert sorted(readings) == [(june[0], PEAK * 1000), (june[0], june_total * 1000)]
    # A second run changes nothing: the peak kept is the month's figure, not summed again.
    retention_run(started_by_label="the scheduler")
    assert float(own_readings(dana, june[0], june[1])[1].values[0]) == pytest.approx(PEAK)
