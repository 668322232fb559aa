"""A staff member's reads of one customer at a time, without a request, past the policy file's hourly limit:
held; the privacy officer's approval lets them on while it runs (the read's own query asks whether one runs,
with the customer's sealed values), and once it has run out they are held again. Every read, let on or held,
writes one access event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PAPER_FORM
from custodian.audit.models import AccessEvent
from custodian.testing.town import LIMIT, town_enrol
from custodian.vault.gate import Held, reveal, staff_actor
from custodian.vault.models import ReadHold
from custodian.vault.services import read_hold_decide


@pytest.fixture
def town(db):
    return town_enrol(PAPER_FORM)


def name_read(member, customer):
    return reveal(actor=staff_actor(member), customer_id=customer.pk, fields=["name"], purpose="billing")


def one_more_event(before: int, customer, decision: str) -> bool:
    latest = AccessEvent.objects.latest("seq")
    return (
        AccessEvent.objects.count() == before + 1
        and latest.customer_id == str(customer.pk)
        and latest.decision == decision
    )


def test_an_approval_lets_reads_past_the_limit_on_until_it_runs_out(billing_clerk, privacy_officer, town):
    for customer in town[:LIMIT]:
        name_read(billing_clerk, customer)
    before = AccessEvent.objects.count()
    with pytest.raises(Held) as held:
        name_read(billing_clerk, town[LIMIT])
    assert one_more_event(before, town[LIMIT], "deny")

    read_hold_decide(
        hold_id=held.value.hold_id, decided_by=privacy_officer, approve=True, note="Year-end billing check"
    )
    before = AccessEvent.objects.count()
    assert name_read(billing_clerk, town[LIMIT])["name"]
    assert one_more_event(before, town[LIMIT], "allow")

    ReadHold.objects.filter(pk=held.value.hold_id).update(
        approved_until=timezone.now() - timedelta(seconds=1)
    )
    before = AccessEvent.objects.count()
    with pytest.raises(Held):
        name_read(billing_clerk, town[LIMIT + 1])
    assert one_more_event(before, town[LIMIT + 1], "deny")


def test_another_members_approval_lets_no_one_else_on(billing_clerk, service_rep, privacy_officer, town):
    """The approval is the clerk's: the service rep past the limit is still held."""
    for customer in town[:LIMIT]:
        name_read(billing_clerk, customer)
        reveal(
            actor=staff_actor(service_rep),
            customer_id=customer.pk,
            fields=["name"],
            purpose="providing_services",
        )
    with pytest.raises(Held) as held:
        name_read(billing_clerk, town[LIMIT])
    read_hold_decide(
        hold_id=held.value.hold_id, decided_by=privacy_officer, approve=True, note="Billing check"
    )
    assert name_read(billing_clerk, town[LIMIT])["name"]
    with pytest.raises(Held):
        reveal(
            actor=staff_actor(service_rep),
            customer_id=town[LIMIT].pk,
            fields=["name"],
            purpose="providing_services",
        )
