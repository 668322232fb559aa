"""A customer uploads a day's use twice: first the CSV of a utility that writes each hour's END TIME as its
last minute (`00:00` to `00:59`), then an ESPI file of the same hours. The first is read as whole hours and
the page says how it read them; the second replaces the first's readings, the page counting them replaced;
the day's download has one reading an hour and its use is the second file's alone."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.testing import espi_layouts as L
from custodian.testing.portal import signed_in
from custodian.vault.interval_files import LOCAL

DAY = "2026-03-08"  # daylight saving begins: 23 local hours, 02:00 skipped
MIDNIGHT = int(datetime(2026, 3, 8, tzinfo=LOCAL).timestamp())
HOURS = [h for h in range(24) if h != 2]


def upload(client, name, content):
    return client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile(name, content)})


def a_csv_with_inclusive_ends() -> bytes:
    lines = ["TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES"]
    lines += [f"Electric usage,{DAY},{h:02d}:00,{h:02d}:59,0.35,kWh,$0.05," for h in HOURS]
    return ("\n".join(lines) + "\n").encode()


def test_the_same_hours_uploaded_as_csv_then_espi_are_held_once(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    first = upload(client, "usage.csv", a_csv_with_inclusive_ends())
    page = first.content.decode()
    assert first.status_code == 200, page[-3000:]
    assert "stored 23" in page and "replaced" not in page
    assert "is the last minute of their interval" in page and "the first at 01:00" in page
    espi = L.feed(*L.one_meter([L.hourly(MIDNIGHT, 23, value=lambda i: 500)]))
    second = upload(client, "usage.xml", espi)
    page = second.content.decode()
    assert second.status_code == 200, page[-3000:]
    assert "stored 23" in page and "23 replaced readings we held" in page
    download = client.get("/portal/me/green-button.csv?start=2026-03-07&end=2026-03-09").content.decode()
    table = csv.DictReader(line for line in io.StringIO(download) if not line.startswith("#"))
    rows = [r for r in table if r["DATE"] == DAY]
    assert len(rows) == 23  # one reading an hour, not two
    assert all(row["END TIME"][3:5] == "00" for row in rows)  # whole hours, none of 59 minutes
    per_kwh = {"kWh": 1, "Wh": 1000}[rows[0]["UNITS"]]
    assert sum(float(row["USAGE"]) for row in rows) / per_kwh == pytest.approx(11.5)  # the second file's
