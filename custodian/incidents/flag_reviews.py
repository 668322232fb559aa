"""Unusual-access flags the privacy officer has looked at: marked reviewed with a note (why the reads were
explained), each review an event in the access log. A flag stays marked while the reads that raise it are
the ones reviewed; more of them after the review raise it again."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.incidents.models import FlagReview
from custodian.incidents.services import IncidentError, _officer
from custodian.staff.independence import decider_refusal
from custodian.staff.services import staff_decision_append

NOTE_LIMIT = 2000


def _window_start(hours: int) -> int:
    return int((timezone.now() - timedelta(hours=hours)).timestamp() * 1_000_000)


def _reads_of(flag, hours: int):
    """The flag's actor's events of the window it was raised over."""
    return AccessEvent.objects.filter(
        actor_kind=flag.actor_kind, actor_id=flag.actor_id, at_us__gte=_window_start(hours)
    )


def members_reviewed(flag, *, hours: int = 24) -> list:
    """The members of staff whose reads a flag is on: the member for a staff flag; for a system job's, each
    member who answers for the job's reads of the window (named on its events, `on_behalf_of`)."""
    users = get_user_model().objects
    if flag.actor_kind == "staff":
        return list(users.filter(pk=int(flag.actor_id))) if flag.actor_id.isdigit() else []
    if flag.actor_kind == "system":
        names = set(_reads_of(flag, hours).exclude(on_behalf_of="").values_list("on_behalf_of", flat=True))
        return list(users.filter(username__in=names).order_by("username"))
    return []


def reads_began(flag, *, hours: int = 24):
    """When the reads that raise the flag began (its actor's first event of the window), or None."""
    first = _reads_of(flag, hours).aggregate(at=Min("at_us"))["at"]
    return None if first is None else datetime.fromtimestamp(first / 1_000_000, tz=UTC)


@transaction.atomic
def flag_review(*, flag, by, note: str) -> FlagReview:
    """`by` (the privacy officer) marks `flag` (an `incidents.selectors.Flag`) reviewed, saying why. A flag
    on a member of staff's reads, or on a system job's that a member answers for, is never reviewed by that
    member, nor by someone not independent of them, nor by a privacy officer who became one after the reads
    began (custodian.staff.independence): a privacy officer's own flags go to another."""
    _officer(by)
    members = members_reviewed(flag)
    own = gettext(
        "the reviewer must be someone other than you: a flag on your own reads is reviewed by another "
        "privacy officer"
    )
    why = decider_refusal(by, on=members, since=reads_began(flag) if members else None, own=own)
    if why:
        raise IncidentError(why)
    note = (note or "").strip()
    if not note:
        raise IncidentError("say what the review found (a sentence)")
    if len(note) > NOTE_LIMIT:
        raise IncidentError(f"a review's note is at most {NOTE_LIMIT} characters")
    review = FlagReview.objects.create(
        actor_kind=flag.actor_kind,
        actor_id=flag.actor_id,
        kind=flag.kind,
        count=flag.count,
        reviewed_at=timezone.now(),
        reviewed_by=by,
        note=note,
    )
    staff_decision_append(
        Action.FLAG_REVIEWED,
        by=by,
        reason=f"{flag.actor_kind} {flag.actor_label} {flag.kind} ({flag.count}): {note}"[:500],
    )
    return review


def reviews_of(flags, *, hours: int = 24) -> dict[tuple[str, str, str], FlagReview]:
    """The latest review of each flag that still stands: made within the flags' window, when the flag
    counted at least what it counts now (more reads since raise it again)."""
    since = timezone.now() - timedelta(hours=hours)
    found = {}
    for f in flags:
        review = (
            FlagReview.objects.filter(
                actor_kind=f.actor_kind,
                actor_id=f.actor_id,
                kind=f.kind,
                count__gte=f.count,
                reviewed_at__gte=since,
            )
            .select_related("reviewed_by")
            .order_by("-reviewed_at")
            .first()
        )
        if review is not None:
            found[(f.actor_kind, f.actor_id, f.kind)] = review
    return found
