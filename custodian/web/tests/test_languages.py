"""Languages: the public site, the notices at collection and the portal in Spanish (from the browser's
Accept-Language or the page's language link), the customer's choice kept, the notice's version recorded the
same whatever language it was read in, an interpreter line on the contact page."""

from django.contrib.auth import get_user
from django.test import Client

from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.testing.portal import signed_in


def test_the_contact_page_and_its_notice_in_spanish(db):
    page = Client().get("/contact/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    html = page.content.decode()
    assert page["Content-Language"] == "es" and '<html lang="es"' in html
    assert "Contáctenos" in html and "Por qué lo pedimos:" in html
    assert current_policy().notices["contact_form"].translations["es"]["purpose"] in html
    assert "Intérprete" in html
    english = Client().get("/contact/").content.decode()
    assert '<html lang="en"' in english and "Interpreter" in english and "free interpreter" in english


def test_the_language_link_works_without_cookies(db):
    response = Client().get("/?lang=es")
    assert "Servicio de electricidad, gas natural y agua" in response.content.decode()
    assert not response.cookies
    services = Client().get("/services/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Nuestros servicios" in services and "Si huele a gas" in services
    assert "Registrarse" in Client().get("/portal/", HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_a_portal_customer_keeps_their_language(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    assert Customer.objects.get(pk=customer.pk).language == "es"
    page = client.get("/portal/me/request/").content.decode()
    assert "Mis solicitudes" in page and "Preguntas sobre privacidad" in page
    notice = current_policy().notice_at("portal_request")
    assert notice.translations["es"]["purpose"] in page and f'value="{notice.shown}"' in page


def test_a_portal_page_reads_the_customer_language_with_the_user(households, django_assert_num_queries):
    """The customer's language comes with the signed-in user, their sign-in and second-factor choice: one
    query, not one more on every page."""

    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    request = type("Request", (), {"session": client.session})()
    user = get_user(request)
    with django_assert_num_queries(0):
        assert user.portal_account.customer.language == "es"
        assert user.portal_account.customer_id == customer.pk


def test_the_staff_console_is_in_english_whatever_is_asked(billing_clerk, console):
    """The console is written in English: a Spanish link or browser would mix its words with translated
    errors, messages and dates."""
    client = console(billing_clerk)
    for page in (
        client.get("/staff/?lang=es"),
        client.get("/staff/billing/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9"),
    ):
        html = page.content.decode()
        assert page["Content-Language"] == "en" and '<html lang="en"' in html
        assert "noviembre" not in html and "diciembre" not in html
