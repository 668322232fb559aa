"""The privacy officer's unusual-access review covers every kind of actor: staff, system jobs and vendors,
and counts staff who read through requests they entered themselves."""

import pytest
from django.test import Client

from custodian.api.services import api_token_create
from custodian.audit.events import CHANGE_ACTIONS
from custodian.audit.models import AccessEvent
from custodian.casework.models import CustomerRequest
from custodian.incidents import selectors as flags
from custodian.testing import vendor_with_determination


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def reveal(client, raw, customer_id, fields, purpose):
    return client.post(
        f"/api/v1/customers/{customer_id}/reveal",
        {"fields": fields, "purpose": purpose},
        content_type="application/json",
        **bearer(raw),
    )


def flags_page(console, privacy_officer) -> str:
    return console(privacy_officer).get("/staff/privacy/").content.decode()


def test_a_vendor_reading_customers_one_at_a_time_is_flagged(console, privacy_officer, customer):
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer, name="Acme Mailing")
    raw = api_token_create(vendor=vendor)[1]
    client = Client()
    for _ in range(flags.UNUSUAL_DENIALS):
        assert reveal(client, raw, customer.pk, ["name"], "contacting_customers").status_code == 404
    html = flags_page(console, privacy_officer)
    assert "Vendor Acme Mailing tried to read customers one at a time" in html
    assert "Vendor Acme Mailing was refused many times" in html


def test_a_system_job_token_reading_many_customers_or_refused_often_is_flagged(
    console, privacy_officer, billing_clerk, customer, other_customer, monkeypatch, api_client_job
):
    raw = api_token_create(job="billing_run", on_behalf_of=billing_clerk)[1]
    client = Client()
    monkeypatch.setattr(flags, "UNUSUAL_DISTINCT_CUSTOMERS", 2)
    for c in (customer, other_customer):
        assert reveal(client, raw, c.pk, ["name"], "billing").status_code == 200
    for _ in range(flags.UNUSUAL_DENIALS):
        assert reveal(client, raw, customer.pk, ["email"], "billing").status_code == 404
    html = flags_page(console, privacy_officer)
    assert "System billing_run read many customers one at a time without a request (2)" in html
    assert f"System billing_run was refused many times ({flags.UNUSUAL_DENIALS})" in html


def intake(client, account_number, purpose, **extra):
    return client.post(
        "/staff/requests/new/",
        {
            "channel": "phone",
            "kind": "payment",
            "account_number": account_number,
            "purpose": purpose,
            "verification": "account_and_fact",
            "verified_with": "last_bill",
            "message": "Wants a payment arrangement.",
            "notice_given": "on",
            **extra,
        },
    )


def test_reads_through_requests_the_reader_entered_are_counted(
    console, privacy_officer, collections_agent, customer, other_customer, monkeypatch
):
    client = console(collections_agent)
    for number in ("0010000001", "0010000002"):
        assert intake(client, number, "collecting_payments").status_code == 302
    for req in CustomerRequest.objects.all():
        response = client.post(
            f"/staff/customers/{req.customer_id}/",
            {"fields": ["phone"], "purpose": "contacting_customers", "request": str(req.pk)},
        )
        assert response.status_code == 200 and "This view is logged" in response.content.decode()
    monkeypatch.setattr(flags, "UNUSUAL_OWN_REQUEST_CUSTOMERS", 2)
    html = flags_page(console, privacy_officer)
    assert "Staff colin.collections read customers through requests they entered themselves (2)" in html
    review = console(privacy_officer).get("/staff/privacy/access/", {"own_request": "on"}).content.decode()
    assert review.count(", entered by the reader") == 2


def test_intake_names_its_purpose_and_tries_nothing_on_the_way(
    console, privacy_officer, collections_agent, customer
):
    """A collections agent was flagged after about four intakes: each tried five purposes and logged a
    refusal for every miss. Now the purpose is named and the account is looked up once."""

    client = console(collections_agent)
    for _ in range(5):
        assert intake(client, "001-000-0001", "collecting_payments").status_code == 302
    assert not AccessEvent.objects.filter(decision="deny").exists()
    lookups = AccessEvent.objects.filter(action="intake_lookup")
    assert lookups.count() == 5 and set(lookups.values_list("purpose", flat=True)) == {"collecting_payments"}
    assert "colin.collections" not in flags_page(console, privacy_officer)


@pytest.mark.parametrize("purpose", ["", "marketing", "contacting_customers"])
def test_intake_takes_only_a_purpose_that_may_find_an_account(console, collections_agent, customer, purpose):
    response = intake(console(collections_agent), "0010000001", purpose)
    assert response.status_code == 400 and "purpose" in response.content.decode().lower()
    assert (
        not CustomerRequest.objects.exists()
        and not AccessEvent.objects.exclude(action__in=CHANGE_ACTIONS).exists()
    )
