"""A Green Button file whose every reading is refused says so: how many were refused and why, the reasons
grouped and counted, in the reader's language, never that the file held no readings (which only a file with
none is told). A reading from before the period interval readings are kept is refused in the words of who
imports the file: Pat uploading her own ("a file you upload"), or Fiona, a field technician, importing one for
Alice ("a file imported for a customer"), in the console and the command alike. A count of one reading is
said in the singular."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.utils import translation

from custodian.testing import espi_layouts as L
from custodian.testing import green_button_command, meter_complaint, own_readings
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_import import ImportResult, Reading, parse_espi
from custodian.usage.intervals import readings_kept_since, usage_import
from custodian.vault import interval_files
from custodian.vault.interval_files import LOCAL, month_bounds, month_of
from custodian.vault.services import Submission

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


def since() -> str:
    """The first day of the period interval readings are kept, as a refusal names it."""
    return datetime.fromtimestamp(readings_kept_since(), LOCAL).strftime("%Y-%m-%d")


def rows(first: datetime, hours: int, usage="0.5") -> str:
    """Hourly rows from `first` (local, with its UTC offset, so no hour is ambiguous)."""
    out = ""
    for hour in range(hours):
        start = first + timedelta(hours=hour)
        end = start + timedelta(hours=1)
        out += f"Electric usage,{start:%Y-%m-%d},{start:%H:%M%z},{end:%H:%M%z},{usage},kWh,,\n"
    return out


def too_old(hours: int = 24) -> str:
    """A day of readings from a week before the period interval readings are kept."""
    first = datetime.fromtimestamp(readings_kept_since(), LOCAL) - timedelta(days=7)
    return rows(first.replace(hour=0), hours)


def recent() -> datetime:
    """Local midnight ten days ago."""
    day = datetime.now(LOCAL) - timedelta(days=10)
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def upload(client, content: str, language: str = "en"):
    return client.post(
        f"/portal/me/usage/upload/?lang={language}",
        {"file": SimpleUploadedFile("usage.csv", content.encode())},
    )


def console_import(client, customer, content: str):
    return client.post(
        f"/staff/customers/{customer.pk}/usage-import/",
        {"file": SimpleUploadedFile("usage.csv", content.encode()), "request": meter_complaint(customer)},
    )


def test_pat_is_told_her_readings_were_refused_and_why_not_that_the_file_held_none(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    response = upload(client, HEADER + too_old())
    page = response.content.decode()
    assert response.status_code == 400, page[:3000]
    assert "Nothing was stored" in page and "holds no readings" not in page
    assert (
        "All 24 of the file&#x27;s readings were refused, so nothing was stored: 24 readings from before "
        f"{since()}, the start of the period interval readings are kept." in page
    )
    assert "a file you upload may hold readings from" in page  # her own words, by line
    assert "imported for a customer" not in page
    assert not interval_files.block_index()


def test_pat_reads_it_in_spanish(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    page = upload(client, HEADER + too_old(), "es").content.decode()
    assert (
        "Se rechazaron todas las 24 lecturas del archivo, así que no se guardó nada: 24 lecturas anteriores "
        f"al {since()}, el inicio del período en que se conservan las lecturas por intervalo." in page
    )
    assert "El archivo no tiene lecturas" not in page and "were refused" not in page


def test_the_reasons_are_grouped_and_counted_the_largest_first(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    day = recent()
    mixed = (
        HEADER
        + too_old(3)
        + rows(day, 2, usage="lots")
        + rows(day + timedelta(hours=5), 1, usage="900")  # more than a home's meter reads in an hour
    )
    page = upload(client, mixed).content.decode()
    assert (
        "All 6 of the file&#x27;s readings were refused, so nothing was stored: 3 readings from before "
        f"{since()}, the start of the period interval readings are kept; 2 readings that could not be "
        "read (a number, date, time or unit the layout does not allow); 1 reading larger than the meter "
        "could read." in page
    )
    spanish = upload(client, mixed, "es").content.decode()
    assert "; 1 lectura mayor de lo que el medidor pudo leer." in spanish
    assert "2 lecturas que no se pudieron leer" in spanish


def test_one_reading_refused_is_said_as_one(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    page = upload(client, HEADER + too_old(1)).content.decode()
    assert "The file&#x27;s 1 reading was refused, so nothing was stored: 1 reading from before" in page
    spanish = upload(client, HEADER + too_old(1), "es").content.decode()
    assert (
        "Se rechazó 1 lectura, la única del archivo, así que no se guardó nada: 1 lectura anterior" in spanish
    )


def test_a_file_with_no_readings_is_still_told_it_holds_none(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    page = upload(client, HEADER).content.decode()
    assert "The file holds no readings." in page


def test_fiona_is_told_in_words_for_an_import_for_a_customer(console, field_tech, customer):
    response = console_import(console(field_tech), customer, HEADER + too_old())
    page = response.content.decode()
    assert response.status_code == 400, page[:3000]
    assert "Nothing was stored" in page and "holds no readings" not in page
    assert "All 24 of the file&#x27;s readings were refused, so nothing was stored: 24 readings from" in page
    assert (
        f"is before {since()}: interval readings are kept from {since()} under the retention schedule, so a "
        "file imported for a customer may hold readings from then until now; reading refused" in page
    )
    assert "a file you upload" not in page


def test_fiona_s_command_says_the_same(customer, field_tech, tmp_path, capsys):
    path = tmp_path / "old.csv"
    path.write_text(HEADER + too_old())
    with pytest.raises(
        CommandError, match="all 24 of the file's readings were refused, so nothing was stored"
    ):
        green_button_command(path, customer)
    problems = capsys.readouterr().err
    assert "a file imported for a customer may hold readings" in problems and "you upload" not in problems


def test_a_file_refused_for_the_meter_s_month_is_not_said_to_be_stored(console, field_tech, customer):
    """Readings of a month held from the utility's meter are refused by the store, not the reader: the file
    stored nothing, and Fiona is told so and why, not "Imported" with nothing in it."""
    month = month_of(int((datetime.now(LOCAL) - timedelta(days=40)).timestamp()))
    first = month_bounds(month)[0]
    meter_day = [Reading("up", "mr", first + 3600 * i, 3600, 500, "Wh", 1) for i in range(24)]
    usage_import(
        customer_id=customer.pk,
        result=ImportResult(readings=meter_day, usage_points={"up": "electric"}),
        submission=METER,
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )
    file_day = rows(datetime.fromtimestamp(first, LOCAL), 24, usage="0.9")
    response = console_import(console(field_tech), customer, HEADER + file_day)
    page = response.content.decode()
    assert response.status_code == 400, page[:3000]
    assert "Nothing was stored" in page and "Imported" not in page
    assert (
        "All 24 of the file&#x27;s readings were refused, so nothing was stored: 24 readings of months held "
        "from the utility&#x27;s meter, which a file does not replace." in page
    )
    held = own_readings(customer, first, first + 86400)
    assert [b.values[:24].tolist() for b in held if b.service == "electric"] == [[0.5] * 24]


def test_a_count_of_one_in_the_reader_s_problems_is_singular():
    """An ESPI problem that counts the readings it refuses says one reading as one, in both languages."""
    start = (int(datetime.now(LOCAL).timestamp()) - 20 * 86400) // 3600 * 3600
    result = parse_espi(io.BytesIO(L.feed(*L.one_meter([L.hourly(start, 1)], kind="9"))))
    [counted] = [p for p in result.problems if "unknown service" in p.message]
    assert counted.message == "1 reading of a UsagePoint of unknown service refused"
    with translation.override("es"):
        assert counted.in_language == "1 lectura de un UsagePoint de servicio desconocido rechazada"
    assert result.readings_refused == 1 and result.refused_why == {("unknown_service", ()): 1}
