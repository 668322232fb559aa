"""The transparency page, where the portal's receipts send a customer, in the language asked for: its words
are marked and translated (custodian/portal/tests/test_portal_in_spanish.py checks every one has its
Spanish)."""

from django.test import Client


def test_the_transparency_page_the_receipts_send_a_customer_to_reads_in_spanish(db):
    response = Client().get("/transparency/?lang=es")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "es"
    assert "Nuestro registro de accesos, publicado para que usted lo compruebe" in page
    assert "las entradas forman un <em>árbol de Merkle</em>" in page and "Cómo comprobarlo" in page
    assert "Every time someone at" not in page and "How to check" not in page
    english = Client().get("/transparency/?lang=en").content.decode()
    assert "Our access log, published so you can check it" in english
