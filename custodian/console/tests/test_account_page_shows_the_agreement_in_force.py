"""An account has one payment agreement in force at a time: while a request waits for an answer, or an
agreement is active, the service refuses another. So the account's page offers collections no form to record
a request then; it says what stands instead: the request and the day it was made, waiting for an answer, with
the link to answer it on the collections page; or the agreement active since the day it was agreed, with its
terms. Billing staff, who do not answer requests, see neither the form nor the link.

Personas: Alice (the customer), $300 past due on her August and September bills; Colin, the collections
agent, taking her call; Bea, the billing clerk."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.collecting.models import PaymentAgreement
from custodian.collecting.selectors import agreement_standing
from custodian.collecting.services import payment_agreement_agree, payment_agreement_request
from custodian.customers.models import Account
from custodian.dates import long_date
from custodian.testing import bill_charged
from custodian.vault.gate import customer_actor, staff_actor


@pytest.fixture
def alice(customer):
    account = Account.objects.get(customer=customer)
    bill_charged(account, 8, "200.00")
    bill_charged(account, 9, "100.00")
    return account


def form_of(account) -> str:
    return f'action="/staff/collections/accounts/{account.pk}/agreement/"'


def page(console, user, account) -> str:
    return console(user).get(f"/staff/billing/accounts/{account.pk}/").content.decode()


def test_with_nothing_in_force_the_form_is_offered(alice, collections_agent, console):
    shown = page(console, collections_agent, alice)
    assert form_of(alice) in shown and 'id="agreement-in-force"' not in shown


def test_a_request_waiting_is_shown_with_the_link_to_answer_it_and_no_form(
    alice, collections_agent, billing_clerk, console
):
    asked = payment_agreement_request(
        account_id=alice.pk, requested_on=timezone.localdate() - timedelta(days=2), installment=Decimal("40")
    )
    shown = page(console, collections_agent, alice)
    assert form_of(alice) not in shown
    assert (
        f"Payment agreement {asked.pk} was requested on {long_date(asked.requested_on)} "
        "(the customer's figure: $40.00 a month) and is waiting for an answer" in shown
    )
    assert f'href="/staff/collections/#agreement-{asked.pk}"' in shown
    # The link lands on the request's row of the collections page, with its forms to agree or answer it.
    assert (
        f'id="agreement-{asked.pk}"' in console(collections_agent).get("/staff/collections/").content.decode()
    )
    # Billing staff answer no request: no form, no link.
    shown = page(console, billing_clerk, alice)
    assert form_of(alice) not in shown and "/staff/collections/#agreement-" not in shown


def test_an_active_agreement_is_shown_with_its_terms_and_no_form(alice, collections_agent, console):
    asked = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 10, 25))
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("50"), by=collections_agent, on=date(2026, 10, 26)
    )
    shown = page(console, collections_agent, alice)
    assert form_of(alice) not in shown
    assert (
        f"Payment agreement {asked.pk} is active since {long_date(date(2026, 10, 26))}: "
        "$50.00 a month toward $300.00 past due on the day agreed" in shown
    )
    assert "/staff/collections/#agreement-" not in shown


def test_an_answered_request_no_longer_stands(alice, collections_agent, console):
    asked = payment_agreement_request(account_id=alice.pk, requested_on=timezone.localdate())
    PaymentAgreement.objects.filter(pk=asked.pk).update(status=PaymentAgreement.Status.DECLINED)
    assert form_of(alice) in page(console, collections_agent, alice)


def test_the_standing_is_read_by_billing_and_collections_staff_only(
    alice, collections_agent, billing_clerk, marketer, customer
):
    asked = payment_agreement_request(account_id=alice.pk, requested_on=timezone.localdate())
    today = timezone.localdate()
    for user in (collections_agent, billing_clerk):
        assert (
            agreement_standing(fetched_by=staff_actor(user), account_id=alice.pk, on=today).agreement == asked
        )
    for asker in (staff_actor(marketer), customer_actor(customer.pk)):
        assert agreement_standing(fetched_by=asker, account_id=alice.pk, on=today) is None
