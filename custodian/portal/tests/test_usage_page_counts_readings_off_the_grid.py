"""Pat's usage page counts every reading we hold of her, those off the month's grid too: hours a later file
of quarter hours pushed off the hourly grid, and a reading longer than a day. The page, the download and
the data access answer's monthly table never tell two amounts for the same readings; a reading over two
days counts on each day for its share of the time, never whole on both."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.testing import espi_layouts as L
from custodian.testing.portal import signed_in
from custodian.usage.services import monthly_use_held, my_usage
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL


def upload(client, name: str, content: bytes) -> None:
    response = client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and "Nothing was stored" not in response.content.decode()


def a_csv(rows: list[tuple[str, str, str, float]]) -> bytes:
    lines = ["TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES"]
    lines += [f"Electric usage,{day},{start},{end},{kwh},kWh,," for day, start, end, kwh in rows]
    return ("\n".join(lines) + "\n").encode()


HOURS = [
    ("2024-04-30", "22:00", "23:00", 1),
    ("2024-04-30", "23:00", "00:00", 1),
    ("2024-05-01", "00:00", "01:00", 1),
    ("2024-05-01", "01:00", "02:00", 1),
]
QUARTER_HOURS = [
    ("2024-04-30", "23:30", "23:45", 0.1),
    ("2024-04-30", "23:45", "00:00", 0.1),
    ("2024-05-01", "00:00", "00:15", 0.1),
    ("2024-05-01", "00:15", "00:30", 0.1),
]


@pytest.fixture
def pat(households):
    (customer, app), _ = households
    return customer, signed_in(app, "pat@example.com")


def used_that_day(client, day: str) -> str:
    page = client.get(f"/portal/me/usage/?on={day}").content.decode()
    return page.split("That day you used <strong>")[1].split("</strong>")[0]


def test_hours_a_file_of_quarter_hours_pushed_off_the_grid_still_count(pat):
    """Four hours of 1 kWh, then four quarter hours of 0.1 kWh over 23:30–00:30: each day is its hour left
    (22:00, 01:00) and its two quarter hours, 1.2 kWh, as the download holds them, not 0.2 kWh."""
    customer, client = pat
    upload(client, "hours.csv", a_csv(HOURS))
    assert used_that_day(client, "2024-04-30") == "2.0 kWh"
    upload(client, "quarters.csv", a_csv(QUARTER_HOURS))
    assert used_that_day(client, "2024-04-30") == "1.2 kWh"
    assert used_that_day(client, "2024-05-01") == "1.2 kWh"
    usage = my_usage(
        actor=customer_actor(customer.pk), customer_id=customer.pk, on=datetime(2024, 5, 1).date()
    )
    days = {d["date"].isoformat(): d["amount"] for d in usage["services"][0]["days"]}
    assert days == {"2024-04-30": pytest.approx(1.2), "2024-05-01": pytest.approx(1.2)}
    hours = {h["hour"]: h["amount"] for h in usage["services"][0]["day"]["hours"] if h["amount"]}
    assert hours == {0: pytest.approx(0.2), 1: pytest.approx(1.0)}


def test_a_reading_of_two_days_counts_half_on_each_and_as_the_answer_counts_it(pat):
    """A 2-day ESPI reading of 10 kWh from September 28: 5 kWh on each of its days (never 10 on both, nor
    "we hold no readings"), and 10 kWh in September, as the data access answer's monthly table says."""
    customer, client = pat
    start = int(datetime(2024, 9, 28, tzinfo=LOCAL).timestamp())
    upload(client, "two-days.xml", L.feed(*L.one_meter([[(start, 2 * 86400, 10_000)]])))
    page = client.get("/portal/me/usage/?on=2024-09-29").content.decode()
    assert "We hold no readings" not in page
    assert "you used <strong>10 kWh</strong>" in page  # From September 28 to September 29, 2024
    usage = my_usage(
        actor=customer_actor(customer.pk), customer_id=customer.pk, on=datetime(2024, 9, 29).date()
    )
    electric = usage["services"][0]
    days = {d["date"].isoformat(): d["amount"] for d in electric["days"]}
    assert days == {"2024-09-28": pytest.approx(5.0), "2024-09-29": pytest.approx(5.0)}
    assert electric["total"] == pytest.approx(10.0)
    assert electric["day"] is None  # a reading of days says nothing of its hours
    held = monthly_use_held(
        actor=customer_actor(customer.pk), customer_id=customer.pk, purpose="providing_services"
    )
    assert sum(held["electric"]["2024-09"].values()) == pytest.approx(10.0)
