"""Reads about staff."""

from custodian.policy.loader import current_policy
from custodian.staff.models import ServiceMembership


def services_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def reviews_access(services: frozenset[str]) -> bool:
    """Whether these support services include one that reviews access (the privacy officer's)."""

    policy = current_policy()
    return any(policy.services[s].reviews_access for s in services if s in policy.services)


def administers_staff(services: frozenset[str]) -> bool:
    """Whether these support services include one that administers staff accounts and API tokens (IT and
    the privacy officer, by the policy file)."""
    from custodian.policy.loader import current_policy

    policy = current_policy()
    return any(policy.services[s].administers_staff for s in services if s in policy.services)
