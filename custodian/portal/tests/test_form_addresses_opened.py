"""Addresses that take a form's answer, opened in a browser (a bookmark, a reload, a shared link): the reader
lands on the page with the form, or on a page in the site's layout saying what happened, never a blank 405.
After paying on the card processor's page, paid or declined, the customer is back on their bills with the
outcome said."""

import pytest
from django.test import Client

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.testing.portal import signed_in


@pytest.fixture
def customer(households):  # noqa: F811
    (first, app), _ = households
    return signed_in(app, "pat@example.com")


@pytest.mark.parametrize(
    ("address", "form_page"),
    [
        ("/portal/me/paperless/", "/portal/me/bills/"),
        ("/portal/me/budget/", "/portal/me/bills/"),
        ("/portal/me/autopay/", "/portal/me/bills/"),
        ("/portal/me/pay/", "/portal/me/bills/"),
        ("/portal/me/payment-agreement/", "/portal/me/bills/"),
        ("/portal/me/marketing/", "/portal/me/"),
        ("/portal/me/contact/", "/portal/me/"),
    ],
)
def test_a_form_address_opened_goes_to_the_page_with_the_form(customer, address, form_page):
    response = customer.get(address)
    assert response.status_code == 302 and response.url.startswith(form_page)
    assert customer.get(response.url).status_code == 200


def test_a_form_address_opened_before_signing_in_asks_to_sign_in(db):
    response = Client().get("/portal/me/paperless/")
    assert response.status_code == 302 and "/portal/sign-in/" in response.url


def test_any_other_post_only_address_answers_with_a_page_in_the_layout(db):
    response = Client().get("/preferences/text-size/?lang=es")
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "<main" in html and "405" in html and "Ir a nuestra página de inicio" in html


def test_a_program_still_gets_the_protocols_405(db):
    response = Client().get("/payments/webhook/")
    assert response.status_code == 405 and response.content == b""


@pytest.mark.parametrize(
    ("card", "said"),
    [
        ("4242 4242 4242 4242", "Your payment of $25.00 went through"),
        ("4000 0000 0000 0002", "Your payment of $25.00 was declined. Nothing was charged"),
    ],
)
def test_after_the_card_page_the_customer_is_back_on_their_bills_with_the_outcome(
    households, card_processor, settings, card, said
):
    settings.DEBUG = True  # the simulated processor's page is served in development only
    assert bill_run(cycle="2026-10") == 2
    (first, app), _ = households
    client = signed_in(app, "pat@example.com")
    mine = Bill.objects.get(customer=first, cycle="2026-10")
    checkout = client.post("/portal/me/pay/", {"account": mine.account_id, "amount": "25.00"})
    back = client.post(checkout.url, {"card_number": card})
    assert back.status_code == 302 and back.url == "/portal/me/bills/"
    page = client.get(back.url).content.decode()
    assert said in page and "Sign in" not in page
