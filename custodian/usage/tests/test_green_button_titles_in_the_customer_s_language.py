"""The titles of a customer's own Green Button download (the feed's, each usage point's, reading type's,
meter reading's and month's) are words for the customer, in their language: a customer who reads Spanish
gets them in Spanish, and the file still validates against the ESPI schema (the codes, links and numbers are
the schema's in any language). A third party's Connect My Data feed stays in English
(`connect/tests/test_feed_titles_in_english.py`).

Personas: Marta, who reads Spanish, and Meredith, who reads English, each with a year of hourly electric
readings, downloading their usage in the portal."""

import pytest

from custodian.customers.models import Customer
from custodian.testing.billing import NS, schema_valid
from custodian.testing.portal import household_with_readings, signed_in

EMAIL = "meter.reader@example.com"
SPANISH_TITLES = {
    "Green Button: descargar mis datos",
    "Servicio de electricidad (intervalos del medidor)",
    "Servicio de electricidad (intervalos del medidor): lecturas",
    "Servicio de electricidad (intervalos del medidor): tipo de lectura",
}
ENGLISH_TITLES = {
    "Green Button Download My Data",
    "Electric service (meter intervals)",
    "Electric service (meter intervals): readings",
    "Electric service (meter intervals): reading type",
}
# Words only the English titles hold.
ENGLISH_WORDS = ("service", "meter intervals", "reading type", "readings", "Download My Data")


@pytest.fixture
def household(db):
    customer, app, _ = household_with_readings(3, 3600)
    return customer, app


def speaks(customer, language: str) -> None:
    Customer.objects.filter(pk=customer.pk).update(language=language)


def titles(body: bytes) -> list[str]:
    feed = schema_valid(body)
    return [feed.findtext("atom:title", namespaces=NS)] + [
        e.findtext("atom:title", namespaces=NS) for e in feed.findall("atom:entry", NS)
    ]


def downloaded(client) -> bytes:
    response = client.get("/portal/me/green-button.xml")
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_marta_s_download_is_titled_in_spanish_and_validates(household):
    customer, app = household
    client = signed_in(app, EMAIL)
    speaks(customer, "es")
    found = titles(downloaded(client))
    assert set(found) >= SPANISH_TITLES, found[:6]
    month = "Servicio de electricidad (intervalos del medidor): lecturas: "  # each month's block
    assert month in "\n".join(found)
    left = [t for t in found if any(w in t for w in ENGLISH_WORDS)]
    assert not left, left[:5]


def test_meredith_s_download_is_titled_in_english(household):
    customer, app = household
    client = signed_in(app, EMAIL)
    speaks(customer, "en")
    found = titles(downloaded(client))
    assert set(found) >= ENGLISH_TITLES, found[:6]
