"""A Green Button CSV file as a spreadsheet program saves it: with its columns separated by semicolons (a
spreadsheet set to a language that writes decimal commas) the upload says so, rather than listing every column
as missing; in Windows-1252 (Excel's "CSV" on Windows) with one accented letter in a note, it is read."""

from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.csvfile import csv_text, separator_used
from custodian.testing.portal import signed_in

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
ROWS = (
    "Electric usage,2026-01-05,00:00-0600,01:00-0600,1.25,kWh,,café abierto\n"
    "Electric usage,2026-01-05,01:00-0600,02:00-0600,0.75,kWh,,\n"
)


def _upload(client, content: bytes, language: str = "en"):
    return client.post(
        f"/portal/me/usage/upload/?lang={language}", {"file": SimpleUploadedFile("usage.csv", content)}
    )


def test_a_file_separated_by_semicolons_is_told_so_in_both_languages(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    content = (HEADER + ROWS).replace(",", ";").encode()
    english = _upload(client, content).content.decode()
    assert "the columns are separated by semicolons (;), not commas" in english
    assert "missing columns" not in english
    spanish = _upload(client, content, "es").content.decode()
    assert "las columnas están separadas por punto y coma (;), no por comas" in spanish


def test_a_windows_1252_file_with_an_accent_in_a_note_is_read(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    response = _upload(client, (HEADER + ROWS).encode("cp1252"))
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert "neither XML nor UTF-8" not in page


def test_the_text_of_a_csv_file():
    assert csv_text("café".encode()) == "café"
    assert csv_text("\ufeffcafé".encode()) == "café"
    assert csv_text("café".encode("cp1252")) == "café"
    assert csv_text("café".encode("utf-16")) == "café"  # with its byte-order mark
    assert csv_text(b"\xff\xfe\x00\xd8garbage") is None  # not UTF-16 to its end: not text
    assert separator_used("TYPE;DATE;USAGE") == ";" and separator_used("TYPE\tDATE") == "\t"
    assert separator_used("TYPE,DATE") == "" and separator_used("TYPE") == ""
