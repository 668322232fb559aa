"""Payments through the processor's hosted page: signed webhooks post to the ledger; forged, stale and
replayed webhooks are refused and post nothing."""

import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from custodian.billing.models import LedgerEntry
from custodian.billing.services import balance_of
from custodian.customers.models import Account
from custodian.disclosures.services import vendor_revoke
from custodian.payments.models import PaymentSession
from custodian.payments.processor import SimulatedProcessor, sign
from custodian.payments.services import PaymentError, payment_session_open
from custodian.policy.loader import current_policy

URL = "/payments/webhook/"


@pytest.fixture
def session(customer, card_processor):
    account = Account.objects.get(customer=customer)
    opened, url = payment_session_open(account_id=account.pk, amount="84.20")
    assert url.endswith(f"/checkout/{opened.token}/")
    return opened


def _post(body: bytes, signature: str):
    return Client().post(URL, body, content_type="application/json", HTTP_CUSTODIAN_SIGNATURE=signature)


def _event(session, card="4242424242424242") -> bytes:
    return SimulatedProcessor().outcome_event(
        reference=session.token, amount=str(session.amount), card_number=card
    )


def test_a_signed_success_posts_the_payment_once(session):
    body = _event(session)
    response = _post(body, sign(body))
    assert response.status_code == 200 and response.content == b"succeeded"
    assert balance_of(session.account_id) == Decimal("-84.20")
    session.refresh_from_db()
    assert session.status == "succeeded" and session.processor_payment_id.startswith("pay_")


def test_a_replayed_webhook_is_refused_and_posts_nothing_more(session):
    body = _event(session)
    assert _post(body, sign(body)).status_code == 200
    replay = _post(body, sign(body))
    assert replay.status_code == 400 and b"replay" in replay.content
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda body, sig: (body, ""), b"missing or malformed"),
        (lambda body, sig: (body, sign(body, secret=b"someone else's secret")), b"does not match"),
        (lambda body, sig: (body.replace(b"84.20", b"0.01"), sig), b"does not match"),
        (lambda body, sig: (body, sign(body, at=int(time.time()) - 3600)), b"too old"),
    ],
    ids=["unsigned", "wrong secret", "altered body", "captured an hour ago"],
)
def test_forged_or_stale_webhooks_are_refused(session, tamper, message):
    body = _event(session)
    forged_body, forged_sig = tamper(body, sign(body))
    response = _post(forged_body, forged_sig)
    assert response.status_code == 400 and message in response.content
    assert not LedgerEntry.objects.exists()
    session.refresh_from_db()
    assert session.status == "open"


def test_a_declined_card_settles_the_session_as_failed(session):
    body = _event(session, card="4000 0000 0000 0002")
    assert _post(body, sign(body)).content == b"failed"
    assert not LedgerEntry.objects.exists()


def test_an_amount_other_than_the_sessions_is_refused(session):
    event = json.loads(_event(session))
    event["data"]["amount"] = "1.00"
    body = json.dumps(event).encode()
    assert _post(body, sign(body)).status_code == 400
    assert not LedgerEntry.objects.exists()


def test_bad_amounts_are_named(customer, card_processor):
    account = Account.objects.get(customer=customer)
    with pytest.raises(PaymentError, match="between"):
        payment_session_open(account_id=account.pk, amount="0")
    with pytest.raises(PaymentError, match="not a number"):
        payment_session_open(account_id=account.pk, amount="lots")
    assert not PaymentSession.objects.exists()


def test_card_numbers_never_reach_our_database(session, settings):
    settings.DEBUG = True
    client = Client()
    page = client.get(f"/payments/simulated-processor/checkout/{session.token}/")
    assert page.status_code == 200
    client.post(
        f"/payments/simulated-processor/checkout/{session.token}/", {"card_number": "4242424242424242"}
    )
    session.refresh_from_db()
    assert session.status == "succeeded"

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            assert "4242424242424242" not in repr(cursor.fetchall()), table


def test_the_simulated_page_names_the_amount_and_the_utility_of_the_policy_file(session, settings):
    settings.DEBUG = True
    page = Client().get(f"/payments/simulated-processor/checkout/{session.token}/")
    assert f"Pay $84.20 to {current_policy().utility['name']}." in page.content.decode()


def test_no_checkout_without_a_processor_under_a_current_determination(
    customer, card_processor, privacy_officer
):
    vendor_revoke(vendor=card_processor, revoked_by=privacy_officer)
    account = Account.objects.get(customer=customer)
    with pytest.raises(PaymentError, match="no payment processor with a current determination"):
        payment_session_open(account_id=account.pk, amount="10.00")
    assert not PaymentSession.objects.exists()
