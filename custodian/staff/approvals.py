"""Staff changes held for a second person: granting a support service whose purposes read customer data or
that decides on others' access (administers staff, reviews access), to a new member or an existing one;
resetting another member's password or second factor; issuing an API token that acts as another member; and
letting a deactivated member sign in again while they are in such a service. The administrator who asks
does nothing by asking; another administrator, independent of the asker and of the member concerned
(custodian.staff.independence: not them, not an account joined to either by adding, up or down, or by an
API token, not one either empowered, not one added or given power after the ask), approves or declines it
within APPROVAL_DAYS. Every ask, approval and decline is an event in the access log, and the member
concerned and the privacy officer are told at the ask, not only after (an e-mail through the outbox,
`signals.staff_notice`, `services.staff_tell`; a grant of power over others' access says so in its
subject); the pending changes are on the console's approvals page.

Credentials never reach the asker: a new member and a member whose password reset is approved get a one-time
set-up link by e-mail, with which they choose their own password (`setup_link_use`). An approved API token
for another member is taken once by the administrator who asked for it (`staff_change_use`): a token for
someone else is what an integration running on their behalf needs, and the approval is that case's check.

Changes that widen nothing apply at once (custodian.staff.services): services whose purposes read no
customer data and that decide on nobody's access (web), removing services, who leads a service;
`manage.py staff` on the server's command line is the operator's and is not held.

One module (over 400 lines) on purpose: every change held for a second person, from its ask to its approval,
decline and use, is kept together, so the two-person rule is read and reviewed in one place."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.dates import moment_words
from custodian.policy.loader import current_policy
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.independence import decider_refusal
from custodian.staff.models import SetupLink, StaffChange
from custodian.staff.selectors import (
    administers_staff,
    services_kept,
    services_of,
    staff_users,
)
from custodian.staff.services import (
    StaffAdminError,
    UnknownService,
    new_member_check,
    sessions_end,
    staff_decision_append,
    staff_member_create,
    staff_member_reactivate,
    staff_membership_set,
    staff_second_factor_reset,
    staff_tell,
)
from custodian.staff.signals import staff_notice

APPROVAL_DAYS = 3
SETUP_LINK_HOURS = 48


def reads_customer_data(service: str) -> bool:
    """Whether a support service acts for a purpose that may reveal a category of customer data."""
    policy = current_policy()
    return any(policy.purposes[p].categories for p in policy.services[service].purposes)


def decides_on_access(service: str) -> bool:
    """Whether a support service gives power over others' access: administering staff accounts (approving
    held staff changes) or reviewing access (deciding held reads, reviewing emergency access)."""
    entry = current_policy().services[service]
    return bool(entry.administers_staff or entry.reviews_access)


def held_service(service: str) -> bool:
    """Whether granting this support service waits for a second person's approval."""
    return reads_customer_data(service) or decides_on_access(service)


def widening(*, user, services) -> list[str]:
    """The services of `services` that read customer data or decide on others' access and that `user`
    (None: a new member) is not in."""
    held = services_of(user) if user is not None else frozenset()
    return sorted(s for s in services if s not in held and held_service(s))


def _known(services) -> None:
    unknown = [s for s in services if s not in current_policy().services]
    if unknown:
        raise UnknownService(f"not support services in the policy file: {', '.join(unknown)}")


def _power_granted(change: StaffChange) -> list[str]:
    """The services of a change that would give its member power over others' access (administrator,
    privacy officer), which the privacy officer must hear of when it is asked."""
    if change.kind == ChangeKind.SERVICES:
        services = change.detail.get("services", [])
    elif change.kind == ChangeKind.REACTIVATE:
        services = services_kept(change.subject)
    else:
        return []
    policy = current_policy()
    return sorted(s for s in services if s in policy.services and decides_on_access(s))


def _tell(change: StaffChange, what: str, *also) -> None:
    """The member concerned and every privacy officer (and `also`: the asker, on a decision) are told, at the
    ask as at the decision."""
    context = {
        "change": change,
        "what": what,
        "kind": change.get_kind_display(),
        "power": ", ".join(_power_granted(change)),
    }
    staff_tell(change.subject, "staff_change", context, *also)


def _described(change: StaffChange) -> str:
    detail = ""
    if change.kind == ChangeKind.SERVICES:
        detail = f" ({', '.join(change.detail.get('services', [])) or 'no service'})"
    return (
        f"change {change.pk}: {change.get_kind_display()}{detail} for {change.subject.get_username()}, "
        f"asked by {change.asked_by.get_username()}"
    )


def _not_waiting_already(*, kind: str, subject, detail: dict) -> None:
    """The same change asked again while one waits would be a second approval to give and a second e-mail to
    the member and the privacy officer for one thing: it is refused, naming the one that waits. The member's
    row is locked first, so two asks sent at once are answered one after the other."""
    get_user_model().objects.select_for_update().filter(pk=subject.pk).first()
    waiting = (
        StaffChange.objects.select_related("asked_by")
        .filter(kind=kind, subject=subject, status=ChangeStatus.PENDING, expires_at__gt=timezone.now())
        .order_by("asked_at")
    )
    for change in waiting:
        if change.detail == detail:
            raise StaffAdminError(
                f"{change.get_kind_display()} for {subject.get_username()} is already waiting for approval "
                f"since {moment_words(change.asked_at)} (change {change.pk}, asked by "
                f"{change.asked_by.get_username()}): nothing asked again"
            )


@transaction.atomic
def staff_change_ask(*, kind: str, subject, asked_by, detail: dict | None = None) -> StaffChange:
    """Hold a change for approval by another administrator; it does nothing until then."""
    if not staff_users().filter(pk=subject.pk).exists():
        raise StaffAdminError("not a member of staff")
    if kind == ChangeKind.PASSWORD:
        if subject.pk == asked_by.pk:
            raise StaffAdminError("your own password is not reset here")
        if not subject.email:
            raise StaffAdminError(
                f"{subject.get_username()} has no e-mail address on file for the set-up link"
            )
    if kind == ChangeKind.API_TOKEN and subject.pk == asked_by.pk:
        raise StaffAdminError("a token of your own is issued at once, with your password")
    _not_waiting_already(kind=kind, subject=subject, detail=detail or {})
    change = StaffChange.objects.create(
        kind=kind,
        subject=subject,
        asked_by=asked_by,
        detail=detail or {},
        expires_at=timezone.now() + timedelta(days=APPROVAL_DAYS),
    )
    staff_decision_append(Action.STAFF_CHANGE_ASKED, by=asked_by, reason=_described(change))
    _tell(change, "asked")
    return change


@transaction.atomic
def staff_membership_change(*, user, services: list[str], leads: list[str] | None = None, changed_by):
    """A member's support services as asked on the console: set at once when the change grants no service
    that reads customer data or decides on others' access; otherwise held for approval (returned)."""
    _known(services)
    if leads is not None and set(leads) - set(services):
        raise UnknownService("a member leads only a service they belong to")
    if changed_by.pk == user.pk:
        raise StaffAdminError("you can't change your own support services: ask another administrator")
    if not widening(user=user, services=services):
        staff_membership_set(user=user, services=services, leads=leads, changed_by=changed_by)
        return None
    detail = {"services": sorted(services), "leads": None if leads is None else sorted(leads)}
    return staff_change_ask(kind=ChangeKind.SERVICES, subject=user, asked_by=changed_by, detail=detail)


@transaction.atomic
def staff_member_reactivation_ask(*, user, asked_by) -> StaffChange | None:
    """A deactivated member signs in again: at once when none of their support services reads customer data
    or decides on others' access; otherwise held for approval (returned), since their services come back with
    them. A former member's account is the one most likely to be in other hands."""
    if user.is_active:
        return None
    if user.pk == asked_by.pk:
        raise StaffAdminError("you can't reactivate your own account")
    if not any(held_service(s) for s in services_kept(user) if s in current_policy().services):
        staff_member_reactivate(user=user, changed_by=asked_by)
        return None
    return staff_change_ask(kind=ChangeKind.REACTIVATE, subject=user, asked_by=asked_by)


@transaction.atomic
def staff_member_invite(
    *, username: str, full_name: str, email: str, services: list[str], changed_by
) -> tuple[object, StaffChange | None]:
    """Add a member of staff from the console: the account is made in the services that read no customer
    data and decide on nobody's access, the others (IT and the privacy officer's among them) are held for
    approval (the change is returned), and the member gets a set-up link by e-mail to choose their password;
    nobody else learns it. Who added them is kept (`StaffOrigin`): they never approve that adder's changes."""
    username = new_member_check(username=username, full_name=full_name, services=services)
    if "@" not in (email or ""):
        raise StaffAdminError("give the member of staff's work e-mail address: their set-up link goes there")
    _known(services)
    held = widening(user=None, services=services)
    user = staff_member_create(
        username=username,
        password=None,
        full_name=full_name.strip(),
        email=email.strip(),
        services=[s for s in services if s not in held],
        changed_by=changed_by,
    )
    staff_decision_append(Action.STAFF_ADDED, by=changed_by, reason=f"{username} added; set-up link sent")
    _setup_link_send(user)
    change = None
    if held:
        change = staff_change_ask(
            kind=ChangeKind.SERVICES,
            subject=user,
            asked_by=changed_by,
            detail={"services": sorted(services), "leads": []},
        )
    return user, change


def _approver_check(change: StaffChange, by) -> None:
    own = (
        gettext("the second approver must be someone other than you: another administrator approves it"),
        gettext(
            "the second approver must be someone other than you: a change about you is approved by another "
            "administrator"
        ),
    )
    unfit = "only an administrator of staff accounts decides on a staff change"
    why = decider_refusal(
        by,
        on=(change.asked_by, change.subject),
        since=change.asked_at,
        own=own,
        unfit=None if administers_staff(services_of(by)) else unfit,
    )
    if why:
        raise StaffAdminError(why)


def _pending(change: StaffChange) -> StaffChange:
    change = StaffChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise StaffAdminError(f"change {change.pk} is already {change.get_status_display()}")
    if change.expires_at <= timezone.now():
        raise StaffAdminError(f"change {change.pk} has expired: ask again")
    return change


@transaction.atomic
def staff_change_approve(*, change: StaffChange, by) -> StaffChange:
    """Approve a held change and make it: by an administrator independent of its asker and its subject."""
    change = _pending(change)
    _approver_check(change, by)
    change.status, change.decided_by, change.decided_at = ChangeStatus.APPROVED, by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    staff_decision_append(Action.STAFF_CHANGE_APPROVED, by=by, reason=_described(change))
    subject = change.subject
    if change.kind == ChangeKind.SERVICES:
        staff_membership_set(
            user=subject, services=change.detail["services"], leads=change.detail.get("leads"), changed_by=by
        )
    elif change.kind == ChangeKind.SECOND_FACTOR:
        staff_second_factor_reset(user=subject, changed_by=by)
    elif change.kind == ChangeKind.PASSWORD:
        _password_reset_by_link(subject, by)
    elif change.kind == ChangeKind.REACTIVATE:
        staff_member_reactivate(user=subject, changed_by=by)
    _tell(change, "approved", change.asked_by)
    return change


@transaction.atomic
def staff_change_decline(*, change: StaffChange, by) -> StaffChange:
    """Decline a held change (an administrator; the asker withdraws their own this way): nothing is made."""
    if not administers_staff(services_of(by)):
        raise StaffAdminError("only an administrator of staff accounts decides on a staff change")
    change = _pending(change)
    change.status, change.decided_by, change.decided_at = ChangeStatus.DECLINED, by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    staff_decision_append(Action.STAFF_CHANGE_DECLINED, by=by, reason=_described(change))
    _tell(change, "declined", change.asked_by)
    return change


@transaction.atomic
def staff_change_use(*, kind: str, subject, by) -> StaffChange | None:
    """The approved change of `kind` that `by` asked for `subject`, marked used (it works once); None when
    there is none approved and unexpired."""
    change = (
        StaffChange.objects.select_for_update()
        .filter(
            kind=kind,
            subject=subject,
            asked_by=by,
            status=ChangeStatus.APPROVED,
            expires_at__gt=timezone.now(),
        )
        .order_by("decided_at")
        .first()
    )
    if change is not None:
        change.status = ChangeStatus.USED
        change.save(update_fields=["status"])
    return change


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _setup_link_send(user) -> None:
    """A one-time set-up link, e-mailed to the member alone; earlier unused links of theirs stop working."""
    now = timezone.now()
    SetupLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    raw = secrets.token_urlsafe(32)
    SetupLink.objects.create(
        user=user, token_hash=_hash(raw), expires_at=now + timedelta(hours=SETUP_LINK_HOURS)
    )
    staff_notice.send(
        sender=SetupLink,
        to=[user],
        template="staff_setup_link",
        context={"member": user, "token": raw, "hours": SETUP_LINK_HOURS},
    )


def _password_reset_by_link(user, by) -> None:
    """The old password stops working and every session ends; the member chooses a new one from the link."""
    _password_replace(
        user,
        None,
        action=Action.STAFF_PASSWORD_RESET,
        by=by,
        reason=f"{user.get_username()}: password reset, {{ended}} sessions ended; set-up link sent to them",
    )
    _setup_link_send(user)


def _password_replace(user, password: str | None, *, action: Action, by, reason: str) -> None:
    """The member's password replaced (None: none until they use a set-up link) and every session of theirs
    ended, in the access log (`reason` names the sessions ended as `{ended}`)."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions_end(user=user)
    staff_decision_append(action, by=by, reason=reason.format(ended=ended))


def setup_link_for(raw: str) -> SetupLink | None:
    """The unused, unexpired set-up link of this secret, for an active member of staff; None otherwise."""
    return (
        SetupLink.objects.select_related("user")
        .filter(
            token_hash=_hash(raw or ""),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
            user__portal_account__isnull=True,
        )
        .first()
    )


@transaction.atomic
def setup_link_use(*, raw: str, password: str):
    """The member's own new password from their set-up link (once); returns the member, or None when the
    link is not one that works."""
    link = setup_link_for(raw)
    if link is None:
        return None
    link = SetupLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user = link.user
    _password_replace(
        user,
        password,
        action=Action.STAFF_PASSWORD_SET,
        by=user,
        reason=f"{user.get_username()} chose a password from their set-up link, {{ended}} sessions ended",
    )
    return user
