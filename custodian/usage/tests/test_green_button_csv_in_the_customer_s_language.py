"""The words for people in a customer's own Green Button CSV (the comments at its top, each row's TYPE and
NOTES) are in their language, as the XML download's titles are
(`test_green_button_titles_in_the_customer_s_language.py`). The column names stay the Green Button CSV
layout's in every language (the import reads them, and so do the spreadsheets and energy apps that take the
layout), and the file says so, naming each column in the customer's words; a Spanish download reads back
through the import, every row under its service.

Personas: Marta, who reads Spanish, and Meredith, who reads English, each with a year of hourly electric
readings, downloading their usage in the portal."""

import csv
import io

import pytest
from django.utils import translation

from custodian.testing.portal import green_button_downloaded
from custodian.usage.greenbutton_export import UsagePointExport, green_button_csv
from custodian.usage.greenbutton_import import parse_green_button_csv

HEADER = ["TYPE", "DATE", "START TIME", "END TIME", "USAGE", "UNITS", "COST", "NOTES"]
# Words only the English comments hold.
ENGLISH_WORDS = ("Times are", "local time", "COST is", "interval's share", "column names")


def downloaded(household, language: str) -> str:
    return green_button_downloaded(household, language, "csv").decode()


def comments_and_rows(text: str) -> tuple[list[str], list[list[str]]]:
    comments = [line for line in text.splitlines() if line.startswith("#")]
    rows = list(
        csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))))
    )
    return comments, rows


def test_marta_s_csv_is_in_spanish_with_the_layout_s_column_names(household):
    comments, rows = comments_and_rows(downloaded(household, "es"))
    assert comments[0] == (
        "# Las horas son la hora local de America/Chicago; START TIME y END TIME llevan cada una su "
        "diferencia con UTC, y un END TIME posterior a la medianoche que sigue a DATE lleva su fecha."
    )
    assert "TYPE (qué se midió)" in comments[1] and "USAGE (consumo)" in comments[1]
    assert comments[2].startswith("# COST es la parte de cada intervalo")
    left = [c for c in comments if any(w in c for w in ENGLISH_WORDS)]
    assert not left, left
    assert rows[0] == HEADER
    types = {r[0] for r in rows[1:]}
    assert "consumo de electricidad" in types and types <= {
        "consumo de electricidad",
        "consumo de gas",
        "consumo de agua",
    }


def test_meredith_s_csv_is_in_english(household):
    comments, rows = comments_and_rows(downloaded(household, "en"))
    assert (
        comments[0]
        == "# Times are America/Chicago local time; each START TIME and END TIME carries its UTC offset, "
        "and an END TIME later than the midnight after DATE carries its date."
    )
    assert comments[1].startswith("# The column names are the Green Button CSV layout's")
    assert comments[2].startswith("# COST is each interval's share")
    assert rows[0] == HEADER
    types = {r[0] for r in rows[1:]}
    assert "electric usage" in types and types <= {"electric usage", "gas usage", "water usage"}


@pytest.mark.parametrize("service", ["electric", "gas", "water"])
def test_a_spanish_download_reads_back_under_its_service(service):
    unit = {"electric": "Wh", "gas": "therm", "water": "gal"}[service]
    point = UsagePointExport(
        key=service, title="T", service=service, unit=unit, readings=[(1_767_225_600, 3600, 2.0)]
    )
    with translation.override("es"):
        text = green_button_csv([point])
    assert "\nconsumo de " in text
    result = parse_green_button_csv(text)
    assert result.ok, result.problems
    assert set(result.usage_points.values()) == {service}
    assert [(r.unit, r.value) for r in result.readings] == [(unit, 2.0)]
