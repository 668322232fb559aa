"""A held bulk read and an emergency access are decided by someone independent of the member whose reads they
are: not that member, and not a privacy officer that member added or empowered. Carl works customer service
and marketing and is also one of IT's administrators (a small utility); he adds Paula as a second privacy
officer, which the privacy officer approves. Carl's held audience and his emergency access are then not
Paula's to decide: the privacy officer's."""

import pytest

from conftest import PAPER_FORM
from custodian.console.marketing import AudienceFilter, audience_build
from custodian.staff.services import staff_member_create
from custodian.testing import colleague_added
from custodian.testing.town import town_enrol
from custodian.vault.gate import Held, break_glass_open, break_glass_review, staff_actor
from custodian.vault.models import ReadHold
from custodian.vault.services import NotAllowed, read_hold_decide


@pytest.fixture
def carl(db):
    """A customer-service representative and marketer who also administers staff (IT)."""
    return staff_member_create(
        username="carl.cs",
        password=None,
        full_name="Carl Carlsen",
        services=["customer_service", "marketing", "it_database"],
        email="carl.cs@staff.example.org",
    )


@pytest.fixture
def paula(carl, privacy_officer):
    """A second privacy officer Carl added; the privacy officer approved her."""
    return colleague_added(carl, "paula.privacy", ["privacy_officer"], approved_by=privacy_officer)


def test_a_held_read_is_never_decided_by_an_officer_the_reader_added(carl, paula, privacy_officer):
    town_enrol(PAPER_FORM)
    with pytest.raises(Held) as held:
        audience_build(actor=staff_actor(carl), f=AudienceFilter())
    with pytest.raises(NotAllowed, match="paula.privacy was added by carl.cs"):
        read_hold_decide(hold_id=held.value.hold_id, decided_by=paula, approve=True, note="Looks fine to me")
    assert ReadHold.objects.get(pk=held.value.hold_id).status == ReadHold.Status.PENDING
    hold = read_hold_decide(
        hold_id=held.value.hold_id, decided_by=privacy_officer, approve=False, note="Ask for a request"
    )
    assert hold.status == ReadHold.Status.REFUSED


def test_an_emergency_access_is_never_reviewed_by_an_officer_the_member_added(
    carl, paula, privacy_officer, customer
):
    grant = break_glass_open(
        actor=staff_actor(carl),
        customer_id=customer.pk,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise; must reach the occupant now",
    )
    with pytest.raises(NotAllowed, match="paula.privacy was added by carl.cs"):
        break_glass_review(grant_id=grant.pk, reviewer=paula, note="Fine")
    reviewed = break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="Leak confirmed")
    assert reviewed.reviewed_by == privacy_officer
