"""The policy file's words in Spanish: every public page and every page of My account, opened in Spanish by a
signed-in customer, and the letters a customer who reads Spanish is sent (past-due, proposed disconnection,
the yearly Cold Weather Rule notice, the answer to a request to delete their data), carry none of the English
the file gives for a word it also gives in Spanish (its `.es` tables): a page or a letter that reads a
policy entry without `in_language()` fails here, naming the words. The policy's adopted text, published in
English on the privacy page and announced there as English, is left out of the comparison."""

import re
from datetime import date
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.collecting.notices import (
    cold_weather_notice_send,
    disconnection_notice_send,
    past_due_notices_send,
)
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.policy.assistance import energy_assistance_lines
from custodian.retention.erasure import erasure_carry_out
from custodian.testing import letter_text
from custodian.testing.billing import YEAR, household
from custodian.testing.policy_words import english_in, english_of_the_policy_file
from custodian.testing.portal import PASSWORD, signed_in
from custodian.testing.routes import HUGE_ID, routes

# Where pages are not the customer's: the staff console, the API and the Green Button resources (machines').
NOT_CUSTOMER_PAGES = ("/staff/", "/api/", "/espi/", "/connect/oauth/", "/admin/")


ENGLISH = english_of_the_policy_file()


def shown_text(html: str) -> str:
    """What a reader sees: the page without its tags, scripts and the policy's adopted English text."""
    html = re.sub(r'<section aria-labelledby="published">.*?</section>', " ", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_comparison_knows_the_english_of_every_table_with_spanish():
    """The test would see the words the review found: the providers, the schedule, the purposes, vendors."""
    assert {
        "ask us and we will refer you",
        "Preparing, correcting and explaining the customer's bills.",
        "Utilities section: meter reading records",
        "Mailing services: printing and mailing the letters Custodian writes",
        "remembers the text size",
    } - ENGLISH == {"remembers the text size"}  # the cookies' words are the catalogue's, not the file's


def customer_pages() -> list[str]:
    return [
        path
        for path in routes()
        if HUGE_ID not in path
        and not path.startswith(NOT_CUSTOMER_PAGES)
        and "sign-out" not in path
        and "logout" not in path
    ]


def test_every_public_and_portal_page_in_spanish_carries_no_english_of_the_policy_file(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    # Signed in again a moment ago: the pages that ask for the password first show what they guard too.
    client.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})
    found, opened = {}, 0
    for path in customer_pages():
        response = client.get(path, {"lang": "es"})
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        if english := english_in(shown_text(response.content.decode())):
            found[path] = english
    assert opened >= 30, "the walk opened too few pages to mean anything"
    assert not found, found


def test_the_pages_the_review_named_read_in_spanish(households):
    """The privacy page's purposes and vendors, the inventory and the cookies, delete-my-data's citations."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})  # delete-my-data asks for it
    privacy = shown_text(client.get("/privacy/", {"lang": "es"}).content.decode())
    assert "Facturación : Preparar, corregir y explicar las facturas del cliente." in privacy
    assert "Servicios de envío por correo" in privacy and "datos privados sobre personas" in privacy
    inventory = shown_text(client.get("/privacy/inventory/", {"lang": "es"}).content.decode())
    assert "Servicio al cliente" in inventory and "6 años, contados desde" in inventory
    cookies = shown_text(client.get("/cookies/", {"lang": "es"}).content.decode())
    assert "recuerda el tamaño del texto" in cookies and "remembers" not in cookies
    erasure = shown_text(client.get("/portal/me/delete-my-data/", {"lang": "es"}).content.decode())
    assert "General Records Retention Schedule for Minnesota Cities: Sección de servicios públicos" in erasure
    register = shown_text(Client().get("/connect/register/", {"lang": "es"}).content.decode())
    assert "Nombre de la organización" in register and "Organisation name" not in register


@pytest.fixture
def spanish_town(db):
    homes = [household(f"Ostby {i}", f"00500000{i:02d}", YEAR) for i in range(2)]
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    Customer.objects.update(language="es")
    return homes


def test_the_letters_to_a_customer_who_reads_spanish_carry_no_english_of_the_policy_file(spanish_town):
    account = Bill.objects.first().account
    assert cold_weather_notice_send(on=date(2026, 8, 20)).sent
    assert past_due_notices_send(on=date(2026, 9, 30)).sent
    disconnection_notice_send(
        account_id=account.pk, service="gas", sent_on=date(2026, 10, 5), today=date(2026, 10, 5)
    )
    erasure_carry_out(customer=account.customer, requested_via="portal")
    letters = OutboundMessage.objects.filter(to_customer_id=account.customer_id)
    templates = {m.template for m in letters}
    assert {"cold_weather_notice", "past_due", "disconnection_notice", "erasure_answer"} <= templates
    found = {m.template: english_in(letter_text(m)) for m in letters}
    assert not any(found.values()), found
    body = letter_text(letters.get(template="disconnection_notice"))
    assert "pregúntenos y le indicaremos a quién acudir (por confirmar)" in body


def test_the_energy_assistance_providers_in_spanish_on_a_bill():
    with translation.override("es"):
        lines = energy_assistance_lines()
    assert lines and not english_in(" ".join(lines))
    assert lines[0].startswith("Programa de Asistencia Energética de Minnesota")
