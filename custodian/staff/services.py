"""Writes for staff accounts and their support-service memberships."""

from django.contrib.auth import get_user_model
from django.db import transaction

from custodian.policy.loader import current_policy
from custodian.staff.models import ServiceMembership


class UnknownService(ValueError):
    pass


@transaction.atomic
def staff_member_create(*, username: str, password: str, full_name: str, services: list[str]):
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
    return user
