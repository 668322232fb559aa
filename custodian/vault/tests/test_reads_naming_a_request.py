"""A staff read that names a request: the request must be an open request of that customer owned by one of
the reader's services that has the purpose, for every purpose, not only those that need one. A read
naming a request is not counted towards the hourly limit of reads without one, so a request id that is
not checked would let any reader past the limit and write a false request into the access log."""

import pytest

from conftest import PAPER_FORM
from custodian.audit.models import AccessEvent
from custodian.casework.services import request_open
from custodian.testing.town import LIMIT, town_enrol
from custodian.vault.gate import Denied, break_glass_open, find_customers, reveal, staff_actor


@pytest.fixture
def town(db):
    return town_enrol(PAPER_FORM)


def billing_read(clerk, customer_id, request_id):
    return reveal(
        actor=staff_actor(clerk),
        customer_id=customer_id,
        fields=["name", "mailing_address"],
        purpose="billing",
        request_id=request_id,
    )


def test_a_request_that_does_not_exist_is_refused_and_logged_as_a_refusal(billing_clerk, customer):
    with pytest.raises(Denied):
        billing_read(billing_clerk, customer.pk, 999_999)
    event = AccessEvent.objects.filter(customer_id=str(customer.pk)).latest("seq")
    assert event.decision == "deny" and "999999" in event.reason
    assert not AccessEvent.objects.filter(decision="allow", request_id="999999").exists()


def test_another_customers_request_is_refused(billing_clerk, customer, other_customer, open_request):
    theirs = open_request(other_customer, "billing")
    with pytest.raises(Denied):
        billing_read(billing_clerk, customer.pk, theirs.pk)


def test_a_request_owned_by_a_service_the_reader_is_not_in_is_refused(billing_clerk, customer, open_request):
    privacy_officers = open_request(customer, "privacy_officer")
    with pytest.raises(Denied):
        billing_read(billing_clerk, customer.pk, privacy_officers.pk)


def test_the_customers_open_request_of_the_readers_service_is_accepted(billing_clerk, customer, open_request):
    mine = open_request(customer, "billing")
    assert billing_read(billing_clerk, customer.pk, mine.pk)["name"]
    event = AccessEvent.objects.filter(customer_id=str(customer.pk)).latest("seq")
    assert event.decision == "allow" and event.request_id == str(mine.pk)


def test_a_made_up_request_does_not_get_a_reader_past_the_hourly_limit(billing_clerk, town):
    for customer in town[:LIMIT]:
        billing_read(billing_clerk, customer.pk, None)
    for customer in town[LIMIT:]:
        with pytest.raises(Denied):
            billing_read(billing_clerk, customer.pk, 999_999)
    with pytest.raises(Denied, match="held for the privacy officer"):
        billing_read(billing_clerk, town[LIMIT].pk, None)


def test_a_lookup_naming_a_request_that_does_not_exist_is_refused(billing_clerk, customer):
    with pytest.raises(Denied):
        find_customers(
            actor=staff_actor(billing_clerk),
            field="name",
            value="Alice Anderson",
            purpose="billing",
            request_id=999_999,
        )
    assert not AccessEvent.objects.filter(decision="allow", request_id="999999").exists()


def test_a_lookup_naming_the_readers_request_finds_only_its_customer(
    billing_clerk, customer, other_customer, open_request
):
    mine = open_request(customer, "billing")
    found = find_customers(
        actor=staff_actor(billing_clerk),
        field="account_number",
        value="0010000002",  # Bob Brandt's account, not the request's customer
        purpose="billing",
        request_id=mine.pk,
    )
    assert found == []


def emergency_read(field_tech, customer_id, request_id):
    """A field technician's read under an emergency grant (their service may not contact customers)."""
    actor = staff_actor(field_tech)
    break_glass_open(
        actor=actor,
        customer_id=customer_id,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise; must reach the occupant now",
    )
    return reveal(
        actor=actor,
        customer_id=customer_id,
        fields=["phone"],
        purpose="contacting_customers",
        request_id=request_id,
    )


def test_an_emergency_read_naming_a_made_up_request_is_refused_not_logged_with_it(field_tech, customer):
    with pytest.raises(Denied):
        emergency_read(field_tech, customer.pk, 999_999)
    assert not AccessEvent.objects.filter(decision="allow", request_id="999999").exists()


def test_an_emergency_read_naming_another_customers_request_is_refused(
    field_tech, customer, other_customer, open_request
):
    theirs = open_request(other_customer, "customer_service")
    with pytest.raises(Denied):
        emergency_read(field_tech, customer.pk, theirs.pk)


def test_an_emergency_read_names_the_customers_open_request_of_any_service(
    field_tech, customer, open_request
):
    theirs = open_request(customer, "customer_service")
    assert emergency_read(field_tech, customer.pk, theirs.pk)["phone"]
    event = AccessEvent.objects.filter(customer_id=str(customer.pk), action="reveal").latest("seq")
    assert event.request_id == str(theirs.pk) and event.break_glass_id


def test_an_emergency_read_needs_no_request(field_tech, customer):
    assert emergency_read(field_tech, customer.pk, None)["phone"]


def billing_question(customer, entered_by):
    """A billing question taken by phone, entered by `entered_by`."""
    return request_open(
        customer=customer,
        kind="billing_question",
        channel="phone",
        opened_by=entered_by,
        owning_service="billing",
    )


def test_requests_a_reader_entered_themselves_do_not_get_them_past_the_hourly_limit(billing_clerk, town):
    """A clerk held at the limit who enters a request per customer and reads under it is held all the same,
    and each such read is marked in the log as under their own request."""
    for customer in town[:LIMIT]:
        billing_read(billing_clerk, customer.pk, None)
    own = billing_question(town[LIMIT], billing_clerk)
    with pytest.raises(Denied, match="held for the privacy officer"):
        billing_read(billing_clerk, town[LIMIT].pk, own.pk)


def test_a_read_under_a_request_the_reader_entered_is_marked_and_counted(billing_clerk, town):
    own = billing_question(town[0], billing_clerk)
    billing_read(billing_clerk, town[0].pk, own.pk)
    event = AccessEvent.objects.filter(customer_id=str(town[0].pk), action="reveal").latest("seq")
    assert event.own_request == "yes" and event.request_id == str(own.pk)
    for customer in town[1:LIMIT]:
        billing_read(billing_clerk, customer.pk, None)
    with pytest.raises(Denied, match="held for the privacy officer"):  # the own-request read was the 20th
        billing_read(billing_clerk, town[LIMIT].pk, None)


def test_a_request_someone_else_entered_is_not_counted(billing_clerk, service_rep, town):
    for customer in town[:LIMIT]:
        billing_read(billing_clerk, customer.pk, None)
    theirs = billing_question(town[LIMIT], service_rep)
    assert billing_read(billing_clerk, town[LIMIT].pk, theirs.pk)["name"]
