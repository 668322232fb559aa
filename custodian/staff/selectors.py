"""Reads about staff."""

from custodian.staff.models import ServiceMembership


def services_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))
