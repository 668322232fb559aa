"""The privacy officer's review of an emergency access covers every read made under it: recording the review
ends the access at once if it is still open, and a grant with a read logged under it after its review waits
for a review again, until one covers that read too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.vault.gate import (
    Denied,
    break_glass_open,
    break_glass_review,
    break_glass_review_queue,
    emergency_purposes_open,
    reveal,
    staff_actor,
)
from custodian.vault.models import BreakGlassGrant

REASON = "Outage at the premise; the occupant must be reached now"


def opened(who, customer):
    return break_glass_open(
        actor=staff_actor(who), customer_id=customer.pk, purpose="resolving_problems", reason=REASON
    )


def read(who, customer):
    return reveal(
        actor=staff_actor(who), customer_id=customer.pk, fields=["name"], purpose="resolving_problems"
    )


def test_recording_the_review_of_an_open_emergency_access_ends_it(service_rep, privacy_officer, customer):
    grant = opened(service_rep, customer)
    assert read(service_rep, customer)
    reviewed = break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="Outage confirmed")
    with pytest.raises(Denied):
        read(service_rep, customer)
    assert reviewed.ended_by_review and reviewed.expires_at == reviewed.reviewed_at
    assert emergency_purposes_open(fetched_by=staff_actor(service_rep), customer_id=customer.pk) == []
    assert break_glass_review_queue() == []
    review = AccessEvent.objects.filter(action="break_glass_review").get()
    assert review.reason.endswith("which the review ended")


def test_a_review_after_the_access_ended_ends_nothing(service_rep, privacy_officer, customer):
    grant = opened(service_rep, customer)
    ended = timezone.now() - timedelta(seconds=1)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=ended)
    reviewed = break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="Outage confirmed")
    assert not reviewed.ended_by_review and reviewed.expires_at == ended
    with pytest.raises(ValueError, match="already reviewed"):
        break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="Again")


def test_a_read_under_a_grant_after_its_review_puts_it_back_in_the_queue(
    service_rep, privacy_officer, customer
):
    """A grant reviewed while it stayed open (as before reviews ended them; or a read under way as the review
    ended it): the read logged after the review is one nobody reviewed, so the grant waits again."""
    grant = opened(service_rep, customer)
    read(service_rep, customer)
    reviewed_at = timezone.now()
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        reviewed_at=reviewed_at, reviewed_by=privacy_officer, review_note="Outage confirmed"
    )
    assert break_glass_review_queue() == []  # the read before the review was reviewed

    read(service_rep, customer)
    [again] = break_glass_review_queue()
    assert again.pk == grant.pk and again.read_after_review
    reviewed = break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="Late read explained")
    assert reviewed.reviewed_at > reviewed_at and reviewed.ended_by_review
    assert break_glass_review_queue() == []


def test_the_queue_is_read_however_many_grants_were_reviewed_while_open(
    service_rep, privacy_officer, customer
):
    """Every grant a review ended stays a candidate for a late read: years of them are asked about in parts,
    never as one condition too deep for the database, and a late read under the newest is still found."""
    grant = opened(service_rep, customer)
    read(service_rep, customer)
    reviewed_at = timezone.now()
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        reviewed_at=reviewed_at, reviewed_by=privacy_officer, review_note="Checked"
    )
    earlier = BreakGlassGrant.objects.get(pk=grant.pk)
    BreakGlassGrant.objects.bulk_create(
        [
            BreakGlassGrant(
                user=earlier.user,
                customer=earlier.customer,
                purpose=earlier.purpose,
                reason=REASON,
                opened_at=earlier.opened_at - timedelta(days=n),
                expires_at=earlier.opened_at - timedelta(days=n) + timedelta(minutes=30),
                reviewed_at=earlier.opened_at - timedelta(days=n) + timedelta(minutes=30),
                reviewed_by=privacy_officer,
                review_note="Checked",
            )
            for n in range(1, 1501)
        ]
    )
    assert break_glass_review_queue() == []
    # A read under the newest grant, logged after its review (a review that left it open, as before reviews
    # ended them).
    read(service_rep, customer)
    [again] = break_glass_review_queue()
    assert again.pk == grant.pk and again.read_after_review
