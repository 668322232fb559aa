"""A customer with a payment agreement, or a request for one, is told where it stands and what it asks,
never to ask for one: Pat (the first household) has an agreement, kept or behind as her ledger says; the
portal home and the bills page say so, with the installment due and when, and no longer offer the form to
ask. The second household asked for one this week: the home says the request is waiting, and the bills
page offers no second request."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.collecting.services import payment_agreement_agree, payment_agreement_request
from custodian.customers.models import Account
from custodian.testing.portal import signed_in

ASK = "ask us for a payment agreement"


@pytest.fixture
def billed(households):  # noqa: F811
    """October billed sixty days ago: due some forty days ago, unpaid in both households."""
    assert bill_run(cycle="2026-10", issued_on=timezone.localdate() - timedelta(days=60)) == 2
    return households


@pytest.fixture
def pat(billed):
    (customer, app), _ = billed
    account = Account.objects.get(customer=customer)
    return signed_in(app, "pat@example.com"), account


def owed(account) -> Decimal:
    return Bill.objects.get(account=account).total


def agreed(account, collections_agent, days_ago: int):
    today = timezone.localdate()
    asked = payment_agreement_request(
        account_id=account.pk, requested_on=today - timedelta(days=days_ago + 1)
    )
    return payment_agreement_agree(
        agreement_id=asked.pk,
        installment=Decimal("40"),
        by=collections_agent,
        on=today - timedelta(days=days_ago),
    )


def test_an_agreement_with_no_payment_since_is_behind_and_says_what_to_pay(pat, collections_agent):
    client, account = pat
    agreed(account, collections_agent, days_ago=35)  # an installment was due some days ago; none paid
    home = client.get("/portal/me/").content.decode()
    assert "Payment agreement behind:" in home and "Pay $40.00 now to keep your payment agreement." in home
    assert ASK not in home.lower()
    bills = client.get("/portal/me/bills/").content.decode()
    assert "Your payments are behind: pay $40.00 now to keep your agreement." in bills
    assert "payments kept" not in bills.lower() and "Your payments are kept" not in bills
    assert "Ask for a payment agreement</button>" not in bills and ASK not in bills.lower()


def test_an_agreement_kept_tells_the_next_installment_and_its_day(pat, collections_agent):
    client, account = pat
    agreement = agreed(account, collections_agent, days_ago=3)
    home = client.get("/portal/me/").content.decode()
    assert "Your payments are kept." in home and "Your next installment, $40.00, is due on" in home
    assert "Past due:" not in home and ASK not in home.lower()
    bills = client.get("/portal/me/bills/").content.decode()
    assert f"$40.00 a month toward the ${owed(account):,.2f} past due then" in bills
    assert "Next installment: $40.00" in bills and "Ask for a payment agreement</button>" not in bills
    assert agreement.arrears_agreed == owed(account)


def test_a_request_waiting_is_told_and_not_asked_again(billed):
    _, (customer, app) = billed
    account = Account.objects.get(customer=customer)
    client = signed_in(app, "beto@example.com")
    payment_agreement_request(account_id=account.pk, requested_on=timezone.localdate() - timedelta(days=2))
    home = client.get("/portal/me/").content.decode()
    assert "Payment agreement asked for:" in home and "we send no notice of disconnection" in home
    assert ASK not in home.lower()
    bills = client.get("/portal/me/bills/").content.decode()
    assert "waiting for our answer" in bills and "Ask for a payment agreement</button>" not in bills
