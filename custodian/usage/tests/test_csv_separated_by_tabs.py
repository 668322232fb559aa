"""A Green Button CSV separated by tabs, as utilities' spreadsheets export it ("Text (Tab delimited)"), is
read like one separated by commas: Pat uploads her own, Fiona, a field technician, imports one for Alice,
and a note with commas in it does not make the import take the commas for the separator. A file separated
by neither is refused by name, saying which separators are read, in English and Spanish, and what was held
is kept."""

from django.utils import translation

from custodian.testing import green_button_command
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_import import parse_green_button_csv
from custodian.usage.tests.test_csv_saved_as_utf_16 import DAY, pat_s_day_stored, pats_day, upload

COLUMNS = ("TYPE", "DATE", "START TIME", "END TIME", "USAGE", "UNITS", "COST", "NOTES")


def rows(separator: str, value: float = 0.5) -> str:
    """A day of hourly readings, each with a note that holds commas."""
    return (
        separator.join(COLUMNS)
        + "\r\n"
        + "".join(
            separator.join(
                ("Electric usage", str(DAY), f"{h:02d}:00", f"{(h + 1) % 24:02d}:00", str(value), "kWh", "")
            )
            + f"{separator}read, checked, sent\r\n"
            for h in range(24)
        )
    )


def test_a_tab_separated_file_is_read_like_a_comma_separated_one():
    by_tabs, by_commas = parse_green_button_csv(rows("\t")), parse_green_button_csv(rows(","))
    assert by_tabs.ok, [p.message for p in by_tabs.problems]
    assert len(by_tabs.readings) == 24
    assert [(r.start, r.duration, r.value) for r in by_tabs.readings] == [
        (r.start, r.duration, r.value) for r in by_commas.readings
    ]


def test_pat_uploads_a_tab_separated_export(households):
    pat_s_day_stored(households, rows("\t").encode())


def test_fiona_imports_a_tab_separated_export_for_alice(customer, field_tech, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(rows("\t"))
    green_button_command(path, customer)
    assert pats_day(customer) == [0.5] * 24


def test_a_file_separated_by_neither_is_refused_by_name_and_pat_keeps_her_readings(households):
    (pat, app), _ = households
    client = signed_in(app, "pat@example.com")
    assert upload(client, rows("\t").encode()).status_code == 200
    response = upload(client, rows(";", value=9).encode())
    page = response.content.decode()
    assert response.status_code == 400, page[:3000]
    assert "the columns are separated by semicolons (;), not commas or tabs" in page
    assert "missing columns" not in page and "Traceback" not in page
    spanish = upload(client, rows("|", value=9).encode(), "es").content.decode()
    assert (
        "las columnas están separadas por barras verticales (|), no por comas ni por tabulaciones" in spanish
    )
    assert pats_day(pat) == [0.5] * 24


def test_a_tab_separated_header_short_of_a_column_names_the_column():
    text = rows("\t").replace("\tUNITS", "")
    result = parse_green_button_csv(text)
    assert not result.complete
    assert [p.message for p in result.problems] == ["missing columns: UNITS"]
    with translation.override("es"):
        assert "UNITS" in result.problems[0].in_language
