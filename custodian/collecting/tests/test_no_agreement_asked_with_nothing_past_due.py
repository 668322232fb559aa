"""A payment agreement spreads what is past due: on an account with nothing past due there is nothing to
agree, and a request left waiting would bar the notices of disconnection all the same. So the request itself
is refused, in the portal and by phone, in the customer's language, and nothing is recorded; the portal's
form offers only the accounts with something past due (`portal/tests/test_each_account_on_its_own.py`), and
the console's account page offers collections the form to record a request only when something is past due,
saying otherwise that no agreement can be requested.

Personas: Pat (the first household), whose balance is $0.00, then whose October bill is not yet due, then
past due, asking in the portal; Colin, the collections agent, taking Pat's request by phone."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from custodian.billing.services import bill_run
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.services import CollectionsError, payment_agreement_request
from custodian.customers.models import Account
from custodian.testing.portal import signed_in

REFUSED = "nothing is past due on this account"
FORM = 'action="/portal/me/payment-agreement/"'
NOTHING_PAST_DUE = "Nothing is past due on this account, so no payment agreement can be requested"


@pytest.fixture
def pat(households):
    (customer, app), _ = households
    return signed_in(app, "pat@example.com"), Account.objects.get(customer=customer)


def asked_in_the_portal(client, account):
    return client.post("/portal/me/payment-agreement/", {"account": account.pk, "installment": ""})


def test_a_balance_of_nothing_is_not_offered_an_agreement_and_a_request_is_refused(pat):
    client, account = pat
    assert FORM not in client.get("/portal/me/bills/").content.decode()
    response = asked_in_the_portal(client, account)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not PaymentAgreement.objects.exists()


def test_a_bill_not_yet_due_is_nothing_past_due(pat):
    client, account = pat
    assert bill_run(cycle="2026-10", issued_on=timezone.localdate()) == 2
    assert FORM not in client.get("/portal/me/bills/").content.decode()
    assert REFUSED in asked_in_the_portal(client, account).content.decode()
    assert not PaymentAgreement.objects.exists()


def test_a_bill_past_due_is_offered_an_agreement_and_the_request_recorded(pat):
    client, account = pat
    assert bill_run(cycle="2026-10", issued_on=timezone.localdate() - timedelta(days=60)) == 2
    assert FORM in client.get("/portal/me/bills/").content.decode()
    assert asked_in_the_portal(client, account).status_code == 302
    assert PaymentAgreement.objects.get().account == account


def test_refused_in_spanish(pat):
    _, account = pat
    with translation.override("es"), pytest.raises(CollectionsError, match="no tiene nada vencido"):
        payment_agreement_request(account_id=account.pk, requested_on=timezone.localdate())


def test_by_phone_the_agent_is_told_and_nothing_is_recorded(pat, collections_agent, console):
    _, account = pat
    page = (
        console(collections_agent)
        .post(f"/staff/collections/accounts/{account.pk}/agreement/", {"asked_installment": ""}, follow=True)
        .content.decode()
    )
    assert f"Not recorded: {REFUSED}" in page
    assert not PaymentAgreement.objects.exists()


def on_the_console(console, agent, account) -> str:
    return console(agent).get(f"/staff/billing/accounts/{account.pk}/").content.decode()


def test_the_console_offers_no_request_on_an_account_with_nothing_past_due(pat, collections_agent, console):
    _, account = pat
    page = on_the_console(console, collections_agent, account)
    assert f'action="/staff/collections/accounts/{account.pk}/agreement/"' not in page
    assert NOTHING_PAST_DUE in page
    assert bill_run(cycle="2026-10", issued_on=timezone.localdate()) == 2
    assert NOTHING_PAST_DUE in on_the_console(console, collections_agent, account)


def test_the_console_offers_the_request_once_a_bill_is_past_due(pat, collections_agent, console):
    _, account = pat
    assert bill_run(cycle="2026-10", issued_on=timezone.localdate() - timedelta(days=60)) == 2
    page = on_the_console(console, collections_agent, account)
    assert f'action="/staff/collections/accounts/{account.pk}/agreement/"' in page
    assert NOTHING_PAST_DUE not in page
