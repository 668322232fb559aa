"""The titles of a customer's own Green Button download (the feed's, each usage point's, reading type's,
meter reading's and month's) are words for the customer, in their language: a customer who reads Spanish
gets them in Spanish, and the file still validates against the ESPI schema (the codes, links and numbers are
the schema's in any language). A third party's Connect My Data feed stays in English
(`connect/tests/test_feed_titles_in_english.py`).

Personas: Marta, who reads Spanish, and Meredith, who reads English, each with a year of hourly electric
readings, downloading their usage in the portal."""

from custodian.testing.billing import NS, schema_valid
from custodian.testing.portal import green_button_downloaded

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


def titles(body: bytes) -> list[str]:
    feed = schema_valid(body)
    return [feed.findtext("atom:title", namespaces=NS)] + [
        e.findtext("atom:title", namespaces=NS) for e in feed.findall("atom:entry", NS)
    ]


def test_marta_s_download_is_titled_in_spanish_and_validates(household):
    found = titles(green_button_downloaded(household, "es", "xml"))
    assert set(found) >= SPANISH_TITLES, found[:6]
    month = "Servicio de electricidad (intervalos del medidor): lecturas: "  # each month's block
    assert month in "\n".join(found)
    left = [t for t in found if any(w in t for w in ENGLISH_WORDS)]
    assert not left, left[:5]


def test_meredith_s_download_is_titled_in_english(household):
    found = titles(green_button_downloaded(household, "en", "xml"))
    assert set(found) >= ENGLISH_TITLES, found[:6]
