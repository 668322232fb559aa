"""My usage in the portal: hourly readings from the interval store, charted, and downloadable as Green Button
files for a chosen period that validate against the ESPI schema."""

import io
import json
import time
from datetime import date, datetime, timedelta

import pytest
from lxml import etree

from conftest import PAPER_FORM
from custodian.audit.models import AccessEvent
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application, hourly_electric, local_clock
from custodian.testing import project_file
from custodian.testing.portal import METER, household_with_readings, signed_in
from custodian.usage.greenbutton_import import parse_espi
from custodian.usage.intervals import reading_arrays
from custodian.usage.services import my_usage
from custodian.vault.gate import customer_actor, reveal_intervals
from custodian.vault.interval_files import LOCAL, IntervalBlock
from custodian.vault.services import interval_blocks_record


@pytest.fixture
def quarter_hourly(db):
    """A household with 13 months of 15-minute electric readings (the demo's `--interval 15`)."""
    return household_with_readings(4, 900)


def _schema():
    return etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))


def test_the_usage_page_charts_the_last_30_days(metered):
    _, app, _ = metered
    client = signed_in(app, "meter.reader@example.com")
    page = client.get("/portal/me/usage/").content.decode()
    assert "Day by day" in page and "Your average day" in page
    assert page.count("kWh</title></rect>") >= 30 + 24


def test_a_chosen_period_downloads_hourly_readings_that_validate(metered):
    _, app, months = metered
    client = signed_in(app, "meter.reader@example.com")
    last = months[-1]["month"]
    first_day = date(int(last[:4]), int(last[5:]), 1)
    last_day = (first_day + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    response = client.get(f"/portal/me/green-button.xml?start={first_day}&end={last_day}")
    assert response.status_code == 200
    _schema().assertValid(etree.parse(io.BytesIO(response.content)))
    readings = [r for r in parse_espi(io.BytesIO(response.content)).readings if r.unit == "Wh"]
    assert len(readings) == last_day.day * 24 + (1 if last[5:] == "11" else -1 if last[5:] == "03" else 0)
    assert {r.duration for r in readings} == {3600}
    assert sum(r.value for r in readings) / 1000 == pytest.approx(months[-1]["total"], abs=0.05)
    csv_text = client.get(f"/portal/me/green-button.csv?start={first_day}&end={last_day}").content.decode()
    assert csv_text.count("\n") > 24 * 28


def test_a_year_of_hourly_data_exports_in_about_a_second(metered):
    _, app, months = metered
    client = signed_in(app, "meter.reader@example.com")
    started = time.perf_counter()
    response = client.get("/portal/me/green-button.xml")
    elapsed = time.perf_counter() - started
    readings = [r for r in parse_espi(io.BytesIO(response.content)).readings if r.unit == "Wh"]
    assert len(readings) > 365 * 24
    assert elapsed < 3.0, f"a year of hourly data took {elapsed:.2f}s"


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-05-01&end=2026-04-01", "The end date is before the start date."),
        ("start=2026-05-01", "Give both dates"),
        ("start=yesterday&end=2026-04-01", "Enter a valid date."),
        ("start=2020-01-01&end=2026-04-01", "at most"),
    ],
)
def test_a_bad_period_is_named_and_nothing_is_downloaded(metered, query, message):
    _, app, _ = metered
    client = signed_in(app, "meter.reader@example.com")
    response = client.get(f"/portal/me/green-button.xml?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_15_minute_readings_chart_kwh_per_hour_and_download_as_15_minutes(quarter_hourly):
    customer, app, months = quarter_hourly
    usage = my_usage(actor=customer_actor(customer.pk), customer_id=customer.pk)["services"][0]
    # The average day is kWh per hour: its 24 hours add up to an average day's total (four 15-minute
    # readings make one hour, not four).
    day = usage["total"] / len(usage["days"])
    assert sum(h["amount"] for h in usage["hours"]) == pytest.approx(day, rel=0.05)
    client = signed_in(app, "quarter.hours@example.com")
    assert client.get("/portal/me/usage/").content.decode().count("kWh</title></rect>") >= 30 + 24
    last = months[-2]["month"]  # a whole month
    first_day = date(int(last[:4]), int(last[5:]), 1)
    last_day = (first_day + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    response = client.get(f"/portal/me/green-button.xml?start={first_day}&end={last_day}")
    _schema().assertValid(etree.parse(io.BytesIO(response.content)))
    readings = [r for r in parse_espi(io.BytesIO(response.content)).readings if r.unit == "Wh"]
    assert {r.duration for r in readings} == {900}
    assert abs(len(readings) - last_day.day * 96) <= 4  # a clock change adds or drops an hour
    assert sum(r.value for r in readings) / 1000 == pytest.approx(months[-2]["total"], abs=0.05)


def _days_of_the_whole_year(customer):
    """The usage page's days as they are when the whole year is read (the report before the recent months
    were read first)."""

    end = int(time.time())
    blocks = reveal_intervals(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        purpose="providing_services",
        start=end - 400 * 86400,
        end=end,
        services=["electric"],
    )
    starts, _, values = reading_arrays(blocks, 0, end, "electric")
    last = datetime.fromtimestamp(int(starts[-1]), LOCAL).date()
    daily = {}
    for start, kwh in zip(starts.tolist(), values.tolist(), strict=True):
        day = datetime.fromtimestamp(start, LOCAL).date()
        if (last - day).days < 30:
            daily[day] = daily.get(day, 0.0) + kwh
    return daily


def test_the_usage_page_reads_the_recent_months_once_and_shows_what_the_whole_year_shows(metered):
    customer, _, _ = metered
    before = AccessEvent.objects.count()
    usage = my_usage(actor=customer_actor(customer.pk), customer_id=customer.pk)["services"][0]
    assert AccessEvent.objects.count() == before + 1  # one read: the recent months held the last 30 days
    expected = _days_of_the_whole_year(customer)
    assert {d["date"]: d["amount"] for d in usage["days"]} == pytest.approx(expected)


def test_a_meter_that_stopped_months_ago_still_shows_its_last_30_days(db):
    app = application(9, 5, date.today())
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    months = json.loads(app.personal["meter_usage"])["electric"]["months"][:-5]  # nothing for five months
    blocks = []
    for m in months:
        clock = local_clock(m["month"])
        values = hourly_electric(9, 5, m["month"], m["total"], clock, app.heating_fuel)
        blocks.append(IntervalBlock(customer.pk, "electric", m["month"], clock[0], 3600, values))
    interval_blocks_record(blocks=blocks, submission=METER)
    before = AccessEvent.objects.count()
    usage = my_usage(actor=customer_actor(customer.pk), customer_id=customer.pk)["services"][0]
    assert AccessEvent.objects.count() == before + 2  # the recent months, then the year: both logged
    assert len(usage["days"]) == 30 and usage["last"].strftime("%Y-%m") == months[-1]["month"]
    assert {d["date"]: d["amount"] for d in usage["days"]} == pytest.approx(_days_of_the_whole_year(customer))
