"""Pat's upload page says what a file she uploads may hold before she chooses one: readings from the first
day the retention schedule keeps interval readings (and for how long it keeps them), no reading larger than
a home's meter reads in an hour for each service, the largest file the form takes and the formats the import
reads. Each figure is read from what the import enforces (the policy's retention item, the bounds of a
home's meter, the upload limit in the settings), in English and in Spanish, so the page and the import
never say two things."""

from datetime import datetime

from django.test import override_settings

from custodian.dates import day_words
from custodian.testing.portal import signed_in
from custodian.usage.intervals import readings_kept_since
from custodian.vault.interval_files import LOCAL


def page(client, language: str = "en") -> str:
    response = client.get(f"/portal/me/usage/upload/?lang={language}")
    assert response.status_code == 200
    return response.content.decode()


def test_pat_reads_the_bounds_her_file_is_held_to(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    shown = page(client)
    since = day_words(datetime.fromtimestamp(readings_kept_since(), LOCAL).date())
    assert f"Readings from {since} until now" in shown
    assert "for 3 years under our retention schedule" in shown  # interval_reading_years in the policy file
    assert "larger than a home&#x27;s meter reads" in shown
    assert "100 kWh of electricity, 10 therms of natural gas or 3,000 gallons of water" in shown
    assert "A file of at most 100 MB." in shown
    assert "TYPE, DATE, START TIME, END TIME, USAGE, UNITS separated by commas or by tabs" in shown
    assert "kWh, Wh, therms, gallons, CCF, ft3, m3" in shown


def test_the_size_said_is_the_limit_the_upload_is_held_to(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    with override_settings(CUSTODIAN_UPLOAD_MAX_BYTES=7 * 2**20):
        assert "A file of at most 7 MB." in page(client)


def test_pat_reads_them_in_spanish(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    shown = page(client, "es")
    assert "Lo que puede contener un archivo" in shown
    assert "durante 3 años según nuestro calendario de conservación" in shown
    assert "lo que lee el medidor de una vivienda" in shown
    assert "10 termias de gas natural" in shown
    assert "Un archivo de 100 MB como máximo." in shown
    assert "separadas por comas o por tabulaciones" in shown
