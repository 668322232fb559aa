"""The answer to a data access request holds every register read of the customer's meters we keep (read at
the desk or from a file of reads), each in words as every other category is: the meter's number, the day, the
index read with its unit and the kind of read; in the letter (HTML and PDF) and in the file (JSON), where the
file gives each kind as a key beside its words in the customer's language.

Personas: Pat, a customer whose meter Fiona from field services read twice at the desk and twice from a
route's file; Priya, the privacy officer, who answers Pat's request."""

import io
import json

import pytest
from pypdf import PdfReader

from custodian.customers.models import Customer
from custodian.testing.every_category import verified_access_request
from custodian.testing.register_reads import DESK, FILED, meter_read_everywhere

DAYS = ["November 2, 2026", "November 9, 2026", "November 16, 2026", "November 23, 2026"]
INDEXES = ["731,913", "731,933", "731,953", "731,973"]
KINDS = {"en": "a regular read", "es": "una lectura normal"}


@pytest.fixture
def pats_request(households, field_tech, privacy_officer, open_request):
    (customer, app), _ = households
    point = meter_read_everywhere(customer, by=field_tech)
    return customer, point, verified_access_request(customer, app, privacy_officer, open_request)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_letter_tells_each_read_in_words(pats_request, privacy_officer, console):
    _, point, req = pats_request
    client = console(privacy_officer)
    page = _words(client.get(f"/staff/requests/{req.pk}/package/").content.decode())
    pdf = client.get(f"/staff/requests/{req.pk}/package/", {"format": "pdf"}).content
    letter = _words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for text in (page, letter):
        # The letter's headings are in capitals.
        assert "the reads of your meters" in text.lower() and point.meter_number in text
        for day, index in zip(DAYS, INDEXES, strict=True):
            assert day in text and index in text, (day, index)
        assert KINDS["en"] in text


@pytest.mark.parametrize("language", sorted(KINDS))
def test_the_file_gives_each_read_with_its_kind_in_the_customers_language(
    pats_request, privacy_officer, console, language
):
    customer, point, req = pats_request
    Customer.objects.filter(pk=customer.pk).update(language=language)
    response = console(privacy_officer).get(f"/staff/requests/{req.pk}/package/", {"format": "json"})
    [usage] = [d["value"] for d in json.loads(response.content)["data"] if d["key"] == "meter_usage"]
    [service] = [s for s in usage if s["service"]["key"] == point.service]
    assert [(r["meter"], r["day"], r["index"]) for r in service["register_reads"]] == [
        (point.meter_number, day, int(index)) for day, index in DESK + FILED
    ]
    assert {(r["kind"]["key"], r["kind"]["label"]) for r in service["register_reads"]} == {
        ("regular", KINDS[language])
    }
