"""Writes that change what the utility holds about a customer are events in the same log as the reads: a
value corrected by staff, contact details updated and marketing opted out by the customer, a consent given
and revoked, an emergency access reviewed, a staff member's services changed. They land in the tree, and
the customer sees who changed their data."""

from datetime import timedelta

from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.audit.tree import integrate
from custodian.audit.verify import verify_log
from custodian.disclosures.services import consent_revoke
from custodian.staff.services import staff_membership_set
from custodian.testing import consent_given
from custodian.vault.gate import break_glass_open, break_glass_review, staff_actor
from custodian.vault.services import (
    Submission,
    marketing_preference_set,
    personal_data_record,
)


def changes(**filters):
    return list(
        AccessEvent.objects.filter(**filters)
        .order_by("seq")
        .values_list("action", "actor_kind", "actor_label", "categories", "decision")
    )


def test_every_kind_of_change_is_an_event_in_the_tree(
    log_keys, customer, service_rep, field_tech, privacy_officer, billing_clerk
):
    cid = str(customer.pk)
    before = AccessEvent.objects.count()
    personal_data_record(
        customer=customer,
        values={"phone": "507-555-0199"},
        submission=Submission(channel="phone", notice_key="account_application", recorded_by=service_rep),
    )
    marketing_preference_set(
        customer=customer,
        opted_out=True,
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    consent = consent_given(
        customer,
        covers_until=timezone.localdate() + timedelta(days=30),
        signed_at=timezone.now(),
        method="electronic",
        text_shown="I consent.",
    )
    consent_revoke(consent=consent, how="the customer, in the portal")
    grant = break_glass_open(
        actor=staff_actor(field_tech),
        customer_id=customer.pk,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise",
    )
    break_glass_review(grant_id=grant.pk, reviewer=privacy_officer, note="justified: gas leak")
    staff_membership_set(user=billing_clerk, services=["billing", "collections"], changed_by=privacy_officer)

    assert changes(customer_id=cid, seq__gt=0, action__in=["record_values"])[-2:] == [
        ("record_values", "staff", "cora.service", "phone", "allow"),
        ("record_values", "customer", "the customer", "marketing_preference", "allow"),
    ]
    assert [c[:2] for c in changes(customer_id=cid, action__startswith="consent")] == [
        ("consent_given", "customer"),
        ("consent_revoked", "customer"),
    ]
    assert changes(customer_id=cid, action="break_glass_review") == [
        ("break_glass_review", "staff", "priya.privacy", "", "allow")
    ]
    membership = AccessEvent.objects.get(action="staff_membership", actor_label="priya.privacy")
    assert membership.reason == "bill.clerk is in: billing, collections"
    # Nothing of the values themselves is in the log.
    assert not AccessEvent.objects.filter(reason__contains="0199").exists()
    assert AccessEvent.objects.count() - before >= 7
    integrate()
    assert verify_log().ok
