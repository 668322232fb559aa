"""Who counts as a second person. Every two-person decision (a held staff change, a held bulk read, a review
of emergency access or of an unusual-access flag, a law enforcement request's second approver) is made by
someone independent of the person it concerns: an approval from an account that person controls is their own
approval. `by` is not independent of a person when:

- `by` is that person;
- `by` was added from the console by that person, or by an account that person added, and so on
  (`StaffOrigin`): whoever adds an account chose its e-mail address and so may hold its set-up link;
- `by`'s own support services (on being added, or later) or reactivation were asked for or approved by that
  person or by an account they added: whoever gave an approver their power is not checked by them;
- `by`'s account was added after the decision was asked (`since`): an account made within the hold is not
  the second person the hold waits for.

The rule looks at who made and who empowered the approver, never at whom the approver made: the privacy
officer who added a colleague of IT still approves that colleague's changes."""

from django.db.models import Q

from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import StaffChange, StaffOrigin

# Changes that give an account power: its support services, and signing in again with them.
EMPOWERING = (ChangeKind.SERVICES, ChangeKind.REACTIVATE)


def accounts_of(person) -> set[int]:
    """The ids of `person` and of every account they added from the console, and those accounts added, and
    so on."""
    ids = {person.pk}
    frontier = {person.pk}
    while frontier:
        added = set(StaffOrigin.objects.filter(created_by_id__in=frontier).values_list("user_id", flat=True))
        frontier = added - ids
        ids |= frontier
    return ids


def dependence(by, *, on, since=None) -> str | None:
    """Why `by` may not decide as the second person for `on` (the people a decision concerns: the asker,
    the member concerned; None entries are skipped), or None when `by` is independent of each. `since`: when
    the decision was asked; an account added at or after it is not independent."""
    name = by.get_username()
    for person in (p for p in on if p is not None):
        theirs = accounts_of(person)
        whose = person.get_username()
        if by.pk == person.pk:
            return f"{whose} can't be their own second person: another administrator decides"
        if by.pk in theirs:
            return (
                f"{name} was added by {whose} (or by an account {whose} added), so is not independent of "
                f"{whose}: another administrator decides"
            )
        empowered = StaffChange.objects.filter(
            subject_id=by.pk,
            kind__in=EMPOWERING,
            status__in=(ChangeStatus.APPROVED, ChangeStatus.USED),
        ).filter(Q(asked_by_id__in=theirs) | Q(decided_by_id__in=theirs))
        if empowered.exists():
            return (
                f"{name}'s own access was asked for or approved by {whose} (or by an account {whose} added), "
                f"so {name} is not independent of {whose}: another administrator decides"
            )
    if since is not None and by.date_joined >= since:
        return f"{name} was added after this was asked: an administrator who was here before decides"
    return None
