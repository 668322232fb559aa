"""Billing and collections in the console: the billing clerk runs the bill run with progress, sees the
cycle's exceptions and opens a bill through the gate, corrects it as a re-bill; the collections agent works
the past-due list with its protections, agrees a payment agreement, sends the notice of proposed
disconnection through the outbox, and is refused a disconnection the law forbids."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill, BillRun
from custodian.billing.selectors import billing_exceptions
from custodian.billing.services import bill_run
from custodian.collecting import notices
from custodian.collecting.models import (
    DisconnectionNotice,
    DisconnectionOrder,
    PaymentAgreement,
    ProtectionOnFile,
)
from custodian.collecting.services import payment_agreement_request
from custodian.customers.models import Account
from custodian.outbox.models import OutboundMessage
from custodian.payments.models import PaymentSession
from custodian.testing.billing import YEAR, household, reading_corrected
from custodian.vault.models import PersonalValue

CYCLE = "2026-10"


@pytest.fixture
def town(db):
    return [household(f"Ostby {i}", f"00300000{i:02d}", YEAR) for i in range(3)]


def test_the_billing_clerk_runs_the_cycle_and_sees_its_progress(town, billing_clerk, console):
    client = console(billing_clerk)
    assert client.post("/staff/billing/", {"cycle": CYCLE}).status_code == 302
    run = BillRun.objects.get()
    assert (run.status, run.total, run.done, run.bills_issued) == ("done", 3, 3, 3)
    assert run.requested_by == billing_clerk
    page = client.get("/staff/billing/").content.decode()
    assert "3 bills issued" in page and "Exceptions in October 2026" in page
    # started by the clerk: the billing job's reads name them
    events = AccessEvent.objects.filter(action="bill_run")
    assert events.count() == 3 and {e.on_behalf_of for e in events} == {billing_clerk.get_username()}
    # a second run of the same cycle issues nothing, and a bad cycle is named
    client.post("/staff/billing/", {"cycle": CYCLE})
    assert BillRun.objects.latest("pk").bills_issued == 0
    refused = client.post("/staff/billing/", {"cycle": "2026-13"})
    assert refused.status_code == 400 and "Give the cycle as a month between" in refused.content.decode()


@pytest.mark.parametrize("cycle", ["2999-12", "0001-01", "+202-01", "２０２６-１０"])
def test_a_cycle_not_begun_or_out_of_range_is_not_run(town, billing_clerk, console, cycle):
    page = console(billing_clerk).post("/staff/billing/", {"cycle": cycle}, follow=True).content.decode()
    assert not BillRun.objects.exists()
    assert "Not started" in page or "Give the cycle as a month between" in page


@pytest.mark.parametrize("cycle", ["0001-01", "1969-12", "2026-1x"])
def test_the_billing_page_refuses_a_cycle_it_cant_show(town, billing_clerk, console, cycle):
    assert console(billing_clerk).get("/staff/billing/", {"cycle": cycle}).status_code == 400


def test_the_clerk_opens_a_bill_through_the_gate_and_corrects_it(town, billing_clerk, console):
    client = console(billing_clerk)
    client.post("/staff/billing/", {"cycle": CYCLE})
    bill = Bill.objects.filter(cycle=CYCLE).first()
    page = client.get(f"/staff/billing/bills/{bill.pk}/")
    assert page.status_code == 200 and "Ostby" in page.content.decode()
    event = AccessEvent.objects.filter(actor_kind="staff", action="reveal_documents").latest("pk")
    assert (event.purpose, event.customer_id) == ("billing", str(bill.customer_id))
    assert client.post(f"/staff/billing/bills/{bill.pk}/correct/", {"reason": "x"}).status_code == 400
    unchanged = client.post(f"/staff/billing/bills/{bill.pk}/correct/", {"reason": "meter misread"})
    # Said as sentences: what did not happen, then why (not the service's raw lowercase refusal).
    said = f"Bill {bill.pk} was not corrected. Nothing changed: bill {bill.pk}, computed again"
    assert unchanged.status_code == 400 and said in unchanged.content.decode()
    reading_corrected(bill.customer)
    response = client.post(f"/staff/billing/bills/{bill.pk}/correct/", {"reason": "meter misread"})
    new = Bill.objects.get(supersedes=bill)
    assert response.url == f"/staff/billing/bills/{new.pk}/"
    assert new.rebill_reason == "meter misread" and not Bill.objects.get(pk=bill.pk).is_current


def test_exceptions_list_estimates_high_bills_and_failed_payments(town, billing_clerk, console):
    bill_run(cycle="2026-09")
    bill_run(cycle=CYCLE)
    high = Bill.objects.filter(cycle=CYCLE).first()
    Bill.objects.filter(pk=high.pk).update(total=high.total * 3)
    low = Bill.objects.filter(cycle=CYCLE).last()
    Bill.objects.filter(pk=low.pk).update(total=Decimal("1.00") + low.total / 10, estimated_services="water")
    found = billing_exceptions(CYCLE)
    assert [b.pk for b, _ in found.high] == [high.pk] and [b.pk for b, _ in found.low] == [low.pk]
    assert [b.pk for b in found.estimated] == [low.pk]
    PaymentSession.objects.create(
        token="t1",
        account=high.account,
        amount="20.00",
        status="failed",
        failure_reason="card declined",
        settled_at=timezone.now(),
    )
    page = console(billing_clerk).get("/staff/billing/").content.decode()
    assert "card declined" in page and f"Bill {high.pk}" in page


@pytest.fixture
def past_due(town):
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    return Bill.objects.filter(cycle="2026-08").first().account


def test_the_collections_agent_works_the_past_due_list(past_due, collections_agent, console):
    client = console(collections_agent)
    page = client.get("/staff/collections/").content.decode()
    assert f"/staff/billing/accounts/{past_due.pk}/" in page
    agreement = payment_agreement_request(account_id=past_due.pk, requested_on=date(2026, 10, 2))
    client.post(f"/staff/collections/agreements/{agreement.pk}/agree/", {"installment": "0"})
    assert PaymentAgreement.objects.get().status == "requested"
    client.post(f"/staff/collections/agreements/{agreement.pk}/agree/", {"installment": "45"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.monthly_installment, agreement.agreed_by) == (
        "active",
        Decimal("45.00"),
        collections_agent,
    )
    # contact details only on request, through the gate for collecting payments
    account_page = f"/staff/billing/accounts/{past_due.pk}/"
    assert "Ostby" not in client.get(account_page).content.decode()
    shown = client.post(account_page, {"show": "contact"}).content.decode()
    assert "Ostby" in shown and "@example.com" in shown
    event = AccessEvent.objects.filter(actor_kind="staff", action="reveal").latest("pk")
    assert event.purpose == "collecting_payments" and "meter_usage" not in event.categories


def test_the_notice_goes_out_through_the_outbox_and_the_law_is_checked(
    past_due, collections_agent, console, monkeypatch
):
    client = console(collections_agent)
    page = f"/staff/billing/accounts/{past_due.pk}/"
    mailed = date(2026, 10, 5)
    # The clerk mails the notice on the day it is written (a notice is never dated back).
    monkeypatch.setattr(notices, "timezone", SimpleNamespace(localdate=lambda: mailed))
    client.post(f"/staff/collections/accounts/{past_due.pk}/notice/", {"service": "gas", "on": mailed})
    notice = DisconnectionNotice.objects.get()
    assert notice.copied_to_assistance_provider_on == mailed and len(notice.contents) == 5
    letter = OutboundMessage.objects.get(regarding=f"disconnection_notice:{notice.pk}")
    assert (letter.channel, letter.template, letter.sent_by) == (
        "letter",
        "disconnection_notice",
        collections_agent,
    )
    # ten days later: too early under the Cold Weather Rule's notice period; the refusal is kept
    too_soon = mailed + timedelta(days=10)
    client.post(f"/staff/collections/accounts/{past_due.pk}/disconnect/", {"service": "gas", "on": too_soon})
    order = DisconnectionOrder.objects.get()
    assert not order.issued and any("216B.097" in r for r in order.reasons)
    assert "refused" in client.get(page).content.decode()


def test_a_show_no_button_sends_is_drawn_again_with_400_and_shows_nothing(
    past_due, collections_agent, console
):
    drawn = console(collections_agent).post(f"/staff/billing/accounts/{past_due.pk}/", {"show": "everything"})
    page = drawn.content.decode()
    assert (
        drawn.status_code == 400 and "Nothing shown: the page&#x27;s button shows the contact details" in page
    )
    assert "Ostby" not in page and "@example.com" not in page
    assert not AccessEvent.objects.filter(actor_kind="staff", action="reveal").exists()


def test_billing_staff_see_no_contact_details_and_collections_no_bill_content(
    past_due, billing_clerk, collections_agent, console
):
    response = console(billing_clerk).post(f"/staff/billing/accounts/{past_due.pk}/", {"show": "contact"})
    assert response.status_code == 200 and "@example.com" not in response.content.decode()
    bill = Bill.objects.filter(account=past_due).first()
    assert console(collections_agent).get(f"/staff/billing/bills/{bill.pk}/").status_code == 403


def test_collections_records_the_households_facts_sealed_and_the_worklist_applies_them(
    past_due, collections_agent, console
):
    client = console(collections_agent)
    url = f"/staff/collections/accounts/{past_due.pk}/protections/"
    client.post(url, {"income_verified_on": "2026-10-01", "income_basis": "utility_form"})  # notice not read
    assert not ProtectionOnFile.objects.exists()
    client.post(url, {"income_basis": "utility_form", "notice_read": "on"})  # a basis needs its date
    assert not ProtectionOnFile.objects.exists()
    facts = {
        "income_verified_on": "2026-10-01",
        "income_basis": "assistance_provider",
        "referred_on": "2026-10-01",
        "notice_read": "on",
    }
    assert client.post(url, facts).status_code == 302
    assert ProtectionOnFile.objects.filter(customer_id=past_due.customer_id).exists()
    value = PersonalValue.objects.get(customer_id=past_due.customer_id, field="disconnection_protection")
    assert b"assistance_provider" not in bytes(value.ciphertext)
    assert value.provenance.notice_key == "disconnection_protection"


def test_the_billing_clerk_reads_the_notice_shown_at_application_by_its_name(
    past_due, billing_clerk, console
):
    """Staff read the notice an account was opened under by its name and version, never the policy key."""
    Account.objects.filter(pk=past_due.pk).update(
        opened_notice_key="account_application", opened_notice_version="2026.2"
    )
    page = console(billing_clerk).get(f"/staff/billing/accounts/{past_due.pk}/").content.decode()
    assert "notice shown at application: Account application notice, version 2026.2" in page
    assert "account_application" not in page
