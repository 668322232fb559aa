"""A disconnection order can't be issued where the law forbids it; the worklist shows each account's
protections, reading the sealed protection facts through the gate for collecting payments."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import ledger_post
from custodian.collecting.facts import FactsError, ProtectionFacts
from custodian.collecting.models import DisconnectionOrder, HeatAlert, ProtectionOnFile
from custodian.collecting.selectors import collections_worklist
from custodian.collecting.services import (
    CollectionsError,
    DisconnectionForbidden,
    NotAllowed,
    disconnection_notice_event,
    disconnection_notice_record,
    disconnection_order_issue,
    payment_agreement_agree,
    payment_agreement_request,
    protection_facts_record,
)
from custodian.customers.models import Account
from custodian.vault.gate import Denied, staff_actor
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission

DOCTOR = "licensed medical doctor"
BY_PHONE = Submission(channel="phone", notice_key="disconnection_protection", recorded_by_label="collections")


def facts_on_file(customer, **facts):
    protection_facts_record(customer_id=customer.pk, facts=ProtectionFacts(**facts), submission=BY_PHONE)


@pytest.fixture
def owing(customer):
    account = Account.objects.get(customer=customer)
    ledger_post(account_id=account.pk, kind="charge", amount=Decimal("250.00"), posted_on=date(2026, 9, 1))
    return account


def past_due_bill(account):
    Bill.objects.create(
        account=account,
        customer=account.customer,
        cycle="2026-08",
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        issued_on=date(2026, 9, 1),
        due_on=date(2026, 9, 22),
        tariff_versions="2026.1",
        total="250.00",
        document_ref=f"bill/test/{account.pk}",
        content_sha256="0" * 64,
    )


def test_a_qualifying_household_in_january_cannot_be_disconnected(owing, collections_agent):
    facts_on_file(
        owing.customer,
        income_verified_on=date(2026, 10, 5),
        income_basis="assistance_provider",
        referred_on=date(2026, 10, 5),
    )
    # the notice went before the customer asked for a payment agreement (none goes while one is asked or kept)
    disconnection_notice_record(account_id=owing.pk, service="gas", sent_on=date(2026, 10, 2))
    agreement = payment_agreement_request(account_id=owing.pk, requested_on=date(2026, 10, 5))
    payment_agreement_agree(
        agreement_id=agreement.pk, installment="40.00", by=collections_agent, on=date(2026, 10, 6)
    )
    # kept: each installment paid on its day (the ledger says so, not the agreement's record)
    for month in (date(2026, 11, 6), date(2026, 12, 6), date(2027, 1, 6)):
        ledger_post(account_id=owing.pk, kind="payment", amount=Decimal("-40.00"), posted_on=month)
    with pytest.raises(DisconnectionForbidden) as refused:
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    assert any("§ 216B.097 subd. 1" in r for r in refused.value.reasons)
    order = DisconnectionOrder.objects.get()
    assert not order.issued and order.reasons == refused.value.reasons  # the refusal is on record


def test_no_notice_no_cold_weather_disconnection_but_water_may_go(owing, collections_agent):
    with pytest.raises(DisconnectionForbidden, match="no notice of proposed disconnection"):
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    order = disconnection_order_issue(
        account_id=owing.pk, service="water", on=date(2027, 1, 12), by=collections_agent
    )
    assert order.issued and order.reasons == []


def test_heat_alert_and_medical_certification_stop_an_electric_disconnection(owing, collections_agent):
    HeatAlert.objects.create(kind="heat advisory", starts_on=date(2026, 7, 13), ends_on=date(2026, 7, 15))
    with pytest.raises(DisconnectionForbidden, match="216B.0975"):
        disconnection_order_issue(
            account_id=owing.pk, service="electric", on=date(2026, 7, 14), by=collections_agent
        )
    facts_on_file(owing.customer, medical_certified_on=date(2026, 7, 1), medical_certifier=DOCTOR)
    with pytest.raises(DisconnectionForbidden, match="216B.098 subd. 5"):
        disconnection_order_issue(
            account_id=owing.pk, service="electric", on=date(2026, 7, 21), by=collections_agent
        )


def test_nothing_owed_nothing_to_disconnect(customer, collections_agent):
    account = Account.objects.get(customer=customer)
    with pytest.raises(CollectionsError, match="owes nothing"):
        disconnection_order_issue(
            account_id=account.pk, service="water", on=date(2026, 7, 14), by=collections_agent
        )


def test_the_worklist_lists_past_due_accounts_with_their_protections(owing, collections_agent):
    past_due_bill(owing)
    facts_on_file(owing.customer, medical_certified_on=date(2026, 10, 1), medical_certifier=DOCTOR)
    items = collections_worklist(on=date(2026, 11, 2), actor=staff_actor(collections_agent))
    assert [i.account.pk for i in items] == [owing.pk]
    assert str(items[0].past_due) == "250.00"
    assert any("216B.098" in p for p in items[0].protections)
    # the facts were read through the gate, once for this customer, for collecting payments
    reads = AccessEvent.objects.filter(action="protections_check", customer_id=str(owing.customer_id))
    assert [(e.actor_id, e.purpose, e.decision) for e in reads] == [
        (str(collections_agent.pk), "collecting_payments", "allow")
    ]


def test_protection_facts_are_sealed_and_only_a_flag_is_in_clear(owing, collections_agent, billing_clerk):
    facts_on_file(
        owing.customer,
        income_verified_on=date(2026, 10, 5),
        income_basis="public_assistance",
        medical_certified_on=date(2026, 10, 1),
        medical_certifier="licensed medical doctor",
    )
    value = PersonalValue.objects.get(customer=owing.customer, field="disconnection_protection")
    assert b"public_assistance" not in bytes(value.ciphertext) and b"doctor" not in bytes(value.ciphertext)
    assert value.provenance.notice_key == "disconnection_protection"
    flag = ProtectionOnFile.objects.get(customer=owing.customer)
    assert [f.name for f in flag._meta.concrete_fields] == ["customer", "updated_at"]
    # billing has no purpose that reads these facts: its worklist read is refused
    past_due_bill(owing)
    with pytest.raises(Denied):
        collections_worklist(on=date(2026, 11, 2), actor=staff_actor(billing_clerk))


@pytest.mark.parametrize(
    "facts, message",
    [
        ({"income_verified_on": date(2026, 10, 5), "income_basis": "a friend said so"}, "income basis"),
        ({"income_basis": "utility_form"}, "needs the date"),
        ({"medical_certified_on": date(2026, 10, 1), "medical_certifier": "chiropractor"}, "certifier"),
        ({"medical_certified_on": date(2026, 10, 1)}, "certifier's kind"),
    ],
)
def test_bad_facts_are_named_and_nothing_is_stored(customer, facts, message):
    with pytest.raises(FactsError, match=message):
        facts_on_file(customer, **facts)
    assert not PersonalValue.objects.filter(customer=customer, field="disconnection_protection").exists()
    assert not ProtectionOnFile.objects.filter(customer=customer).exists()


def test_an_unanswered_notice_needs_the_occupancy_investigated(owing, collections_agent):
    notice = disconnection_notice_record(account_id=owing.pk, service="gas", sent_on=date(2026, 12, 1))
    with pytest.raises(DisconnectionForbidden, match="investigate whether the home is occupied"):
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    disconnection_notice_event(
        notice_id=notice.pk, event="occupancy_investigated", on=date(2027, 1, 4), unit_occupied=False
    )
    with pytest.raises(DisconnectionForbidden, match="energy assistance provider must be told"):
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    disconnection_notice_event(
        notice_id=notice.pk, event="assistance_provider_told_unoccupied", on=date(2027, 1, 4)
    )
    assert disconnection_order_issue(
        account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
    ).issued


def test_an_appeal_holds_the_disconnection_until_resolved(owing, collections_agent):
    notice = disconnection_notice_record(account_id=owing.pk, service="gas", sent_on=date(2026, 12, 1))
    disconnection_notice_event(notice_id=notice.pk, event="answered", on=date(2026, 12, 3))
    disconnection_notice_event(notice_id=notice.pk, event="appeal_filed", on=date(2026, 12, 3))
    with pytest.raises(DisconnectionForbidden, match="appeal"):
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
        )
    disconnection_notice_event(notice_id=notice.pk, event="appeal_resolved", on=date(2027, 1, 5))
    assert disconnection_order_issue(
        account_id=owing.pk, service="gas", on=date(2027, 1, 12), by=collections_agent
    ).issued


def test_a_friday_disconnection_only_after_an_agreement_offered_that_day_was_declined(
    owing, collections_agent
):
    notice = disconnection_notice_record(account_id=owing.pk, service="gas", sent_on=date(2026, 12, 1))
    disconnection_notice_event(notice_id=notice.pk, event="answered", on=date(2026, 12, 3))
    with pytest.raises(DisconnectionForbidden, match="Friday"):
        disconnection_order_issue(
            account_id=owing.pk, service="gas", on=date(2027, 1, 15), by=collections_agent
        )
    order = disconnection_order_issue(
        account_id=owing.pk,
        service="gas",
        on=date(2027, 1, 15),
        agreement_declined_that_day=True,
        by=collections_agent,
    )
    assert order.issued and order.agreement_declined_that_day


@pytest.mark.parametrize("who", [None, "billing_clerk", "service_rep", "privacy_officer", "customer_user"])
def test_only_collections_staff_order_disconnections_and_agree_agreements(owing, who, request):
    """Deny by default: no one named (a job), staff of another service and a customer's own sign-in are all
    refused, before anything is looked up; nothing is written."""
    if who == "customer_user":
        by = get_user_model().objects.create_user(username="c-owing", password="x" * 20)
    else:
        by = request.getfixturevalue(who) if who else None
    agreement = payment_agreement_request(account_id=owing.pk, requested_on=date(2026, 10, 5))
    with pytest.raises(NotAllowed):
        payment_agreement_agree(agreement_id=agreement.pk, installment="40.00", by=by, on=date(2026, 10, 6))
    with pytest.raises(NotAllowed):  # the same answer for an agreement that doesn't exist
        payment_agreement_agree(agreement_id=10**9, installment="40.00", by=by, on=date(2026, 10, 6))
    with pytest.raises(NotAllowed):
        disconnection_order_issue(account_id=owing.pk, service="water", on=date(2027, 1, 12), by=by)
    agreement.refresh_from_db()
    assert agreement.status == "requested" and agreement.agreed_by is None
    assert not DisconnectionOrder.objects.exists()


def test_the_keyword_naming_who_orders_is_required(owing):
    with pytest.raises(TypeError):
        disconnection_order_issue(account_id=owing.pk, service="water", on=date(2027, 1, 12))
