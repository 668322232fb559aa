"""Paying more than an account owes takes the customer's word that they mean it: Pat owes $523.29 and types
$9,999; the amount's field says what she owes and nothing goes to the processor, until she ticks that she
means to pay ahead (the rest stays as a credit). Up to what she owes needs nothing more."""

import pytest

from custodian.customers.models import Account
from custodian.payments.models import PaymentSession
from custodian.testing import bill_charged
from custodian.testing.portal import signed_in


@pytest.fixture
def pat(households, card_processor):  # noqa: F811
    (customer, app), _ = households
    account = Account.objects.get(customer=customer)
    bill_charged(account, 8, "523.29")
    return signed_in(app, "pat@example.com"), account


def test_more_than_the_balance_is_refused_by_the_field_until_confirmed(pat):
    client, account = pat
    response = client.post("/portal/me/pay/", {"account": account.pk, "amount": "9999.00"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "That is more than the $523.29 this account owes." in page
    assert not PaymentSession.objects.exists()
    ahead = client.post("/portal/me/pay/", {"account": account.pk, "amount": "9999.00", "pay_ahead": "on"})
    assert ahead.status_code == 302 and PaymentSession.objects.get().amount == 9999


def test_up_to_what_is_owed_goes_straight_to_the_processor(pat):
    client, account = pat
    response = client.post("/portal/me/pay/", {"account": account.pk, "amount": "523.29"})
    assert response.status_code == 302 and PaymentSession.objects.count() == 1
