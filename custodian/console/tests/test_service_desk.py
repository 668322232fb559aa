"""Customer service starts, stops and moves service: a customer's request from the portal, carried out in
the console; the address the customer gave read through the gate for providing services; premises and
meters stay; each change an event in the access log naming who made it; the notices shown at collection
recorded with their versions; the final bill when the last day has passed."""

from datetime import date

import pytest

from conftest import PAPER_FORM, application_for
from custodian.audit.models import AccessEvent
from custodian.billing.final import service_stop
from custodian.billing.models import Bill
from custodian.console.tests.phones import phone_on_record
from custodian.customers.choices import AccountRole, CloseReason
from custodian.customers.models import Account, Customer, ServiceChange
from custodian.customers.services import (
    AccountError,
    account_stop,
    customer_enrol,
    service_change_ask,
)
from custodian.policy.loader import current_policy
from custodian.testing.billing import account_opened
from custodian.testing.portal import signed_in
from custodian.vault.gate import reveal, system_actor
from custodian.vault.models import SealedDocument
from custodian.vault.services import Submission

PORTAL = Submission(channel="portal", notice_key="account_application", recorded_by_label="the customer")


def as_the_bill_run_reads(customer, field: str) -> str:
    """The customer's `field` as the bill run reads it, through the gate."""
    bill_run = system_actor("billing_run")
    return reveal(actor=bill_run, customer_id=customer.pk, fields=[field], purpose="billing")[field]


@pytest.fixture
def vacant_home(db):
    """A premise whose last occupant moved out: its meters wait for the next one."""
    vera = customer_enrol(
        application=application_for("Vera Vacant", "vera@example.com", "507-555-0808", "0010000088"),
        submission=PAPER_FORM,
    )
    account = Account.objects.get(customer=vera)
    account_stop(account_id=account.pk, closed_on=account.opened_on)
    return account.premise


def test_a_move_asked_in_the_portal_is_carried_out_by_customer_service(
    households,  # noqa: F811
    vacant_home,
    service_rep,
    console,
):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    page = client.get("/portal/me/moving/").content.decode()
    notice = current_policy().notices["account_application"]
    assert notice.purpose in page and f"Version {notice.version} of this notice" in page
    account = Account.objects.get(customer=customer)
    moving_on = date(2026, 12, 1)
    response = client.post(
        "/portal/me/moving/",
        {
            "account": account.pk,
            "kind": "transfer",
            "on": moving_on.isoformat(),
            "new_service_address": "42 Cedar Avenue, Owatonna, MN 55060",
        },
    )
    assert response.status_code == 302
    change = ServiceChange.objects.get(customer=customer)
    assert (change.kind, change.status, change.notice_key, change.notice_version) == (
        "transfer",
        "requested",
        "account_application",
        notice.version,
    )
    # the address is sealed, not in clear
    assert SealedDocument.objects.filter(customer=customer, category="service_address").count() == 1
    assert "Cedar" not in str(ServiceChange.objects.filter(pk=change.pk).values().get())
    asked = AccessEvent.objects.filter(action="service_change_asked").get()
    assert (asked.actor_kind, asked.customer_id) == ("customer", str(customer.pk))

    staff = console(service_rep)
    desk = staff.get("/staff/accounts/").content.decode()
    assert f"/staff/accounts/{account.pk}/" in desk
    # how it reached us, in words on the desk and the account's page, never the stored key
    assert "<td>Customer portal</td>" in desk and "<td>portal</td>" not in desk
    detail = staff.get(f"/staff/accounts/{account.pk}/")
    assert "42 Cedar Avenue" in detail.content.decode()
    assert "(Customer portal; Account application notice" in detail.content.decode()
    # the notice shown by its name, never the policy file's key
    assert f"Account application notice, version {notice.version} shown" in detail.content.decode()
    assert "account_application" not in detail.content.decode()
    read = AccessEvent.objects.filter(action="reveal_documents", customer_id=str(customer.pk)).latest("pk")
    assert (read.actor_id, read.purpose, read.categories) == (
        str(service_rep.pk),
        "providing_services",
        "service_address",
    )
    meter = vacant_home.service_points.order_by("service").first().meter_number
    response = staff.post(
        f"/staff/accounts/{account.pk}/move/",
        {
            "moving_on": moving_on.isoformat(),
            "meter": meter.lower(),
            "new_service_address": "42 Cedar Avenue, Owatonna, MN 55060",
            "channel": "portal",
            "change_id": change.pk,
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    new = Account.objects.get(customer=customer, closed_on__isnull=True)
    assert (account.closed_on, account.close_reason) == (date(2026, 11, 30), CloseReason.TRANSFER)
    assert (new.premise_id, new.opened_on) == (vacant_home.pk, moving_on)
    change.refresh_from_db()
    assert (change.status, change.result_account_id, change.done_by_id) == ("done", new.pk, service_rep.pk)
    assert as_the_bill_run_reads(customer, "service_address") == "42 Cedar Avenue, Owatonna, MN 55060"
    changes = AccessEvent.objects.filter(customer_id=str(customer.pk), action__startswith="service_")
    assert {e.action for e in changes} == {
        "service_change_asked",
        "service_stopped",
        "service_started",
        "service_moved",
    }
    assert {e.actor_id for e in changes if e.action != "service_change_asked"} == {str(service_rep.pk)}


def new_customer_at(home) -> dict:
    """The service start form for a new customer at `home`, taken by phone (the notices not yet confirmed)."""
    return {
        "meter": home.service_points.first().meter_number,
        "opened_on": "2026-12-01",
        "role": "occupant",
        "customer_class": "residential",
        "name": "Nora New",
        "service_address": "9 Vine Street, Owatonna, MN 55060",
        "mailing_address": "9 Vine Street, Owatonna, MN 55060",
        "channel": "phone",
    }


def test_a_new_customer_starts_service_with_both_notices_recorded(vacant_home, service_rep, console):
    staff = console(service_rep)
    page = staff.get("/staff/accounts/start/").content.decode()
    notices = current_policy().notices
    assert notices["account_application"].purpose in page and notices["metering"].purpose in page
    form = new_customer_at(vacant_home)
    before = Customer.objects.count()
    refused = staff.post("/staff/accounts/start/", form)  # the notices were not confirmed as given
    assert refused.status_code == 400 and Customer.objects.count() == before
    assert staff.post("/staff/accounts/start/", {**form, "notices_given": "on"}).status_code == 302
    account = Account.objects.get(premise=vacant_home, closed_on__isnull=True)
    assert (account.opened_notice_key, account.opened_notice_version) == (
        "account_application",
        notices["account_application"].version,
    )
    assert (account.metering_notice_key, account.metering_notice_version) == (
        "metering",
        notices["metering"].version,
    )
    started = AccessEvent.objects.get(action="service_started", customer_id=str(account.customer_id))
    assert started.actor_id == str(service_rep.pk) and "customer_service" in started.roles


def test_service_start_checks_a_telephone_number_and_keeps_it_in_one_form(vacant_home, service_rep, console):
    staff = console(service_rep)
    form = {**new_customer_at(vacant_home), "phone": "abc", "notices_given": "on"}
    before = Customer.objects.count()
    refused = staff.post("/staff/accounts/start/", form)
    assert refused.status_code == 400 and Customer.objects.count() == before
    assert 'id="id_phone_error">Enter a US telephone number with its area code' in refused.content.decode()
    assert staff.post("/staff/accounts/start/", {**form, "phone": "507.451.2480"}).status_code == 302
    account = Account.objects.get(premise=vacant_home, closed_on__isnull=True)
    assert phone_on_record(account.customer_id) == "507-451-2480"


def test_stopping_service_issues_the_final_bill_once_the_last_day_has_passed(customer, other_customer):
    account = account_opened(customer, date(2026, 10, 1))
    change = service_change_ask(
        customer_id=customer.pk,
        account_id=account.pk,
        kind="stop",
        on=date(2026, 11, 14),
        final_bill_address="PO Box 12, Faribault, MN 55021",
        submission=PORTAL,
        by="customer",
    )
    _, bills = service_stop(
        account_id=account.pk,
        closed_on=date(2026, 11, 14),
        owner_customer_id=other_customer.pk,
        change_id=change.pk,
        today=date(2026, 11, 20),
    )
    assert [b.cycle for b in bills] == ["2026-10", "2026-11"]
    final = bills[-1]
    assert final.final and (final.period_start, final.period_end) == (date(2026, 11, 1), date(2026, 11, 14))
    vacancy = Account.objects.get(premise=account.premise, closed_on__isnull=True)
    assert (vacancy.customer_id, vacancy.role, vacancy.opened_on) == (
        other_customer.pk,
        AccountRole.OWNER,
        date(2026, 11, 15),
    )
    assert as_the_bill_run_reads(customer, "mailing_address") == "PO Box 12, Faribault, MN 55021"
    # a bill run of the cycle later finds the account billed
    assert Bill.objects.filter(account=account, cycle="2026-11").count() == 1


def test_a_stop_in_the_future_leaves_the_final_bill_to_the_bill_run(customer):
    account = Account.objects.get(customer=customer)
    _, bills = service_stop(account_id=account.pk, closed_on=date(2026, 12, 31), today=date(2026, 12, 1))
    assert bills == [] and Account.objects.get(pk=account.pk).closed_on == date(2026, 12, 31)


def test_a_second_request_for_the_same_account_waits_for_the_first(customer):
    account = Account.objects.get(customer=customer)
    ask = dict(
        customer_id=customer.pk, account_id=account.pk, kind="stop", on=date(2026, 12, 31), submission=PORTAL
    )
    service_change_ask(**ask)
    with pytest.raises(AccountError, match="already has a request waiting"):
        service_change_ask(**ask)
    with pytest.raises(AccountError, match="new service address"):
        service_change_ask(**{**ask, "kind": "transfer"})


def test_a_request_for_another_customers_account_is_no_such_account(customer, other_customer):
    theirs = Account.objects.get(customer=other_customer)
    with pytest.raises(AccountError, match="no such open account"):
        service_change_ask(
            customer_id=customer.pk,
            account_id=theirs.pk,
            kind="stop",
            on=date(2026, 12, 31),
            submission=PORTAL,
        )


def test_a_stop_or_move_the_desk_cannot_make_draws_the_account_page_again_with_the_form(
    customer, service_rep, console
):
    """A meter no premise has is said beside the meter field; the service's refusal above the form's fields;
    either way the account page again (400), what was typed kept, and the account as it was."""
    account = customer.accounts.get()
    staff = console(service_rep)
    move = {"moving_on": "2026-12-01", "meter": "E-NOWHERE", "new_service_address": "9 Oak Avenue"}
    moved = staff.post(f"/staff/accounts/{account.pk}/move/", {**move, "channel": "phone"})
    page = moved.content.decode()
    assert moved.status_code == 400 and 'id="id_meter_error">No premise has a meter with this number.' in page
    assert 'value="9 Oak Avenue"' in page
    too_early = account.opened_on.replace(year=account.opened_on.year - 1).isoformat()
    stopped = staff.post(f"/staff/accounts/{account.pk}/stop/", {"closed_on": too_early})
    assert (
        stopped.status_code == 400 and "service can&#x27;t stop before it started" in stopped.content.decode()
    )
    account.refresh_from_db()
    assert account.closed_on is None
