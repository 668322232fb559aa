"""A disconnection order can't be issued where the law forbids it; the worklist shows each account's
protections."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.services import ledger_post
from custodian.collecting.models import (
    DisconnectionOrder,
    HeatAlert,
    HouseholdProtection,
    MedicalCertification,
)
from custodian.collecting.selectors import collections_worklist
from custodian.collecting.services import (
    CollectionsError,
    DisconnectionForbidden,
    disconnection_notice_record,
    disconnection_order_issue,
    payment_agreement_agree,
    payment_agreement_request,
)
from custodian.customers.models import Account


@pytest.fixture
def owing(customer):
    account = Account.objects.get(customer=customer)
    ledger_post(account_id=account.pk, kind="charge", amount=Decimal("250.00"), posted_on=date(2026, 9, 1))
    return account


def test_a_qualifying_household_in_january_cannot_be_disconnected(owing, collections_agent):
    HouseholdProtection.objects.create(
        customer=owing.customer,
        income_verified_on=date(2026, 10, 5),
        income_basis="assistance_provider",
        referred_on=date(2026, 10, 5),
    )
    agreement = payment_agreement_request(account_id=owing.pk, requested_on=date(2026, 10, 5))
    payment_agreement_agree(
        agreement_id=agreement.pk, installment="40.00", by=collections_agent, on=date(2026, 10, 6)
    )
    disconnection_notice_record(account_id=owing.pk, service="gas", sent_on=date(2026, 12, 1))
    with pytest.raises(DisconnectionForbidden) as refused:
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    assert any("§ 216B.097 subd. 1" in r for r in refused.value.reasons)
    order = DisconnectionOrder.objects.get()
    assert not order.issued and order.reasons == refused.value.reasons  # the refusal is on record


def test_no_notice_no_cold_weather_disconnection_but_water_may_go(owing):
    with pytest.raises(DisconnectionForbidden, match="no notice of proposed disconnection"):
        disconnection_order_issue(account_id=owing.pk, service="gas", on=date(2027, 1, 12))
    order = disconnection_order_issue(account_id=owing.pk, service="water", on=date(2027, 1, 12))
    assert order.issued and order.reasons == []


def test_heat_alert_and_medical_certification_stop_an_electric_disconnection(owing):
    HeatAlert.objects.create(kind="heat advisory", starts_on=date(2026, 7, 13), ends_on=date(2026, 7, 15))
    with pytest.raises(DisconnectionForbidden, match="216B.0975"):
        disconnection_order_issue(account_id=owing.pk, service="electric", on=date(2026, 7, 14))
    MedicalCertification.objects.create(
        customer=owing.customer, certified_on=date(2026, 7, 1), certifier_kind="licensed medical doctor"
    )
    with pytest.raises(DisconnectionForbidden, match="216B.098 subd. 5"):
        disconnection_order_issue(account_id=owing.pk, service="electric", on=date(2026, 7, 21))


def test_nothing_owed_nothing_to_disconnect(customer):
    account = Account.objects.get(customer=customer)
    with pytest.raises(CollectionsError, match="owes nothing"):
        disconnection_order_issue(account_id=account.pk, service="water", on=date(2026, 7, 14))


def test_the_worklist_lists_past_due_accounts_with_their_protections(owing):
    from custodian.billing.models import Bill

    Bill.objects.create(
        account=owing,
        customer=owing.customer,
        cycle="2026-08",
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        issued_on=date(2026, 9, 1),
        due_on=date(2026, 9, 22),
        tariff_versions="2026.1",
        total="250.00",
        document_ref="bill/test",
        content_sha256="0" * 64,
    )
    MedicalCertification.objects.create(customer=owing.customer, certified_on=date(2026, 10, 1))
    items = collections_worklist(date(2026, 11, 2))
    assert [i.account.pk for i in items] == [owing.pk]
    assert str(items[0].past_due) == "250.00"
    assert any("216B.098" in p for p in items[0].protections)
