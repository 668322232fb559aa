"""Reads about staff."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from custodian.policy.loader import current_policy
from custodian.staff.choices import ChangeStatus
from custodian.staff.models import ServiceMembership, StaffChange


def staff_users():
    """Accounts of the utility's staff: every user but the customers' portal sign-ins."""
    return get_user_model().objects.filter(portal_account__isnull=True)


def services_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def services_kept(user) -> frozenset[str]:
    """The support services a member is in, active or deactivated: what comes back when they are
    reactivated (`services_of` gives a deactivated member none)."""
    return frozenset(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def leads(user, service: str) -> bool:
    """Whether `user` leads `service`: gives its requests to colleagues, not only takes them."""
    return ServiceMembership.objects.filter(
        user=user, user__is_active=True, service=service, lead=True
    ).exists()


def service_members(service: str):
    """The active members of staff of a support service, by name: those a request it owns may go to."""
    return (
        staff_users()
        .filter(is_active=True, memberships__service=service)
        .order_by("first_name", "last_name", "username")
    )


def reviews_access(services: frozenset[str]) -> bool:
    """Whether these support services include one that reviews access (the privacy officer's)."""

    policy = current_policy()
    return any(policy.services[s].reviews_access for s in services if s in policy.services)


def administers_staff(services: frozenset[str]) -> bool:
    """Whether these support services include one that administers staff accounts and API tokens (IT and
    the privacy officer, by the policy file)."""
    policy = current_policy()
    return any(policy.services[s].administers_staff for s in services if s in policy.services)


def staff_list(*, fetched_by) -> list[dict]:
    """Every member of staff (never a customer's portal sign-in) with the labels of their support services and
    whether a second factor is confirmed, for those who administer staff; nothing for anyone else."""
    if not administers_staff(fetched_by.services):
        return []
    policy = current_policy()
    held: dict[int, list[str]] = {}
    for user_id, service in ServiceMembership.objects.values_list("user_id", "service"):
        held.setdefault(user_id, []).append(
            policy.services[service].label if service in policy.services else service
        )
    confirmed = Count("totpdevice", filter=Q(totpdevice__confirmed=True))
    return [
        {"user": u, "services": sorted(held.get(u.pk, [])), "second_factor": u.totp_count > 0}
        for u in staff_users().order_by("-is_active", "username").annotate(totp_count=confirmed)
    ]


def staff_member_for(*, fetched_by, user_id):
    """A member of staff, for those who administer staff; None otherwise, and for a customer's sign-in."""
    if not administers_staff(fetched_by.services):
        return None
    return staff_users().filter(pk=user_id).first()


def staff_member_page(*, fetched_by, member) -> dict:
    """A member's support services, those they lead, whether their second factor is confirmed, and the
    changes about them that wait for approval, oldest first (for staff administrators)."""
    if not administers_staff(fetched_by.services):
        return {"services": [], "leads": [], "second_factor": False, "waiting": []}
    memberships = sorted(ServiceMembership.objects.filter(user=member).values_list("service", "lead"))
    return {
        "services": [service for service, _ in memberships],
        "leads": [service for service, lead in memberships if lead],
        "second_factor": member.totpdevice_set.filter(confirmed=True).exists(),
        "waiting": list(
            StaffChange.objects.filter(
                subject=member, status=ChangeStatus.PENDING, expires_at__gt=timezone.now()
            )
            .select_related("asked_by")
            .order_by("asked_at")
        ),
    }


def staff_changes_pending(*, fetched_by):
    """The staff changes waiting for a decision, oldest first (those past their date too, to be seen as
    expired), for those who administer staff; none for anyone else."""
    if not administers_staff(fetched_by.services):
        return StaffChange.objects.none()
    return (
        StaffChange.objects.filter(status=ChangeStatus.PENDING)
        .select_related("subject", "asked_by")
        .order_by("asked_at")
    )


def staff_changes_decided(*, fetched_by, limit: int = 30):
    """The latest decided staff changes, newest first, for those who administer staff."""
    if not administers_staff(fetched_by.services):
        return StaffChange.objects.none()
    return (
        StaffChange.objects.exclude(status=ChangeStatus.PENDING)
        .select_related("subject", "asked_by", "decided_by")
        .order_by("-decided_at")[:limit]
    )


def staff_change_for(*, fetched_by, change_id):
    """One staff change, for those who administer staff; None otherwise."""
    if not administers_staff(fetched_by.services):
        return None
    return StaffChange.objects.select_related("subject", "asked_by").filter(pk=change_id).first()
