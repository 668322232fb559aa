"""The customer's own download of their data holds every register read of their meters we keep, in their
language: the meter's number, the day, the index read with its unit and the kind of read.

Personas: Pat, a customer whose meter Fiona from field services read twice at the desk and twice from a
route's file, who reads English, and Pat again after choosing Spanish."""

import pytest

from custodian.customers.models import Customer
from custodian.portal.tests.test_download_everything import sections
from custodian.testing.portal import signed_in
from custodian.testing.register_reads import DESK, FILED, meter_read_everywhere

TITLE = {
    "en": "The reads of your meters' dials we hold",
    "es": "Las lecturas de los diales de sus medidores que tenemos",
}
HEADERS = {
    "en": ["Service", "Meter", "Day", "Reading", "Kind of read"],
    "es": ["Servicio", "Medidor", "Día", "Lectura", "Tipo de lectura"],
}
DAYS = {
    "en": ["November 2, 2026", "November 9, 2026", "November 16, 2026", "November 23, 2026"],
    "es": [
        "2 de noviembre de 2026",
        "9 de noviembre de 2026",
        "16 de noviembre de 2026",
        "23 de noviembre de 2026",
    ],
}
KIND = {"en": "a regular read", "es": "una lectura normal"}


@pytest.mark.parametrize("language", sorted(TITLE))
def test_every_read_is_in_the_download_in_the_customers_language(households, field_tech, language):
    (customer, app), _ = households
    # Signed up first: the enrolment asks for the last month's use as the bill gave it.
    client = signed_in(app, "pat@example.com")
    point = meter_read_everywhere(customer, by=field_tech)
    Customer.objects.filter(pk=customer.pk).update(language=language)
    reads = sections(client.get("/portal/me/download.csv", {"lang": language}))[TITLE[language]]
    assert reads[0] == HEADERS[language]
    assert [(r[1], r[2], r[4]) for r in reads[1:]] == [
        (point.meter_number, day, KIND[language]) for day in DAYS[language]
    ]
    digits = ["".join(c for c in r[3] if c.isdigit()) for r in reads[1:]]
    assert digits == [index for _, index in DESK + FILED]
