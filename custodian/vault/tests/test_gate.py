"""The gate: deny by default, one answer for missing and forbidden, every decision logged with the read.

One module (over 400 lines) on purpose: the gate's rules are tested in the order `vault.gate.decision`
applies them, beside the personas they share."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.audit.events import CHANGE_ACTIONS
from custodian.audit.models import AccessEvent
from custodian.casework.services import request_close, request_hand_off
from custodian.testing import correspondence_read, read_for_request, request_received
from custodian.vault import gate
from custodian.vault.gate import (
    NOT_FOUND_OR_DENIED,
    Denied,
    break_glass_open,
    break_glass_review,
    break_glass_review_queue,
    customer_actor,
    find_customers,
    reveal,
    reveal_intervals,
    reveal_many,
    staff_actor,
    system_actor,
    vendor_actor,
)
from custodian.vault.models import BreakGlassGrant
from custodian.vault.services import NotAllowed


def phone_for_request(user, customer, request):
    """`user` reads the customer's telephone number to contact them about `request`."""
    return read_for_request(user, customer.pk, ["phone"], "contacting_customers", request.pk)


def last_event():
    return AccessEvent.objects.order_by("-seq").first()


def test_a_billing_clerk_reads_the_billing_fields_and_the_read_is_logged(billing_clerk, customer):
    values = reveal(
        actor=staff_actor(billing_clerk),
        customer_id=customer.pk,
        fields=["name", "mailing_address"],
        purpose="billing",
        client_ip="10.1.2.3",
    )
    assert values == {"name": "Alice Anderson", "mailing_address": "115 Elm Street, Owatonna, MN 55060"}
    event = last_event()
    assert (event.decision, event.actor_label, event.roles, event.purpose) == (
        "allow",
        "bill.clerk",
        "billing",
        "billing",
    )
    assert (event.customer_id, event.categories, event.client_ip) == (
        str(customer.pk),
        "mailing_address,name",
        "10.1.2.3",
    )


def test_missing_and_forbidden_give_the_same_answer(billing_clerk, customer):
    actor = staff_actor(billing_clerk)
    with pytest.raises(Denied) as missing:
        reveal(actor=actor, customer_id=customer.pk + 1000, fields=["name"], purpose="billing")
    with pytest.raises(Denied) as forbidden:
        reveal(actor=actor, customer_id=customer.pk, fields=["bank_account"], purpose="billing")
    assert str(missing.value) == str(forbidden.value) == NOT_FOUND_OR_DENIED
    assert missing.value.reason == "no such customer"
    assert "bank_account" in forbidden.value.reason
    reads = AccessEvent.objects.exclude(action__in=CHANGE_ACTIONS)  # the fixtures' values were recorded too
    assert [e.decision for e in reads.order_by("seq")] == ["deny", "deny"]


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", None, "1; DROP TABLE"])
def test_malformed_ids_are_denied_not_errors(billing_clerk, bad_id):
    with pytest.raises(Denied):
        reveal(actor=staff_actor(billing_clerk), customer_id=bad_id, fields=["name"], purpose="billing")


def test_unknown_purpose_and_unknown_field_are_denied(billing_clerk, customer):
    for fields, purpose in ((["name"], "curiosity"), (["shoe_size"], "billing"), ([], "billing")):
        with pytest.raises(Denied):
            reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=fields, purpose=purpose)


def test_if_the_access_event_cannot_be_written_nothing_is_revealed(billing_clerk, customer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(gate.log, "write_event", broken)
    with pytest.raises(RuntimeError):
        reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")


def test_request_driven_access_ends_when_the_request_closes(service_rep, customer, open_request):
    request = open_request(customer, "customer_service")
    assert phone_for_request(service_rep, customer, request) == {"phone": "(507) 555-0101"}
    request_close(request=request)
    with pytest.raises(Denied) as err:
        phone_for_request(service_rep, customer, request)
    assert "open request" in err.value.reason


def test_a_service_that_handed_off_the_request_loses_access(
    service_rep, collections_agent, customer, open_request
):
    request = open_request(customer, "customer_service")
    request_hand_off(request=request, to_service="collections", reason="payment arrangement", by=service_rep)
    with pytest.raises(Denied):
        phone_for_request(service_rep, customer, request)
    assert phone_for_request(collections_agent, customer, request)


def test_a_request_of_another_customer_does_not_open_this_one(
    service_rep, customer, other_customer, open_request
):
    request = open_request(other_customer, "customer_service")
    with pytest.raises(Denied):
        phone_for_request(service_rep, customer, request)


def test_a_customer_reads_their_own_data_and_never_anothers(customer, other_customer):
    me = customer_actor(customer.pk)
    assert reveal(actor=me, customer_id=customer.pk, fields=["email"], purpose="providing_services") == {
        "email": "Alice@Example.com"
    }
    with pytest.raises(Denied):
        reveal(actor=me, customer_id=other_customer.pk, fields=["email"], purpose="providing_services")
    with pytest.raises(Denied):
        reveal_many(actor=me, customer_ids=[customer.pk], fields=["email"], purpose="providing_services")


def test_system_jobs_and_vendors_read_only_their_declared_categories(customer):
    assert reveal(
        actor=system_actor("billing_run"), customer_id=customer.pk, fields=["name"], purpose="billing"
    )
    with pytest.raises(Denied):
        reveal(
            actor=system_actor("billing_run"), customer_id=customer.pk, fields=["email"], purpose="billing"
        )
    with pytest.raises(Denied):
        reveal(actor=system_actor("no_such_job"), customer_id=customer.pk, fields=["name"], purpose="billing")
    mailer = vendor_actor("v1", "mailing")
    # Vendors read in bulk, for their exports, and only their function's categories.
    assert reveal_many(
        actor=mailer,
        customer_ids=[customer.pk],
        fields=["name", "mailing_address"],
        purpose="contacting_customers",
    )
    with pytest.raises(Denied):
        reveal_many(
            actor=mailer, customer_ids=[customer.pk], fields=["phone"], purpose="contacting_customers"
        )
    with pytest.raises(Denied):
        reveal_many(
            actor=vendor_actor("v2", "consumption_reports"),
            customer_ids=[customer.pk],
            fields=["name"],
            purpose="providing_services",
        )


def test_vendors_never_read_or_look_up_one_customer_at_a_time(customer):
    """Vendors receive their exports and nothing else: no single read, document, usage or lookup, even of
    what their function may receive in bulk; each attempt is a logged refusal."""
    mailer = vendor_actor("v1", "mailing")
    with pytest.raises(Denied):
        reveal(actor=mailer, customer_id=customer.pk, fields=["name"], purpose="contacting_customers")
    with pytest.raises(Denied):
        correspondence_read(mailer, customer.pk, "contacting_customers")
    with pytest.raises(Denied):
        reveal_intervals(
            actor=vendor_actor("v2", "consumption_reports"),
            customer_id=customer.pk,
            purpose="providing_services",
            start=0,
            end=10**9,
        )
    with pytest.raises(Denied):
        find_customers(actor=mailer, field="email", value="alice@example.com", purpose="contacting_customers")
    refusals = AccessEvent.objects.filter(actor_kind="vendor")
    assert refusals.count() == 4 and set(refusals.values_list("decision", flat=True)) == {"deny"}


def test_bulk_reveal_logs_one_event_per_customer(customer, other_customer):
    values = reveal_many(
        actor=system_actor("billing_run"),
        customer_ids=[customer.pk, other_customer.pk],
        fields=["name"],
        purpose="billing",
    )
    assert values == {customer.pk: {"name": "Alice Anderson"}, other_customer.pk: {"name": "Bob Brandt"}}
    reads = AccessEvent.objects.exclude(action__in=CHANGE_ACTIONS)
    assert sorted(reads.values_list("customer_id", flat=True)) == sorted(
        [str(customer.pk), str(other_customer.pk)]
    )


def test_bulk_reveal_refuses_request_driven_purposes_and_unknown_ids(service_rep, customer):
    with pytest.raises(Denied):
        reveal_many(
            actor=staff_actor(service_rep),
            customer_ids=[customer.pk],
            fields=["phone"],
            purpose="contacting_customers",
        )
    with pytest.raises(Denied):
        reveal_many(
            actor=system_actor("billing_run"),
            customer_ids=[customer.pk, 999999],
            fields=["name"],
            purpose="billing",
        )


def test_lookup_by_blind_index_matches_however_the_value_was_typed(
    service_rep, customer, other_customer, open_request
):
    actor = staff_actor(service_rep)
    req = open_request(customer, "customer_service").pk
    assert find_customers(
        actor=actor,
        field="email",
        value="  alice@EXAMPLE.com ",
        purpose="contacting_customers",
        request_id=req,
    ) == [customer.pk]
    assert find_customers(
        actor=actor, field="phone", value="+1 507 555 0101", purpose="contacting_customers", request_id=req
    ) == [customer.pk]
    assert (
        find_customers(
            actor=actor,
            field="email",
            value="nobody@example.com",
            purpose="contacting_customers",
            request_id=req,
        )
        == []
    )
    assert last_event().action == "lookup"


def test_a_lookup_for_a_request_driven_purpose_needs_the_request_and_finds_only_its_customer(
    service_rep, billing_clerk, customer, other_customer, open_request
):
    """The request rule of reveal, for lookups: without an open request the service owns, refused (and
    logged); with one, only that request's customer can be found."""
    actor = staff_actor(service_rep)
    with pytest.raises(Denied):
        find_customers(actor=actor, field="phone", value="507-555-0101", purpose="contacting_customers")
    assert last_event().decision == "deny"
    others = open_request(customer, "billing").pk  # owned by another service
    with pytest.raises(Denied):
        find_customers(
            actor=actor,
            field="phone",
            value="507-555-0101",
            purpose="contacting_customers",
            request_id=others,
        )
    req = open_request(customer, "customer_service").pk
    assert (
        find_customers(
            actor=actor, field="phone", value="507-555-0202", purpose="contacting_customers", request_id=req
        )
        == []
    )
    # Not request-driven: no request needed.
    assert find_customers(
        actor=staff_actor(billing_clerk), field="account_number", value="0010000002", purpose="billing"
    ) == [other_customer.pk]


@pytest.mark.parametrize(
    "who, field, value, purpose",
    [
        ("marketer", "phone", "507-555-0101", "marketing"),
        ("web_editor", "email", "alice@example.com", "enhancing_website"),
        # a field without a blind index is never looked up
        ("marketer", "mailing_address", "115 Elm Street, Owatonna, MN 55060", "marketing"),
    ],
)
def test_lookup_needs_a_purpose_that_reads_the_category(request, customer, who, field, value, purpose):
    actor = staff_actor(request.getfixturevalue(who))
    with pytest.raises(Denied):
        find_customers(actor=actor, field=field, value=value, purpose=purpose)


def test_break_glass_needs_a_reason_expires_and_waits_for_review(field_tech, customer):
    actor = staff_actor(field_tech)
    with pytest.raises(Denied):
        reveal(actor=actor, customer_id=customer.pk, fields=["phone"], purpose="contacting_customers")
    with pytest.raises(ValueError):
        break_glass_open(actor=actor, customer_id=customer.pk, purpose="contacting_customers", reason="   ")
    grant = break_glass_open(
        actor=actor,
        customer_id=customer.pk,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise; must reach the occupant now",
        minutes=500,
    )
    assert grant.expires_at - grant.opened_at == timedelta(minutes=60)  # capped by the setting
    assert reveal(actor=actor, customer_id=customer.pk, fields=["phone"], purpose="contacting_customers")
    event = last_event()
    assert event.break_glass_id == str(grant.pk) and event.reason.startswith("break-glass")
    with pytest.raises(Denied):  # still only the purpose's categories
        reveal(actor=actor, customer_id=customer.pk, fields=["bank_account"], purpose="contacting_customers")
    assert BreakGlassGrant.objects.filter(reviewed_at__isnull=True).count() == 1
    BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Denied):
        reveal(actor=actor, customer_id=customer.pk, fields=["phone"], purpose="contacting_customers")


def test_break_glass_for_a_missing_customer_gives_the_same_answer(field_tech):
    with pytest.raises(Denied) as err:
        break_glass_open(
            actor=staff_actor(field_tech),
            customer_id=424242,
            purpose="contacting_customers",
            reason="Gas leak reported at the premise",
        )
    assert str(err.value) == NOT_FOUND_OR_DENIED


def test_an_inactive_staff_member_reads_nothing(billing_clerk, customer):
    billing_clerk.is_active = False
    billing_clerk.save()
    with pytest.raises(Denied):
        reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")


def test_the_privacy_officer_reviews_emergency_access(field_tech, privacy_officer, billing_clerk, customer):
    grant = break_glass_open(
        actor=staff_actor(field_tech),
        customer_id=customer.pk,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise",
    )
    assert list(break_glass_review_queue()) == [grant]
    with pytest.raises(NotAllowed):
        break_glass_review(grant_id=grant.pk, reviewer=billing_clerk, note="fine")
    with pytest.raises(ValueError):
        break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="  ")
    reviewed = break_glass_review(
        grant_id=grant.pk, reviewer=privacy_officer, note="Leak confirmed by dispatch"
    )
    assert reviewed.reviewed_by == privacy_officer and list(break_glass_review_queue()) == []


def test_break_glass_is_open_only_to_the_services_and_purposes_the_policy_file_names(
    dba, billing_clerk, field_tech, customer
):
    reason = "Gas leak reported at the premise; must reach the occupant now"
    for user, purpose in (
        (dba, "contacting_customers"),  # IT reads no customer data, even in an emergency
        (billing_clerk, "contacting_customers"),  # billing has no emergency access
        (field_tech, "legal_obligations"),  # field services, but not for this purpose
    ):
        with pytest.raises(Denied):
            break_glass_open(actor=staff_actor(user), customer_id=customer.pk, purpose=purpose, reason=reason)
        refusal = last_event()
        assert (refusal.action, refusal.decision, refusal.actor_label) == (
            "break_glass",
            "deny",
            user.username,
        )
        assert "emergency access" in refusal.reason
    assert not BreakGlassGrant.objects.exists()
    assert break_glass_open(
        actor=staff_actor(field_tech), customer_id=customer.pk, purpose="contacting_customers", reason=reason
    )


def test_a_read_through_a_request_the_reader_entered_is_marked(service_rep, customer, open_request):
    mine = request_received(
        kind="other",
        channel="phone",
        message="Call me back",
        customer_id=customer.pk,
        recorded_by=service_rep,
        verification="account_and_fact",
        verified_with="service_address",
    )
    theirs = open_request(customer, "customer_service")  # arrived by another way (opened by nobody on staff)
    for req, marked in ((mine, "yes"), (theirs, "")):
        phone_for_request(service_rep, customer, req)
        assert last_event().own_request == marked


def test_system_jobs_name_the_staff_member_who_started_them(privacy_officer, customer):
    reveal_many(
        actor=system_actor("billing_run", on_behalf_of=privacy_officer),
        customer_ids=[customer.pk],
        fields=["name"],
        purpose="billing",
    )
    assert (last_event().actor_kind, last_event().on_behalf_of) == ("system", "priya.privacy")
