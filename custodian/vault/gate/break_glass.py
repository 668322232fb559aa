"""Break-glass: emergency access for one staff member to one customer for one purpose, with a reason, for a
time, where the policy file opens it; the privacy officer's review of each one (which ends it, if it is still
open), and the queue of those waiting for one."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.staff.independence import decider_refusal
from custodian.staff.selectors import reviews_access, services_of
from custodian.staff.services import staff_decision_append
from custodian.vault.gate.actors import Actor
from custodian.vault.gate.decision import as_customer_id, deny, event_record, grants_open
from custodian.vault.gate.refusals import Refusal
from custodian.vault.models import BreakGlassGrant
from custodian.vault.services import NotAllowed


def break_glass_open(
    *, actor: Actor, customer_id, purpose: str, reason: str, minutes: int | None = None, client_ip: str = ""
) -> BreakGlassGrant:
    """Emergency access for one staff member to one customer for one purpose, with a reason, for a time.

    Only the support services the policy file names, for the purposes it names; every refusal is logged
    (written before the grant's own transaction, so it stays in the log).
    """
    policy = current_policy()
    limit = settings.CUSTODIAN_BREAK_GLASS_MINUTES
    minutes = min(minutes or limit, limit)
    cid = as_customer_id(customer_id)
    event = {
        "action": Action.BREAK_GLASS,
        "purpose": purpose,
        "customer_id": cid or "",
        "categories": [],
        "request_id": None,
        "client_ip": client_ip,
    }
    if actor.kind != "staff" or actor.user is None:
        raise deny(actor, Refusal("emergency_staff_only"), **event)
    if purpose not in policy.purposes:
        raise deny(actor, Refusal("unknown_purpose", {"purpose": purpose}), **event)
    if purpose not in policy.emergency_purposes(actor.services):
        raise deny(actor, Refusal("no_emergency_access", {"purpose": purpose}), **event)
    if len((reason or "").strip()) < 10:
        raise ValueError("break-glass needs a reason of at least 10 characters")
    if cid is None or not Customer.objects.filter(pk=cid).exists():
        raise deny(actor, Refusal("no_such_customer"), **event)
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor.user,
            customer_id=cid,
            purpose=purpose,
            reason=reason.strip(),
            opened_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        append_events([event_record(actor, decision="allow", reason=grant.reason, bg=str(grant.pk), **event)])
    return grant


def break_glass_refused(
    *, actor: Actor, customer_id, purpose: str, why: str, client_ip: str = "", **facts
) -> None:
    """Log an emergency access refused before the gate was asked (re-authentication failed, the form was
    incomplete): a failed attempt is as much the privacy officer's business as a refused one. `why`: the
    kind of refusal (`refusals.KINDS`), with its facts."""
    policy = current_policy()
    deny(
        actor,
        Refusal(why, facts),
        action=Action.BREAK_GLASS,
        purpose=purpose if purpose in policy.purposes else "",
        customer_id=as_customer_id(customer_id) or "",
        categories=[],
        request_id=None,
        client_ip=client_ip,
    )


def break_glass_review_queue() -> list[BreakGlassGrant]:
    """Emergency accesses waiting for the privacy officer's review, oldest first: those not yet reviewed, and
    those reviewed with a read logged under them after the review (one that was under way as the review
    ended the grant, or a grant reviewed while it was still open before the review ended it), which the
    review did not see. Each has `read_after_review`: whether it is back for that reason."""

    waiting = list(
        BreakGlassGrant.objects.filter(reviewed_at__isnull=True).select_related("user", "reviewed_by")
    )
    # A read under a grant is decided while it is open, so only a grant reviewed before it expired (every one
    # a review ended) can have a read logged after its review.
    reviewed_open = BreakGlassGrant.objects.filter(
        reviewed_at__isnull=False, expires_at__gte=F("reviewed_at")
    ).select_related("user", "reviewed_by")
    again = _read_after_review(list(reviewed_open))
    for grant in waiting:
        grant.read_after_review = False
    for grant in again:
        grant.read_after_review = True
    return sorted([*waiting, *again], key=lambda g: (g.opened_at, g.pk))


# Grants asked about per query: every grant ever reviewed while open stays a candidate, and one condition per
# grant in a single query would outgrow the database's limit on an expression's depth (SQLite's is 1,000).
_GRANTS_PER_QUERY = 200


def _read_after_review(grants: list[BreakGlassGrant]) -> list[BreakGlassGrant]:
    """Those of the reviewed `grants` with an event logged under them after their review: a query for each
    few hundred grants, each grant's part of it by its customer's events (the access log's index on
    customer)."""
    read = set()
    for start in range(0, len(grants), _GRANTS_PER_QUERY):
        after = Q()
        for g in grants[start : start + _GRANTS_PER_QUERY]:
            after |= Q(
                customer_id=str(g.customer_id),
                break_glass_id=str(g.pk),
                at_us__gt=int(g.reviewed_at.timestamp() * 1_000_000),
            )
        read |= set(AccessEvent.objects.filter(after).values_list("break_glass_id", flat=True).distinct())
    return [g for g in grants if str(g.pk) in read]


@transaction.atomic
def break_glass_review(*, grant_id: int, reviewer, note: str):
    """The privacy officer's review of an emergency access: who, when, and the finding. Recording it ends the
    access at once if it is still open, so the review covers every read made under it; a grant with a read
    logged after its review is reviewed again (the earlier review stays in the access log). Never the
    member's own, nor by someone not independent of them, nor by one who became a reviewer after it was
    opened (custodian.staff.independence)."""

    if not reviews_access(services_of(reviewer)):
        raise NotAllowed("only the staff who review access (the privacy officer) review emergency access")
    if not note.strip():
        raise ValueError("a review needs a finding")
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant_id)
    if grant.reviewed_at is not None and not _read_after_review([grant]):
        raise ValueError("this emergency access was already reviewed")
    own = gettext("the reviewer must be someone other than you: nobody reviews their own emergency access")
    why = decider_refusal(reviewer, on=(grant.user,), since=grant.opened_at, own=own)
    if why:
        raise NotAllowed(why)
    now = timezone.now()
    ended = grant.expires_at > now
    grant.reviewed_at, grant.reviewed_by, grant.review_note = now, reviewer, note.strip()
    grant.expires_at = min(grant.expires_at, now)
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "expires_at"])

    staff_decision_append(
        Action.BREAK_GLASS_REVIEW,
        by=reviewer,
        customer_ids=[grant.customer_id],
        reason=f"reviewed emergency access {grant.pk} of {grant.user.get_username()}"
        + (", which the review ended" if ended else ""),
    )
    grant.ended_by_review = ended
    return grant


def emergency_purposes_open(*, fetched_by: Actor, customer_id: int) -> list[str]:
    """The purposes of `fetched_by`'s emergency accesses to the customer still open (the gate's own test)."""
    if fetched_by.kind != "staff":
        return []
    return list(grants_open(fetched_by, customer_id).values_list("purpose", flat=True))
