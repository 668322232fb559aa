"""Writes for staff accounts and their support-service memberships: adding a member of staff, changing their
services, deactivating them (offboarding: their sessions and API tokens end in the same transaction) and
resetting their second factor. Every change is an event in the access log, naming who made it."""

import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.policy.loader import current_policy
from custodian.staff.mfa import recovery_codes_issue
from custodian.staff.models import ServiceMembership, StaffOrigin
from custodian.staff.selectors import services_kept, services_of, staff_users
from custodian.staff.signals import staff_notice, staff_offboarded


class UnknownService(ValueError):
    pass


class StaffAdminError(ValueError):
    """A change to a staff account that can't be made as asked; the message says why."""


USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
COMMAND_LINE = {"actor_kind": "system", "actor_id": "staff_admin", "actor_label": "staff administration"}


@transaction.atomic
def staff_member_create(
    *,
    username: str,
    password: str | None,
    full_name: str,
    services: list[str],
    leads: tuple[str, ...] = (),
    email: str = "",
    changed_by=None,
):
    """Create a staff user in the given support services (keys from the policy file), leading those of
    `leads` (each one of `services`); `password=None` leaves them none (a set-up link gives it). The member
    of staff who adds them (`changed_by`) is kept as their origin."""
    policy = current_policy()
    unknown = [s for s in services if s not in policy.services]
    if unknown:
        raise UnknownService(f"not support services in the policy file: {', '.join(unknown)}")
    first, _, last = full_name.partition(" ")
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first,
        last_name=last,
        is_staff=False,
    )
    if set(leads) - set(services):
        raise UnknownService("a member leads only a service they belong to")
    ServiceMembership.objects.bulk_create(
        [ServiceMembership(user=user, service=s, lead=s in leads) for s in services]
    )
    if changed_by is not None:
        # Who added them: never their second person (custodian.staff.independence).
        StaffOrigin.objects.create(user=user, created_by=changed_by)
    _log_membership(user, services, changed_by, leads)
    return user


@transaction.atomic
def staff_membership_set(
    *, user, services: list[str], leads: list[str] | None = None, changed_by=None
) -> None:
    """Put a staff member in exactly these support services (what they may read follows from them), leading
    exactly those of `leads` (a lead gives the service's requests to colleagues); `leads=None` keeps whom
    they lead among the services they keep. Nobody changes their own: an administrator whose service reads
    no customer data could otherwise put themselves in one that does."""
    if changed_by is not None and changed_by.pk == user.pk:
        raise StaffAdminError("you can't change your own support services: ask another administrator")
    policy = current_policy()
    unknown = [s for s in services if s not in policy.services]
    if unknown:
        raise UnknownService(f"not support services in the policy file: {', '.join(unknown)}")
    if leads is not None and set(leads) - set(services):
        raise UnknownService("a member leads only a service they belong to")
    lost = power_services(services_kept(user) - set(services)) if user.is_active else []
    _never_the_last(user, lost, changed_by)
    ServiceMembership.objects.filter(user=user).exclude(service__in=services).delete()
    held = set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))
    ServiceMembership.objects.bulk_create(
        [ServiceMembership(user=user, service=s, lead=s in (leads or ())) for s in services if s not in held]
    )
    if leads is not None:
        memberships = ServiceMembership.objects.filter(user=user)
        memberships.filter(service__in=leads).update(lead=True)
        memberships.exclude(service__in=leads).update(lead=False)
    led = ServiceMembership.objects.filter(user=user, lead=True).values_list("service", flat=True)
    _log_membership(user, services, changed_by, leads=list(led))
    if lost:
        _power_lost_tell(user, lost, changed_by, how="removed from")


def power_services(services) -> list[str]:
    """The services of `services` that give power over others' access (administer staff, review access), in
    the policy file's order."""
    policy = current_policy()
    return [
        key
        for key, entry in policy.services.items()
        if key in services and (entry.administers_staff or entry.reviews_access)
    ]


def _never_the_last(user, lost, changed_by) -> None:
    """From the console, the last active member of a service that gives power over others' access (the last
    privacy officer, the last IT administrator) is neither removed from it nor deactivated: one administrator
    would otherwise take the others' power away alone. The server's command line (`changed_by=None`) may."""
    if changed_by is None:
        return
    for service in lost:
        others = ServiceMembership.objects.filter(service=service, user__is_active=True).exclude(user=user)
        if not others.exists():
            raise StaffAdminError(
                f"{user.get_username()} is the last active member of {service}: add another member to it "
                "first (or make the change on the server's command line)"
            )


def _power_lost_tell(user, lost, changed_by, *, how: str) -> None:
    """Every privacy officer (and the member) is told by e-mail when a member loses power over others'
    access: the access log alone would tell nobody until someone looked."""
    by = changed_by.get_username() if changed_by is not None else "the server's command line"
    context = {"member": user, "how": how, "lost": ", ".join(lost), "by": by}
    staff_tell(user, "staff_power_lost", context, regarding=f"staff_power_lost:{user.pk}")


def staff_tell(member, template: str, context: dict, *also, regarding: str = "") -> None:
    """Tell the member concerned, every active privacy officer (a member of a service that reviews access)
    and `also` of a staff change by e-mail (`signals.staff_notice`, in the change's transaction);
    `regarding`: the record it is about (else the staff change in `context`)."""
    policy = current_policy()
    reviewing = [k for k, e in policy.services.items() if e.reviews_access]
    officers = staff_users().filter(is_active=True, memberships__service__in=reviewing).distinct()
    to = list({u.pk: u for u in (member, *officers, *also)}.values())
    sent = {"to": to, "template": template, "context": context, "regarding": regarding}
    staff_notice.send(sender=ServiceMembership, **sent)


def change_actor(changed_by) -> dict:
    """Who made a change, as the access log names them: a member of staff, or the command line."""
    if changed_by is None:
        return dict(COMMAND_LINE)
    return {"actor_kind": "staff", "actor_id": str(changed_by.pk), "actor_label": changed_by.get_username()}


def customer_change_append(action: Action, *, by, customer_id: int, reason: str) -> None:
    """A change to what the utility holds about a customer, in the access log in the writer's transaction:
    who did it (a member of staff, with their support services; the customer in the portal, `by="customer"`;
    or the command line, `by=None`) and what changed (no personal value in the reason)."""
    if by == "customer":
        who = {"actor_kind": "customer", "actor_id": str(customer_id), "actor_label": "the customer"}
    else:
        who = change_actor(by)
        if by is not None:
            who["roles"] = ",".join(sorted(services_of(by)))
    append_change(action=action, customer_ids=[customer_id], reason=reason, **who)


def staff_decision_append(action: Action, *, by, reason: str, customer_ids=()) -> None:
    """A decision a member of staff made (a review, an approval), in the access log in the caller's
    transaction: who decided, with their support services, and what (no personal value in the reason)."""
    roles = ",".join(sorted(services_of(by)))
    append_change(action=action, customer_ids=customer_ids, reason=reason, roles=roles, **change_actor(by))


def access_log_read_append(*, by, filters: dict, rows: int | None = None, page: int | None = None) -> None:
    """The privacy officer's read of the access log, in the log itself: a page (`page`) or a download of
    `rows` events, with the filters chosen (ids, keys and dates, never a value), for the customer the read
    was filtered to, if any (they see it in "who has seen or changed my data")."""
    chosen = "; ".join(f"{k} {v.date() if hasattr(v, 'date') else v}" for k, v in filters.items() if v)
    what = f"downloaded {rows} events" if rows is not None else f"page {page or 1}"
    customer = filters.get("customer_id")
    staff_decision_append(
        Action.ACCESS_LOG_DOWNLOADED if rows is not None else Action.ACCESS_LOG_REVIEWED,
        by=by,
        reason=f"{what}; filters: {chosen or 'none'}",
        customer_ids=[customer] if customer else (),
    )


def _log(action: Action, reason: str, changed_by) -> None:
    append_change(action=action, reason=reason, **change_actor(changed_by))


def _log_membership(user, services, changed_by, leads=()) -> None:
    """Who may read what changes with a staff member's services: an event in the access log."""
    led = f"; leads: {', '.join(sorted(leads))}" if leads else ""
    _log(
        Action.STAFF_MEMBERSHIP,
        f"{user.get_username()} is in: {', '.join(sorted(services)) or 'no service'}{led}",
        changed_by,
    )


def _staff_member(user):
    if user is None or not staff_users().filter(pk=user.pk).exists():
        raise StaffAdminError("not a member of staff")
    return user


def new_member_check(*, username: str, full_name: str, services) -> str:
    """The user name of a member about to be added (stripped), or StaffAdminError saying what is wrong."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise StaffAdminError(
            "a user name is 2 to 40 characters: lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter"
        )
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise StaffAdminError(f"the user name {username!r} is taken")
    if not (full_name or "").strip():
        raise StaffAdminError("give the member of staff's full name")
    if not services:
        raise StaffAdminError("choose at least one support service")
    return username


@transaction.atomic
def staff_member_add(
    *, username: str, full_name: str, services: list[str], email: str = "", changed_by=None
) -> tuple[object, str]:
    """Add a member of staff in these support services, with a random first password (returned, shown once:
    they sign in with it and enrol their authenticator app at once). The server's command line only: the
    console adds members through `approvals.staff_member_invite`, which holds services that read customer
    data for a second administrator and sends the member a set-up link instead."""
    username = new_member_check(username=username, full_name=full_name, services=services)
    password = first_password()
    user = staff_member_create(
        username=username,
        password=password,
        full_name=full_name.strip(),
        services=list(services),
        email=(email or "").strip(),
        changed_by=changed_by,
    )
    _log(Action.STAFF_ADDED, f"{username} added", changed_by)
    return user, password


def first_password() -> str:
    """A random password of four groups (about 144 bits), to be changed by nobody: the second factor guards
    the account, and IT resets it when forgotten."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(4))


def sessions_end(*, user) -> int:
    """End every signed-in session of this user at once (database sessions); returns how many."""

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@dataclass(frozen=True)
class Offboarding:
    sessions_ended: int
    tokens_revoked: int


@transaction.atomic
def staff_member_deactivate(*, user, changed_by=None) -> Offboarding:
    """Offboarding: the account can no longer sign in, its open sessions end and every API token that acts
    as it (or that it answers for) is revoked, all at once. The account and its history stay."""

    _staff_member(user)
    if changed_by is not None and changed_by.pk == user.pk:
        raise StaffAdminError("you can't deactivate your own account: ask another administrator")
    # FOR NO KEY UPDATE: the row's key does not change, so this waits for no record that refers to the
    # member (a running vendor export's accounting entries hold a key-share lock on its approver).
    user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
    was_active = user.is_active
    lost = power_services(services_kept(user)) if was_active else []
    _never_the_last(user, lost, changed_by)
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    # The API revokes every token that acts as them or that they answer for (custodian.api.apps).
    revoked = sum(r for _, r in staff_offboarded.send(sender=type(user), user=user) if isinstance(r, int))
    done = Offboarding(sessions_ended=sessions_end(user=user), tokens_revoked=revoked)
    _log(
        Action.STAFF_DEACTIVATED,
        f"{user.get_username()} deactivated"
        + ("" if was_active else " (already inactive)")
        + f": {done.sessions_ended} sessions ended, {done.tokens_revoked} API tokens revoked",
        changed_by,
    )
    if lost:
        _power_lost_tell(user, lost, changed_by, how="deactivated, so no longer acts in")
    return done


@transaction.atomic
def staff_member_reactivate(*, user, changed_by=None) -> None:
    """Let a deactivated member of staff sign in again (their tokens stay revoked: issue new ones)."""
    _staff_member(user)
    user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        _log(Action.STAFF_REACTIVATED, f"{user.get_username()} reactivated", changed_by)


@transaction.atomic
def staff_second_factor_reset(*, user, changed_by=None) -> int:
    """A lost phone: remove the member's authenticator and recovery codes and end their sessions; at their
    next sign-in (password) they enrol a new authenticator. Returns the sessions ended."""

    _staff_member(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = sessions_end(user=user)
    _log(
        Action.STAFF_MFA_RESET,
        f"{user.get_username()}: second factor reset, {ended} sessions ended",
        changed_by,
    )
    return ended


@transaction.atomic
def staff_password_reset(*, user, changed_by=None) -> str:
    """A forgotten password: a new random one (returned, shown once), and every session of theirs ends."""
    _staff_member(user)
    password = first_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions_end(user=user)
    _log(
        Action.STAFF_PASSWORD_RESET,
        f"{user.get_username()}: password reset, {ended} sessions ended",
        changed_by,
    )
    return password


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes in place of the member's old ones (asked in their own session, after they proved it
    is them), in the access log: codes outlive the session they were made in."""
    codes = recovery_codes_issue(user=user)
    staff_decision_append(
        Action.STAFF_RECOVERY_CODES, by=user, reason=f"{user.get_username()} made new recovery codes"
    )
    return codes
