"""An amount staff type in the console is read only when written with the digits 0 to 9: Bill the billing
clerk typing "١٢٣" (Arabic-Indic digits) asks for no $123 deposit, and Colin the collections agent typing it
as a monthly installment agrees no payment agreement at $123 a month. The page comes back naming the field,
with what was typed, and nothing is stored; the same amounts written 123 are taken."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.models import Deposit
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.services import payment_agreement_request
from custodian.testing import bill_charged
from custodian.testing.billing import account_opened

ARABIC_INDIC_123 = "١٢٣"


@pytest.fixture
def account(customer):
    """Alice's account, in service from October 1, 2026."""
    return account_opened(customer, date(2026, 10, 1))


@pytest.mark.parametrize("typed", [ARABIC_INDIC_123, "1e2", "１２３"])
def test_a_deposit_typed_in_another_script_s_digits_is_refused_by_name(
    account, billing_clerk, console, typed
):
    clerk = console(billing_clerk)
    url = f"/staff/billing/accounts/{account.pk}/deposit/"
    refused = clerk.post(url, {"amount": typed, "reason": "no_history"})
    page = refused.content.decode()
    assert refused.status_code == 400 and not Deposit.objects.exists()
    assert "No deposit asked: Amount ($): Enter an amount in dollars written with the digits 0 to 9" in page
    assert f'value="{typed}"' in page  # kept beside its field
    clerk.post(url, {"amount": "123", "reason": "no_history"})
    assert Deposit.objects.get().amount == Decimal("123.00")


@pytest.mark.parametrize("typed", [ARABIC_INDIC_123, "1.23e2"])
def test_an_installment_typed_in_another_script_s_digits_agrees_nothing(
    account, collections_agent, console, typed
):
    agent = console(collections_agent)
    bill_charged(account, 10, "500.00")  # past due since November 22: an agreement has something to pay
    agreement = payment_agreement_request(account_id=account.pk, requested_on=date(2026, 11, 23))
    url = f"/staff/collections/agreements/{agreement.pk}/agree/"
    refused = agent.post(url, {"installment": typed})
    assert refused.status_code == 400
    assert "Enter an amount in dollars written with the digits 0 to 9" in refused.content.decode()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.monthly_installment) == (PaymentAgreement.Status.REQUESTED, None)
    agent.post(url, {"installment": "123"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.monthly_installment) == (
        PaymentAgreement.Status.ACTIVE,
        Decimal("123"),
    )
