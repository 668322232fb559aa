"""A reading no meter could have read is refused by its line, whatever file it came in (the common CSV
layout, an ESPI feed) and whoever sends it (a customer's upload, a staff import): one that ends after now,
one that holds more than any meter reads in its interval (`reading_refusal`), and a CSV row that ends before
it starts. The file's other readings are kept."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodian.testing import espi_layouts as L
from custodian.testing import meter_complaint
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_import import parse_espi, parse_green_button_csv
from custodian.vault import interval_files
from custodian.vault.interval_files import LOCAL

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
PAST = 1_767_600_000  # 2026-01-05 02:00 local: a past hour


def problems_by_line(result) -> dict:
    return {p.line: p.message for p in result.problems}


def test_a_csv_reading_that_ends_after_now_or_holds_more_than_a_meter_reads_is_refused_by_its_line():
    result = parse_green_button_csv(
        HEADER + "Electric usage,2026-01-05,00:00,01:00,1.5,kWh,,\n"
        "Electric usage,2027-06-01,00:00,01:00,1.5,kWh,,\n"
        "Electric usage,2999-06-01,00:00,01:00,99999999999999999999999999,kWh,,\n"
        "Electric usage,2026-01-05,01:00,02:00,99999999999999999999999999,kWh,,\n"
        "Water usage,2026-01-05,01:00,02:00,2000000,gal,,\n"
    )
    assert [r.value for r in result.readings] == [1500.0]
    assert (result.readings_read, result.readings_refused) == (5, 4)
    lines = problems_by_line(result)
    assert "2027-06-01 00:00-0500 to 2027-06-01 01:00-0500 ends after now" in lines[3]
    assert "ends after now" in lines[4]
    assert "more than any meter reads in 60 minutes (at most 1e+08)" in lines[5] and "Wh" in lines[5]
    assert "2e+06 gal, more than any meter reads in 60 minutes" in lines[6]


def test_the_hour_that_is_running_is_refused_until_it_has_ended():
    hour = timezone.now().astimezone(LOCAL).replace(minute=0, second=0, microsecond=0)
    row = f"Electric usage,{hour:%Y-%m-%d},{hour:%H:%M%z},{hour + timedelta(hours=1):%H:%M%z},1,kWh,,\n"
    result = parse_green_button_csv(HEADER + row)
    assert not result.readings and "ends after now" in result.problems[0].message


def test_a_csv_end_time_before_its_start_time_is_refused_and_one_at_midnight_ends_the_next_day():
    result = parse_green_button_csv(
        HEADER + "Electric usage,2026-01-05,05:00,01:59,1.5,kWh,,\n"
        "Electric usage,2026-01-05,23:00,00:00,2,kWh,,\n"
        "Electric usage,2026-01-06,00:00-0600,00:00-0600,2,kWh,,\n"
    )
    # 23:00 to 00:00 is the day's last hour, 00:00 to 00:00 the whole day: each dated by its start.
    assert [(r.duration, r.value) for r in result.readings] == [(3600, 2000.0), (86400, 2000.0)]
    lines = problems_by_line(result)
    assert list(lines) == [2] and "END TIME '01:59' is before START TIME '05:00' on 2026-01-05" in lines[2]


def test_an_espi_reading_that_ends_after_now_is_named_by_its_line_and_the_others_kept():
    """The block-at-a-time path hands the block to the reading-at-a-time path, which names the reading."""
    later = int(datetime(2027, 6, 1, tzinfo=LOCAL).timestamp())
    blocks = [L.hourly(PAST, 3), [(PAST + 3 * 3600, 3600, 5), (later, 3600, 5)]]
    result = parse_espi(io.BytesIO(L.feed(*L.one_meter(blocks))))
    assert len(result.readings) == 4 and result.readings_refused == 1
    [problem] = result.problems
    assert problem.line and "2027-06-01 00:00-0500 to 2027-06-01 01:00-0500 ends after now" in problem.message


def test_an_espi_value_beyond_a_meters_is_refused_once_the_unit_is_known_even_if_it_comes_last():
    """A ReadingType may follow the readings it describes: the value's bound is applied when the series has
    its unit and powerOfTenMultiplier (kWh here: 10⁸ kWh in an hour is no meter's)."""
    entries = L.one_meter(
        [[(PAST, 3600, 2), (PAST + 3600, 3600, 100_000_000), (PAST + 7200, 3600, 3)]], power=3
    )
    entries.append(entries.pop(2))  # the ReadingType after the blocks
    result = parse_espi(io.BytesIO(L.feed(*entries)))
    assert [r.value for r in result.readings] == [2000.0, 3000.0] and result.readings_refused == 1
    [problem] = result.problems
    assert problem.line and "holds 1e+11 Wh, more than any meter reads in 60 minutes" in problem.message


@pytest.mark.parametrize("uom, power, value", [(38, 3, 200_000), (128, 0, 2_000_000), (169, 0, 20_000)])
def test_every_unit_has_its_bound_demand_is_not_scaled_by_the_interval(uom, power, value):
    kind = {38: "0", 128: "2", 169: "1"}[uom]
    daily = [(PAST, 86400, value), (PAST + 86400, 86400, 1)]
    result = parse_espi(io.BytesIO(L.feed(*L.one_meter([daily], kind=kind, uom=uom, power=power))))
    refused = uom == 38  # 200 MW of demand over a day is still 200 MW; a day of water or gas may hold more
    assert result.readings_refused == int(refused), result.problems
    assert len(result.readings) == 2 - int(refused)


def test_a_staff_import_and_a_customers_upload_refuse_them_alike(console, field_tech, customer, households):
    """The console's import and the portal's upload read files with the same parser: the same rule."""
    content = (
        HEADER + "Electric usage,2026-01-05,00:00,01:00,1.5,kWh,,\n"
        "Electric usage,2999-06-01,00:00,01:00,99999999999999999999999999,kWh,,\n"
        "Electric usage,2026-01-05,05:00,01:59,1,kWh,,\n"
    ).encode()
    staff = console(field_tech).post(
        f"/staff/customers/{customer.pk}/usage-import/",
        {"file": SimpleUploadedFile("u.csv", content), "request": meter_complaint(customer)},
    )
    (_, app), _ = households
    portal = signed_in(app, "pat@example.com").post(
        "/portal/me/usage/upload/", {"file": SimpleUploadedFile("u.csv", content)}
    )
    for response in (staff, portal):
        page = response.content.decode()
        assert response.status_code == 422, page[:2000]
        assert "ends after now" in page and "is before START TIME" in page
    assert {row[2] for row in interval_files.block_index()} == {"2026-01"}
