"""The meter readings in the customer's download of their data say where each came from and how long each
lasts: the meter's, a file staff imported and the customer's own upload are never mixed without a word, in the
spreadsheet (in the customer's language) and in the file for programs (each source a key beside its words).

Personas: Pat, a customer with a month of the meter's hourly readings, a month of quarter-hour readings from
a file field services imported and a month of hourly readings she uploaded herself; who reads English, and
Pat again after choosing Spanish."""

import numpy as np
import pytest

from custodian.customers.models import Customer
from custodian.portal.tests.test_download_everything import sections
from custodian.testing import FILE_IMPORT
from custodian.testing.portal import signed_in
from custodian.vault.choices import CUSTOMER_UPLOAD
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
UPLOAD = Submission(channel="file_import", notice_key="metering", recorded_by_label=CUSTOMER_UPLOAD)
# Each month's readings: their length in seconds and where they came from.
HELD = {"2026-03": (3600, METER), "2026-04": (900, FILE_IMPORT), "2026-05": (3600, UPLOAD)}
HEADERS = {"en": ("Length", "Source"), "es": ("Duración", "Origen")}
TITLE = {"en": "Your meter readings", "es": "Sus lecturas del medidor"}
WORDS = {
    "en": {
        "2026-03": ("1 hour", "the meter"),
        "2026-04": ("15 minutes", "a file staff imported"),
        "2026-05": ("1 hour", "your upload"),
    },
    "es": {
        "2026-03": ("1 hora", "el medidor"),
        "2026-04": ("15 minutos", "un archivo que importó nuestro personal"),
        "2026-05": ("1 hora", "el archivo que usted subió"),
    },
}


@pytest.fixture
def pat(households):
    (customer, app), _ = households
    for month, (seconds, submission) in HELD.items():
        start, end = month_bounds(month)
        values = np.full((end - start) // seconds, 0.25)
        interval_blocks_record(
            blocks=[IntervalBlock(customer.pk, "electric", month, start, seconds, values)],
            submission=submission,
        )
    return customer, app


@pytest.mark.parametrize("language", sorted(TITLE))
def test_the_spreadsheet_says_each_readings_source_and_length(pat, language):
    customer, app = pat
    Customer.objects.filter(pk=customer.pk).update(language=language)
    client = signed_in(app, "pat@example.com")
    readings = sections(client.get("/portal/me/download.csv", {"lang": language}))[TITLE[language]]
    assert readings[0][2] == HEADERS[language][0] and readings[0][5] == HEADERS[language][1]
    by_month: dict[str, set] = {}
    for row in readings[1:]:
        by_month.setdefault(row[1][:7], set()).add((row[2], row[5]))
    assert by_month == {month: {words} for month, words in WORDS[language].items()}


def test_the_file_gives_each_source_and_length(pat):
    _, app = pat
    data = signed_in(app, "pat@example.com").get("/portal/me/download.json").json()["data"]
    held = {s["source"]["key"]: s for s in data["meter_intervals"]}
    assert {k: s["source"]["label"] for k, s in held.items()} == {
        "meter": "the meter",
        "staff_file": "a file staff imported",
        "upload": "your upload",
    }
    for source, (month, seconds) in {"meter": ("2026-03", 3600), "staff_file": ("2026-04", 900)}.items():
        readings = held[source]["readings"]
        assert {r[0][:7] for r in readings} == {month} and {r[2] for r in readings} == {seconds}
    assert [c["key"] for c in held["upload"]["columns"]] == ["start", "use", "seconds"]
