"""The stored peer groups of the neighbour comparison: each eligible home's group and the groups' monthly
aggregates (replaced whole by each computation), and the months of a customer's group."""

from django.db import transaction

from custodian.customers.models import Customer
from custodian.usage.comparison import group_aggregates
from custodian.usage.models import PeerGroupMember, PeerGroupMonth


def store_group_aggregates(data, computed: tuple | None = None) -> int:
    """Replace the stored peer groups with a fresh computation (re-runnable): each eligible home's group, and
    the monthly aggregates of the groups that may be shown. `data` is a comparison.ComparisonData;
    `computed` the (groups, members) already computed from it, if any."""
    rows, members = computed or group_aggregates(data)
    with transaction.atomic():
        PeerGroupMonth.objects.all().delete()
        PeerGroupMember.objects.all().delete()
        PeerGroupMonth.objects.bulk_create(
            [
                PeerGroupMonth(
                    peer_group=r[0],
                    premise_type=r[1],
                    heating_fuel=r[2],
                    area=r[3],
                    size_band=r[4],
                    month=r[5],
                    homes=r[6],
                    average_kwh=r[7],
                    efficient_kwh=r[8],
                    service=r[9] if len(r) > 9 else "electric",
                )
                for r in rows
            ],
            batch_size=2000,
        )
        known = set(Customer.objects.filter(pk__in=[m[0] for m in members]).values_list("pk", flat=True))
        PeerGroupMember.objects.bulk_create(
            [PeerGroupMember(customer_id=cid, peer_group=group) for cid, group in members if cid in known],
            batch_size=2000,
        )
    return len(rows)


def group_months_of(customer_ids, service: str = "electric") -> dict[int, dict]:
    """Each customer's group's stored months of `service` ({month: PeerGroupMonth}); those without one are
    left out."""

    return {cid: by[service] for cid, by in group_services_of(customer_ids).items() if service in by}


def group_services_of(customer_ids) -> dict[int, dict[str, dict]]:
    """Each customer's group's stored months by service ({service: {month: PeerGroupMonth}}); customers
    whose group is shown for no service are left out."""

    membership = dict(
        PeerGroupMember.objects.filter(customer_id__in=list(customer_ids)).values_list(
            "customer_id", "peer_group"
        )
    )
    by_group: dict[str, dict] = {}
    for g in PeerGroupMonth.objects.filter(peer_group__in=set(membership.values())):
        by_group.setdefault(g.peer_group, {}).setdefault(g.service, {})[g.month] = g
    return {cid: by_group[group] for cid, group in membership.items() if group in by_group}
