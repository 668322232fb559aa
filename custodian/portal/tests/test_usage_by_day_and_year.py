"""My usage beyond the last 30 days: electricity, gas and water each charted in its unit, the 30 days up to a
day the customer chooses and that day hour by hour, and this year against last year; each view one read of
the usage through the gate, and a bad day named, never a server error."""

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.demo.generator import local_clock
from custodian.testing.portal import METER, household_with_readings, limit_lifted, signed_in
from custodian.usage.forms import PeriodForm
from custodian.usage.services import my_usage, year_against_last_year
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL, IntervalBlock
from custodian.vault.services import interval_blocks_record

GAS_PER_HOUR, WATER_PER_HOUR = 0.25, 6.0


@pytest.fixture
def three_services(db):
    """A household with 13 months of hourly electricity, gas (therms) and water (gallons)."""
    customer, app, months = household_with_readings(5, 3600)
    blocks = []
    for m in months:
        clock = local_clock(m["month"])
        slots = len(clock[1])
        blocks.append(
            IntervalBlock(customer.pk, "gas", m["month"], clock[0], 3600, np.full(slots, GAS_PER_HOUR))
        )
        blocks.append(
            IntervalBlock(customer.pk, "water", m["month"], clock[0], 3600, np.full(slots, WATER_PER_HOUR))
        )
    interval_blocks_record(blocks=blocks, submission=METER)
    return customer, app, months


def _events():
    return AccessEvent.objects.filter(categories="meter_usage").count()


def _a_day_held(months) -> date:
    return date(int(months[-1]["month"][:4]), int(months[-1]["month"][5:]), 15)


def test_gas_and_water_are_charted_beside_electricity_in_one_read(three_services):
    customer, app, _ = three_services
    before = _events()
    usage = my_usage(actor=customer_actor(customer.pk), customer_id=customer.pk)
    assert _events() == before + 1
    gas = {s["service"]: s for s in usage["services"]}["gas"]
    assert [s["service"] for s in usage["services"]] == ["electric", "gas", "water"]
    assert len(gas["days"]) == 30 and all(
        d["amount"] == pytest.approx(24 * GAS_PER_HOUR, abs=0.3) for d in gas["days"]
    )
    page = (
        limit_lifted(signed_in(app, "three.services@example.com"), customer)
        .get("/portal/me/usage/")
        .content.decode()
    )
    assert "Natural gas" in page and "Water" in page
    assert page.count("therms</title></rect>") >= 30 + 24 and page.count("gallons</title></rect>") >= 30 + 24
    assert "Your natural gas use per day as a table" in page


def test_a_chosen_day_shows_the_30_days_up_to_it_and_its_hours(three_services):
    customer, app, months = three_services
    day = _a_day_held(months)
    before = _events()
    usage = my_usage(actor=customer_actor(customer.pk), customer_id=customer.pk, on=day)
    assert _events() == before + 1
    electric = usage["services"][0]
    assert electric["last"] == day and len(electric["days"]) == 30
    assert electric["day"]["total"] == pytest.approx(
        next(d["amount"] for d in electric["days"] if d["date"] == day)
    )
    assert len(electric["day"]["hours"]) == 24
    client = limit_lifted(signed_in(app, "chosen.day@example.com"), customer)
    page = client.get(f"/portal/me/usage/?on={day}").content.decode()
    assert f"{day:%B} {day.day}, {day.year}, hour by hour" in page
    assert "Your water use in each hour of the day (local time)" in page
    assert page.count("gallons</title></rect>") == 30 + 24


@pytest.mark.parametrize(
    "on, message",
    [
        ("tomorrow", "Enter a valid date."),
        ("3000-01-01", "Choose a date between January 1, 1970 and December 31, 2999."),
        ("future", "has passed"),
        ("1970-01-29", "Choose a day from January 30, 1970 on"),  # its 30 days would begin before 1970
        ("1970-01-29&lang=es", "Elija un día a partir del 30 de enero de 1970."),
    ],
)
def test_a_bad_day_is_named_and_the_page_still_answers(three_services, on, message):
    customer, app, _ = three_services
    if on == "future":
        on = (datetime.now(LOCAL).date() + timedelta(days=2)).isoformat()
    response = limit_lifted(signed_in(app, "bad.day@example.com"), customer).get(f"/portal/me/usage/?on={on}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_day_without_readings_says_so(three_services):
    customer, app, _ = three_services
    page = limit_lifted(signed_in(app, "empty.day@example.com"), customer).get(
        "/portal/me/usage/?on=2020-06-01"
    )
    assert (
        page.status_code == 200
        and "We hold no readings from your meters for those days." in page.content.decode()
    )


def test_this_year_against_last_year_month_by_month_in_one_read(three_services):
    customer, app, months = three_services
    before = _events()
    year = year_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    assert _events() == before + 1
    electric = year["services"][0]
    assert [r["month"].strftime("%Y-%m") for r in electric["rows"]] == [m["month"] for m in months[1:]]
    # Thirteen months held: the latest is the only one with its month a year earlier.
    assert electric["compared"] == 1
    latest = electric["rows"][-1]
    assert latest["amount"] == pytest.approx(months[-1]["total"], abs=0.05)
    assert latest["before"] == pytest.approx(months[0]["total"], abs=0.05)
    assert latest["direction"] in ("more", "less", "same")
    page = (
        limit_lifted(signed_in(app, "year.on.year@example.com"), customer)
        .get("/portal/me/usage/?view=year")
        .content.decode()
    )
    assert "This year against last year" in page and "A year earlier" in page
    assert "Your natural gas use this year and a year earlier" in page


def test_the_usage_views_read_in_spanish(three_services):
    customer, app, months = three_services
    client = limit_lifted(signed_in(app, "en.espanol@example.com"), customer)
    client.get("/portal/me/?lang=es")
    page = client.get("/portal/me/usage/").content.decode()
    assert "Gas natural" in page and "termias</title></rect>" in page and "Su día promedio" in page
    assert "como tabla" in page
    day = client.get(f"/portal/me/usage/?on={_a_day_held(months)}").content.decode()
    assert "hora por hora" in day
    refused = client.get("/portal/me/usage/?on=3000-01-01").content.decode()
    assert "Elija una fecha entre el 1 de enero de 1970 y el 31 de diciembre de 2999." in refused
    year = client.get("/portal/me/usage/?view=year").content.decode()
    assert "Este año frente al año pasado" in year and "Un año antes" in year


def test_a_download_too_long_is_refused_in_years_not_days(db):
    """The longest download is said as people say it ("3 years"), in the page's language."""
    data = {"start": "2020-01-01", "end": "2024-01-01"}
    assert "A download covers at most 3 years" in str(PeriodForm(data).errors)
    with translation.override("es"):
        assert "como máximo 3 años" in str(PeriodForm(data).errors)
