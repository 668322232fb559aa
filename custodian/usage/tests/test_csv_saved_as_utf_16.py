"""A Green Button CSV as a spreadsheet or a utility's export saves it: UTF-16 with its byte-order mark
(little- or big-endian: Excel's "Unicode Text", some utilities' downloads) or UTF-8 with its mark, is read as
the text it is, by Pat uploading her own file and by Fiona, a field technician, importing one for Alice alike;
a file in an encoding the import does not read (UTF-32, UTF-16 without its mark, a spreadsheet's own
workbook) is refused in words that name what it is, in the reader's language, and the readings held before
are kept."""

import codecs
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.csvfile import csv_text
from custodian.testing import green_button_command, own_readings
from custodian.testing.portal import signed_in
from custodian.usage.intervals import series_readings
from custodian.vault.interval_files import LOCAL

HOUR = 3600


def a_day() -> date:
    """A day three weeks ago on which the clocks do not change: 24 hours from local midnight."""
    day = date.today() - timedelta(days=21)
    while (
        datetime.combine(day + timedelta(days=1), time(), LOCAL) - datetime.combine(day, time(), LOCAL)
    ) != (timedelta(hours=24)):
        day -= timedelta(days=1)
    return day


DAY = a_day()
START = int(datetime.combine(DAY, time(), LOCAL).timestamp())
# A day of hourly readings as a utility's export writes it (a note with an accent, which Windows-1252 and
# UTF-16 both hold), 0.5 kWh an hour.
CSV = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\r\n" + "".join(
    f"Electric usage,{DAY},{h:02d}:00,{(h + 1) % 24:02d}:00,0.5,kWh,,lectura días\r\n" for h in range(24)
)

SAVED_AS = {
    "utf-16 little-endian with its mark": codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"),
    "utf-16 big-endian with its mark": codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"),
    "utf-8 with its mark": codecs.BOM_UTF8 + CSV.encode(),
}
# What a file the import does not read as text is, and the words that say so.
NOT_READ = {
    "utf-32": (codecs.BOM_UTF32_LE + CSV.encode("utf-32-le"), "the file is UTF-32 text"),
    "utf-16 without its mark": (CSV.encode("utf-16-le"), "UTF-16 text without its byte-order mark"),
    "utf-16 cut short": (codecs.BOM_UTF16_LE + CSV.encode("utf-16-le")[:-1], "may be cut short or damaged"),
    "a spreadsheet's workbook": (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "a spreadsheet workbook"),
}


def upload(client, content: bytes, language: str = "en"):
    return client.post(
        f"/portal/me/usage/upload/?lang={language}", {"file": SimpleUploadedFile("usage.csv", content)}
    )


def pats_day(customer) -> list[float]:
    stored = series_readings(
        own_readings(customer, START, START + 24 * HOUR), START, START + 24 * HOUR, "electric"
    )
    return [value for *_, value in stored]


def pat_s_day_stored(households, content: bytes) -> str:
    """Pat uploads `content`, a file of her day at 0.5 kWh an hour: read and stored whole; the page."""
    (pat, app), _ = households
    client = signed_in(app, "pat@example.com")
    response = upload(client, content)
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert "We read 24 readings and stored 24" in page
    assert pats_day(pat) == [0.5] * 24
    return page


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_pat_uploads_a_csv_saved_as_utf_16_or_with_a_utf_8_mark(households, saved_as):
    pat_s_day_stored(households, SAVED_AS[saved_as])


def test_fiona_imports_a_utility_s_utf_16_export_for_alice(customer, field_tech, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(SAVED_AS["utf-16 little-endian with its mark"])
    green_button_command(path, customer)
    assert pats_day(customer) == [0.5] * 24


@pytest.mark.parametrize("kind", NOT_READ)
def test_a_file_in_an_encoding_not_read_is_named_and_pat_keeps_her_readings(households, kind):
    (pat, app), _ = households
    client = signed_in(app, "pat@example.com")
    assert upload(client, CSV.encode()).status_code == 200
    content, words = NOT_READ[kind]
    response = upload(client, content)
    page = response.content.decode()
    assert response.status_code == 400, page[:3000]
    assert "Nothing was stored" in page and words in page
    assert "Traceback" not in page and "neither XML nor UTF-8" not in page
    assert pats_day(pat) == [0.5] * 24  # what she held before: not lost


def test_pat_reads_why_in_spanish(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    page = upload(client, NOT_READ["utf-16 without its mark"][0], "es").content.decode()
    assert "el archivo parece texto UTF-16 sin su marca de orden de bytes" in page
    assert "byte-order mark" not in page


def test_excel_s_unicode_text_is_read_with_its_tabs(households):
    """Excel's "Unicode Text" is UTF-16 with its mark and tabs between the columns: read as text, its
    columns told apart by the tabs, as in a tab-separated file saved in UTF-8."""
    unicode_text = codecs.BOM_UTF16_LE + CSV.replace(",", "\t").encode("utf-16-le")
    assert "separated by tabs" not in pat_s_day_stored(households, unicode_text)


def test_the_text_of_a_csv_file_in_each_encoding():
    for content in SAVED_AS.values():
        assert csv_text(content) == CSV
    assert csv_text(CSV.encode("cp1252")) == CSV
    for content, _ in NOT_READ.values():
        assert csv_text(content) is None
