"""Staff-entered requests (calls, visits, letters) say how the person was verified; reads that use a request
the reader entered are marked in the access log; lookups for request-driven purposes need the request."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.casework.models import CustomerRequest
from custodian.testing.desk import request_entered

# Alice Anderson's call about a high bill, as the member of staff enters it but for how she was verified.
ALICES_CALL = {
    "channel": "phone",
    "kind": "billing_question",
    "account_number": "0010000001",
    "purpose": "billing",
    "message": "Why is my bill high?",
}


def intake(client, **fields):
    """Alice's call entered by the member of staff signed in on `client`, with `fields` (how she was verified,
    or in place of any field of her call)."""
    return request_entered(client, {**ALICES_CALL, **fields})


def test_the_clerk_records_how_the_caller_was_verified(console, billing_clerk, customer):
    client = console(billing_clerk)
    response = intake(client, verification="account_and_fact", verified_with="last_bill")
    assert response.status_code == 302
    req = CustomerRequest.objects.get()
    assert (req.opened_by, req.verification, req.verified_with) == (
        billing_clerk,
        "account_and_fact",
        "last_bill",
    )
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Account number and one more fact from the account (Amount of the last bill)" in page


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({}, "This field is required"),
        ({"verification": "account_and_fact"}, "Choose what you checked"),
        ({"verification": "account_and_fact", "verified_with": "passport"}, "Choose what you checked"),
        # No ID can be shown over the phone.
        ({"verification": "photo_id", "verified_with": "passport"}, "say how you verified the person"),
        ({"verification": "not_a_customer"}, "how the person was verified as its customer"),
    ],
)
def test_a_request_without_a_verification_is_not_opened(console, billing_clerk, customer, fields, problem):
    response = intake(console(billing_clerk), **fields)
    assert response.status_code == 400 and problem in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_photo_id_at_the_counter(console, service_rep, customer):
    response = intake(
        console(service_rep),
        channel="in_person",
        kind="service_change",
        purpose="providing_services",
        verification="photo_id",
        verified_with="drivers_license",
    )
    assert response.status_code == 302
    assert CustomerRequest.objects.get().verification == "photo_id"


def test_reading_through_ones_own_request_is_marked_and_anothers_is_not(
    console, billing_clerk, customer, open_request
):
    """The review's case: a clerk takes a call for any account, then reads the phone number under
    "contacting customers" with that request. Allowed (people call), and marked for review."""
    client = console(billing_clerk)
    intake(client, verification="account_and_fact", verified_with="service_address")
    mine = CustomerRequest.objects.get()
    shown = client.post(
        f"/staff/customers/{customer.pk}/",
        {"fields": ["phone"], "purpose": "contacting_customers", "request": str(mine.pk)},
    )
    assert "(507) 555-0101" in shown.content.decode()
    event = AccessEvent.objects.filter(action="reveal").latest("seq")
    assert (event.request_id, event.own_request) == (str(mine.pk), "yes")
    emailed = open_request(customer, "billing", kind="billing_question")  # not entered by the clerk
    client.post(
        f"/staff/customers/{customer.pk}/",
        {"fields": ["phone"], "purpose": "contacting_customers", "request": str(emailed.pk)},
    )
    event = AccessEvent.objects.filter(action="reveal").latest("seq")
    assert (event.request_id, event.own_request) == (str(emailed.pk), "")


def test_finding_customers_by_phone_for_contacting_them_needs_a_request(
    console, service_rep, customer, other_customer, open_request
):
    """The review's case: cora.service found customers by phone under "contacting customers" with no
    request. Now the lookup follows the request rule of reveal, and finds only the request's customer."""
    client = console(service_rep)
    search = {"field": "phone", "value": "507-555-0202", "purpose": "contacting_customers"}
    response = client.post("/staff/customers/", search)
    assert f"/staff/customers/{other_customer.pk}/" not in response.content.decode()
    assert "acts only on a customer&#x27;s request: choose the open request" in response.content.decode()
    assert AccessEvent.objects.latest("seq").decision == "deny"
    req = open_request(customer, "customer_service")
    response = client.post("/staff/customers/", {**search, "request": req.pk})
    assert f"/staff/customers/{other_customer.pk}/" not in response.content.decode()  # not the request's
    response = client.post("/staff/customers/", {**search, "value": "507-555-0101", "request": req.pk})
    assert f"/staff/customers/{customer.pk}/" in response.content.decode()
