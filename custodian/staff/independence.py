"""Who counts as a second person. Every two-person decision (a held staff change or API token, a held bulk
read, a review of emergency access or of an unusual-access flag, a law enforcement request's second approver,
the check of a representative's authority)
is made by someone independent of each person it concerns (the asker, the member concerned, the member whose
reads are reviewed): an approval from an account the same hand may hold is one person's approval.
`dependence` alone decides it, for every one of those decisions. `by` is not independent of a person when:

- `by` is that person;
- `by` and the person are in the same circle (`circle`): accounts joined by adding (either way: whoever added
  the person, whoever added that one, every account any of them added, and so on up and down) or by an
  approved API token acting as another member (its holder may act as that member). Whoever adds an account
  chose its e-mail address and so may hold its set-up link; whoever holds a token acting as a member is them
  to the API;
- `by`'s own support services or reactivation were asked for or approved by someone in the person's circle:
  whoever gave an approver their power is not checked by them;
- the person's own support services or reactivation were asked for by someone in `by`'s circle: whoever
  chose that the person be given power is not their check (whoever only approved it was the check, and
  stays one);
- `by` became a second person after the decision was asked or the reads began (`since`): added, reactivated
  or given a service that decides on others' access since then (`became_empowered_at`).

The rule looks both ways along the chain of adding: the privacy officer who added a colleague is not that
colleague's second person, nor is an IT administrator for the asks of an account he added.

`decider_refusal` is the whole check every one of those decisions makes, in the order its words are heard: a
decision of your own first, then (where the decision has one) not holding the service that makes it, then
`dependence`."""

from collections.abc import Sequence
from datetime import UTC, datetime

from django.db.models import Max, Q
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.policy.loader import current_policy
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import ServiceMembership, StaffChange, StaffOrigin

# Changes that give an account power: its support services, and signing in again with them.
EMPOWERING = (ChangeKind.SERVICES, ChangeKind.REACTIVATE)
# A change that lets its asker act as its subject: an API token acting as another member.
HOLDING = (ChangeKind.API_TOKEN,)
# A held change that was made (a token approved and not yet taken still lets its asker take it).
MADE = (ChangeStatus.APPROVED, ChangeStatus.USED)


def accounts_of(person) -> set[int]:
    """The ids of `person` and of every account they added from the console, and those accounts added, and
    so on (the chain down only)."""
    ids = {person.pk}
    frontier = {person.pk}
    while frontier:
        added = set(StaffOrigin.objects.filter(created_by_id__in=frontier).values_list("user_id", flat=True))
        frontier = added - ids
        ids |= frontier
    return ids


def circle(person) -> set[int]:
    """The ids of every account joined to `person` by adding, up and down (who added them, who added that
    one, whom any of them added), or by an approved API token acting as another member (held either way),
    followed to the end: the accounts one hand may hold together with `person`'s."""
    ids = {person.pk}
    frontier = {person.pk}
    while frontier:
        found: set[int] = set()
        for pair in StaffOrigin.objects.filter(
            Q(user_id__in=frontier) | Q(created_by_id__in=frontier)
        ).values_list("user_id", "created_by_id"):
            found.update(pair)
        for pair in (
            StaffChange.objects.filter(kind__in=HOLDING, status__in=MADE)
            .filter(Q(subject_id__in=frontier) | Q(asked_by_id__in=frontier))
            .values_list("subject_id", "asked_by_id")
        ):
            found.update(pair)
        frontier = found - ids
        ids |= frontier
    return ids


def _holds_token_as(holder_id: int, member_id: int) -> bool:
    return StaffChange.objects.filter(
        kind__in=HOLDING, status__in=MADE, asked_by_id=holder_id, subject_id=member_id
    ).exists()


def _decides_on_access(service: str) -> bool:
    entry = current_policy().services.get(service)
    return bool(entry and (entry.administers_staff or entry.reviews_access))


def _moments(user) -> list[tuple[datetime, str]]:
    """When and how `user` became able to decide as a second person: added (`date_joined`), let sign in
    again (a reactivation, approved or from the command line: the access log keeps both), given a support
    service that decides on others' access (its membership's `granted_at`)."""
    moments = [(user.date_joined, "added")]
    reactivated = StaffChange.objects.filter(
        kind=ChangeKind.REACTIVATE, status__in=MADE, subject=user
    ).aggregate(at=Max("decided_at"))["at"]
    if reactivated is not None:
        moments.append((reactivated, "let sign in again"))
    logged = AccessEvent.objects.filter(
        action=Action.STAFF_REACTIVATED, reason=f"{user.get_username()} reactivated"
    ).aggregate(at=Max("at_us"))["at"]
    if logged is not None:
        moments.append((datetime.fromtimestamp(logged / 1_000_000, tz=UTC), "let sign in again"))
    granted = ServiceMembership.objects.filter(user=user).values_list("service", "granted_at")
    power = "given power over others' access"
    moments += [(at, power) for service, at in granted if _decides_on_access(service)]
    return moments


def became_empowered_at(user) -> datetime:
    """When `user` last became able to decide as a second person (`_moments`), whichever is latest."""
    return max(at for at, _ in _moments(user))


def _related(by, person) -> str | None:
    """Why `by` is not independent of `person` (none of the `since` test), or None."""
    name, whose = by.get_username(), person.get_username()
    if by.pk == person.pk:
        return gettext("the second approver must be someone other than you")
    if by.pk in accounts_of(person):
        return f"{name} was added by {whose} (or by an account {whose} added), so is not independent of them"
    if person.pk in accounts_of(by):
        return f"{whose} was added by {name} (or by an account {name} added), so {name} is not independent"
    if _holds_token_as(by.pk, person.pk):
        return f"{name} holds an API token that acts as {whose}, so is not independent of {whose}"
    if _holds_token_as(person.pk, by.pk):
        return f"{whose} holds an API token that acts as {name}, so {name} is not independent of {whose}"
    theirs = circle(person)
    if by.pk in theirs:
        return (
            f"{name} and {whose} were added by the same account, or one of them holds an API token that acts "
            f"as an account joined to the other, so {name} is not independent of {whose}"
        )
    made = StaffChange.objects.filter(kind__in=EMPOWERING, status__in=MADE)
    if made.filter(subject_id=by.pk).filter(Q(asked_by_id__in=theirs) | Q(decided_by_id__in=theirs)).exists():
        return (
            f"{name}'s own access was asked for or approved by {whose} (or by an account joined to {whose}), "
            f"so {name} is not independent of {whose}"
        )
    if made.filter(subject_id=person.pk, asked_by_id__in=circle(by)).exists():
        return (
            f"{whose}'s own access was asked for by {name} (or by an account joined to {name}), so {name} is "
            f"not independent of {whose}"
        )
    return None


def dependence(by, *, on, since=None) -> str | None:
    """Why `by` may not decide as the second person for `on` (the people a decision concerns: the asker,
    the member concerned, the member whose reads are reviewed; None entries are skipped), or None when `by`
    is independent of each. `since`: when the decision was asked (or the reads reviewed began); an account
    added, reactivated or given power over others' access at or after it is not independent. The one rule
    for every two-person decision: call it both ways when both people decide (a second approver)."""
    for person in (p for p in on if p is not None):
        why = _related(by, person)
        if why:
            return f"{why}: someone independent of them decides"
    late = [how for at, how in _moments(by) if since is not None and at >= since]
    if late:
        return f"{by.get_username()} was {late[0]} after this was asked: someone who was here before decides"
    return None


def decider_refusal(
    by,
    *,
    on,
    since=None,
    own: str | Sequence[str],
    unfit: str | None = None,
    lead: str = "",
    both_ways: bool = False,
) -> str | None:
    """Why `by` may not make a two-person decision concerning `on` (None entries are skipped), or None. The
    words a member of staff hears, first that applies: `own` when `by` is one of `on` (one wording for all,
    or one for each person of `on` in its order, already translated: a decision of your own is refused in the
    page's language); `unfit`, the caller's words when `by` may not make this decision at all (no service
    that makes it, an account not active), or None; then `dependence` (led by `lead` when given), also the
    other way round when `both_ways` (a second approver decides together with the first)."""
    on = list(on)
    people = [p for p in on if p is not None]
    if not people:
        return None  # concerns nobody's own acts (a flag on a customer's reads): nobody to be independent of
    wordings = [own] * len(on) if isinstance(own, str) else list(own)
    for person, words in zip(on, wordings, strict=True):
        if person is not None and person.pk == by.pk:
            return words
    if unfit:
        return unfit
    why = dependence(by, on=people, since=since)
    if why is None and both_ways:
        why = next((w for w in (dependence(p, on=(by,)) for p in people) if w), None)
    if why and lead:
        return f"{lead}: {why}"
    return why
