"""No customer is sent to a page that does not exist: without a payment processor configured (production's
default until one is integrated) the portal offers no card payment, says how else to pay, opens no payment
session, and IT (/readyz, the console's health page) is told; the simulated processor's page is there only
while it is the processor configured."""

import pytest
from django.test import Client

from custodian.billing.deposits import deposit_ask
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.payments.models import PaymentSession
from custodian.payments.processor import SimulatedProcessor, sign
from custodian.testing.portal import signed_in

CYCLE = "2026-10"


@pytest.fixture
def pat(households, card_processor):  # noqa: F811
    """Pat, billed, signed in; a processor vendor in force, but which processor is the settings' choice."""
    bill_run(cycle=CYCLE)
    (customer, app), _ = households
    return signed_in(app, "pat@example.com"), Bill.objects.get(customer=customer, cycle=CYCLE)


def test_without_a_processor_the_bills_page_says_how_to_pay_and_pay_opens_nothing(
    pat, settings, billing_clerk
):
    settings.CUSTODIAN_PAYMENT_PROCESSOR = ""
    client, bill = pat
    deposit = deposit_ask(account_id=bill.account_id, amount="90", reason="no_history", by=billing_clerk)
    page = client.get("/portal/me/bills/").content.decode()
    assert 'action="/portal/me/pay/"' not in page and "Pay now" not in page
    assert f'action="/portal/me/pay/deposit/{deposit.pk}/"' not in page
    assert "How to pay" in page and "by mail" in page and "208 South Walnut Avenue" in page
    assert "Automatic payment" in page

    # A form posted anyway (an old page, a bookmark) is refused on the page itself, and nothing stays open.
    response = client.post("/portal/me/pay/", {"account": bill.account_id, "amount": "25.00"})
    refusal = "card payments are not taken online; pay by mail, in person or automatically"
    assert response.status_code == 400 and refusal in response.content.decode()
    response = client.post(f"/portal/me/pay/deposit/{deposit.pk}/", follow=True)
    assert (
        "/payments/" not in response.redirect_chain[-1][0] and "not taken online" in response.content.decode()
    )
    assert not PaymentSession.objects.exists()


def test_the_simulated_processors_page_is_there_only_while_it_is_the_processor(pat, settings):
    client, bill = pat
    response = client.post("/portal/me/pay/", {"account": bill.account_id, "amount": "25.00"})
    assert response.status_code == 302 and "/payments/simulated-processor/checkout/" in response.url
    settings.DEBUG = False  # a demonstration (CUSTODIAN_DEMO) runs it with DEBUG off
    assert client.get(response.url).status_code == 200
    settings.CUSTODIAN_PAYMENT_PROCESSOR = ""
    settings.DEBUG = True  # and development without it has no such page
    assert client.get(response.url).status_code == 404


def test_it_is_told_where_no_processor_is_configured(db, log_keys, settings, console, dba):
    settings.CUSTODIAN_PAYMENT_PROCESSOR = ""
    body = Client().get("/readyz").json()
    assert "CUSTODIAN_PAYMENT_PROCESSOR" in body["warnings"]["payment_processor"]
    assert "payment_processor" not in body["failed"] and "payment_processor" not in body["checks"]
    page = console(dba).get("/staff/operations/").content.decode()
    assert 'data-advisory="payment_processor"' in page
    settings.CUSTODIAN_PAYMENT_PROCESSOR = "simulated"
    settings.DEBUG = False  # the simulated one is a warning too, outside development
    assert "no real payment" in Client().get("/readyz").json()["warnings"]["payment_processor"]
    settings.DEBUG = True
    assert "payment_processor" not in Client().get("/readyz").json()["warnings"]


def test_without_a_processor_no_webhook_is_taken_however_it_is_signed(pat, settings):
    """Production needs no webhook secret until a processor is configured, so until then the webhook takes
    nothing: not a body signed with whatever secret is set, nor one signed with an empty key."""
    client, bill = pat
    response = client.post("/portal/me/pay/", {"account": bill.account_id, "amount": "25.00"})
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    body = SimulatedProcessor().outcome_event(reference=token, amount="25.00", card_number="4242424242424242")
    settings.CUSTODIAN_PAYMENT_PROCESSOR = ""
    for secret in (settings.CUSTODIAN_PAYMENT_WEBHOOK_SECRET.encode(), b"", b"short"):
        settings.CUSTODIAN_PAYMENT_WEBHOOK_SECRET = secret.decode()
        posted = Client().post(
            "/payments/webhook/", body, content_type="application/json", HTTP_CUSTODIAN_SIGNATURE=sign(body)
        )
        assert posted.status_code == 400 and "no payment processor is configured" in posted.content.decode()
    assert PaymentSession.objects.get(token=token).status == PaymentSession.Status.OPEN
