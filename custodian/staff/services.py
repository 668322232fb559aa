"""Writes for staff accounts and their support-service memberships."""

from django.contrib.auth import get_user_model
from django.db import transaction

from custodian.audit.events import append_change
from custodian.policy.loader import current_policy
from custodian.staff.models import ServiceMembership


class UnknownService(ValueError):
    pass


@transaction.atomic
def staff_member_create(
    *, username: str, password: str, full_name: str, services: list[str], changed_by=None
):
    """Create a staff user in the given support services (keys from the policy file)."""
    policy = current_policy()
    unknown = [s for s in services if s not in policy.services]
    if unknown:
        raise UnknownService(f"not support services in the policy file: {', '.join(unknown)}")
    first, _, last = full_name.partition(" ")
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first, last_name=last, is_staff=False
    )
    ServiceMembership.objects.bulk_create([ServiceMembership(user=user, service=s) for s in services])
    _log_membership(user, services, changed_by)
    return user


@transaction.atomic
def staff_membership_set(*, user, services: list[str], changed_by=None) -> None:
    """Put a staff member in exactly these support services (what they may read follows from them)."""
    policy = current_policy()
    unknown = [s for s in services if s not in policy.services]
    if unknown:
        raise UnknownService(f"not support services in the policy file: {', '.join(unknown)}")
    ServiceMembership.objects.filter(user=user).exclude(service__in=services).delete()
    held = set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))
    ServiceMembership.objects.bulk_create(
        [ServiceMembership(user=user, service=s) for s in services if s not in held]
    )
    _log_membership(user, services, changed_by)


def _log_membership(user, services, changed_by) -> None:
    """Who may read what changes with a staff member's services: an event in the access log."""

    if changed_by is None:
        who = {"actor_kind": "system", "actor_id": "staff_admin", "actor_label": "staff administration"}
    else:
        who = {
            "actor_kind": "staff",
            "actor_id": str(changed_by.pk),
            "actor_label": changed_by.get_username(),
        }
    append_change(
        action="staff_membership",
        reason=f"{user.get_username()} is in: {', '.join(sorted(services)) or 'no service'}",
        **who,
    )
