"""In the spreadsheet a customer downloads of their data, each letter we sent them begins with its header
lines (how it went, to whom, its subject, its language, the address it was mailed to) in the customer's
language: in English for an English-speaking customer, in Spanish for a Spanish-speaking one, never English
words left in a Spanish file. The letter's own text is as it was sent.

Personas: Pat, a customer who reads English, and Pat again after choosing Spanish, each sent a letter mailed
to a former address."""

from datetime import date

import pytest

from custodian.customers.models import Customer
from custodian.outbox.services import letter_send
from custodian.portal.tests.test_download_everything import sections
from custodian.testing.portal import signed_in

FORMER = "12 Old Mill Road, Owatonna, MN 55060"
DOCUMENTS = {"en": "Messages, letters and documents", "es": "Mensajes, cartas y documentos"}


def letter_text_downloaded(households, language: str) -> str:
    (customer, app), _ = households
    Customer.objects.filter(pk=customer.pk).update(language=language)
    customer.refresh_from_db()
    letter_send(
        to_customer=customer,
        template="payment_agreement_closed",
        context={
            "utility": "Owatonna Public Utilities",
            "phone": "507-451-2480",
            "account_number": "0010000001",
            "requested_on": date(2026, 11, 20),
            "declined_on": date(2026, 11, 27),
        },
        sent_by_job="collections",
        mailed_to=FORMER,
    )
    client = signed_in(app, "pat@example.com")
    file = sections(client.get("/portal/me/download.csv", {"lang": language}))
    documents = file[DOCUMENTS[language]][1:]
    [text] = [row[2] for row in documents if "0010000001" in row[2]]
    return text


# The header lines of the letter, then how the letter itself begins, as sent.
BEGINS = {
    "en": (
        [
            "Channel: Letter",
            "To: the name on file",
            "Subject: Your request for a payment agreement for account 0010000001",
            f"Mailed to: {FORMER}",
        ],
        "Dear customer,",
    ),
    "es": (
        [
            "Medio: Carta",
            "Para: el nombre registrado",
            "Asunto: Su solicitud de acuerdo de pago de la cuenta 0010000001",
            "Idioma: Español",
            f"Enviada por correo a: {FORMER}",
        ],
        "Estimado cliente:",
    ),
}


@pytest.mark.parametrize("language", sorted(BEGINS))
def test_the_headers_in_the_customer_s_language(households, language):
    head, letter = letter_text_downloaded(households, language).split("\n\n", 1)
    headers, greeting = BEGINS[language]
    assert head.splitlines() == headers
    assert letter.startswith(greeting)
