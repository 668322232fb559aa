"""Reads for the incident desk: unusual-access flags from the access log, incidents and their published
reports."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from custodian.audit.actions import SINGLE_READS
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import BY_REPRESENTATIVE, REPRESENTATIVE
from custodian.casework.choices import RepresentativeKind
from custodian.casework.models import Representative
from custodian.casework.representatives import representative_named
from custodian.incidents.models import Incident
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access

UNUSUAL_DISTINCT_CUSTOMERS = 25  # customers read one at a time without a request, in the window
UNUSUAL_DENIALS = 10
UNUSUAL_OWN_REQUEST_CUSTOMERS = 10  # customers read through requests the reader entered themselves
REFUSED = "was refused many times"
REPRESENTED_MANY = "read the data of many customers they represent"
REPRESENTED_OFTEN = "read one customer's data many times"


@dataclass(frozen=True)
class Flag:
    actor_kind: str
    actor_id: str
    actor_label: str
    kind: str
    count: int


def _flags(events, kind: str, threshold: int, distinct_customers: bool = True) -> list[Flag]:
    counted = Count("customer_id", distinct=True) if distinct_customers else Count("seq")
    return [
        Flag(r["actor_kind"], r["actor_id"], r["actor_label"], kind, r["n"])
        for r in events.values("actor_kind", "actor_id", "actor_label")
        .annotate(n=counted)
        .filter(n__gte=threshold)
    ]


def unusual_access(*, fetched_by, hours: int = 24) -> list[Flag]:
    """Who looks unusual in the access log of the last `hours`: staff, system jobs and vendors alike.

    - many customers read one at a time without a request (staff, and system jobs that read through the API);
    - many refusals (anyone but customers);
    - a vendor reading customers one at a time at all (vendors receive only their exports);
    - many customers read through requests the reader entered themselves (a staff member can take a call and
      open the request that lets them read: legitimate, and counted);
    - a customer's representative (`_representative_flags`).
    Only the privacy officer sees the flags; anyone else gets none.
    """
    if not reviews_access(fetched_by.services):
        return []
    since = int((timezone.now() - timedelta(hours=hours)).timestamp() * 1_000_000)
    recent = AccessEvent.objects.filter(at_us__gte=since).exclude(actor_kind="customer")
    api_jobs = [k for k, j in current_policy().system_jobs.items() if j.api_client]
    one_by_one = recent.filter(decision="allow", request_id="", action__in=SINGLE_READS).filter(
        Q(actor_kind="staff") | Q(actor_kind="system", actor_id__in=api_jobs)
    )
    flags = _flags(
        one_by_one, "read many customers one at a time without a request", UNUSUAL_DISTINCT_CUSTOMERS
    )
    flags += _flags(recent.filter(decision="deny"), REFUSED, UNUSUAL_DENIALS, False)
    flags += _flags(
        recent.filter(actor_kind="vendor", action__in=SINGLE_READS),
        "tried to read customers one at a time (vendors receive only their exports)",
        1,
        False,
    )
    flags += _flags(
        recent.filter(actor_kind="staff", decision="allow", own_request="yes"),
        "read customers through requests they entered themselves",
        UNUSUAL_OWN_REQUEST_CUSTOMERS,
    )
    flags += _representative_flags(since)
    return sorted(flags, key=lambda f: -f.count)


def _representative_flags(since: int) -> list[Flag]:
    """A customer's representative reads and is refused as the customer they act for, so the flags above
    (which leave the customers' own acts out) never see them: here they are counted by the representative,
    whoever they acted for (`casework.representatives.representative_named`), each flag on them by their own
    customer number (`audit.selectors.REPRESENTATIVE`). Flagged, by the policy file's `[breach]`:

    - the data of many different customers read: `representative_customers_per_day` under authorities
      that act for a person (power of attorney, guardian, conservator, estate), and
      `property_manager_customers_per_day` under a property manager's, who acts for many owners' accounts
      by the nature of the work;
    - one customer's data read many times (`representative_reads_per_customer_per_day`);
    - many refusals (reads outside what an authority covers), as for anyone else."""
    breach = current_policy().breach
    acts = AccessEvent.objects.filter(
        at_us__gte=since, actor_kind="customer", actor_label__startswith=BY_REPRESENTATIVE
    ).values_list("actor_label", "customer_id", "decision", "action")
    reads: dict[int, Counter] = defaultdict(Counter)  # representative → (customer, authority) → reads
    refusals: Counter = Counter()
    for label, customer_id, decision, action in acts:
        named = representative_named(label)
        if named is None:
            continue
        if decision == "deny":
            refusals[named[0]] += 1
        elif action in SINGLE_READS and customer_id:
            reads[named[0]][customer_id, named[1]] += 1
    managing = set(
        Representative.objects.filter(
            pk__in={authority for read in reads.values() for _, authority in read},
            kind=RepresentativeKind.PROPERTY_MANAGER,
        ).values_list("pk", flat=True)
    )
    flags = []
    for person, read in sorted(reads.items()):
        managed = {customer for customer, authority in read if authority in managing}
        personal = {customer for customer, authority in read if authority not in managing}
        if (
            len(personal) >= breach["representative_customers_per_day"]
            or len(managed) >= breach["property_manager_customers_per_day"]
        ):
            flags.append(_representative_flag(person, REPRESENTED_MANY, len(managed | personal)))
        by_customer = Counter()
        for (customer, _), n in read.items():
            by_customer[customer] += n
        most = max(by_customer.values())
        if most >= breach["representative_reads_per_customer_per_day"]:
            flags.append(_representative_flag(person, REPRESENTED_OFTEN, most))
    many = [(person, n) for person, n in sorted(refusals.items()) if n >= UNUSUAL_DENIALS]
    return flags + [_representative_flag(person, REFUSED, n) for person, n in many]


def _representative_flag(person: int, kind: str, count: int) -> Flag:
    return Flag(REPRESENTATIVE, str(person), f"customer {person}", kind, count)


def incident_list(*, fetched_by, limit: int = 100) -> list[Incident]:
    """The latest incidents, newest first, for the privacy officer; none for anyone else."""
    if not reviews_access(fetched_by.services):
        return []
    return list(Incident.objects.order_by("-opened_at")[:limit])


def incident_for(*, fetched_by, incident_id) -> Incident | None:
    """An incident, for the privacy officer; None otherwise (the same as no such incident)."""
    if not reviews_access(fetched_by.services):
        return None
    return Incident.objects.filter(pk=incident_id).first()


def incident_record(*, fetched_by, incident: Incident) -> dict:
    """An incident's people affected (with their letters), how many per category of data, and its notes,
    for the privacy officer."""
    if not reviews_access(fetched_by.services):
        return {"affected": [], "by_category": [], "notes": []}
    policy = current_policy()
    affected = list(incident.affected.select_related("notice").order_by("customer_id"))
    by_category: dict[str, int] = {}
    for person in affected:
        for c in person.category_list:
            by_category[c] = by_category.get(c, 0) + 1
    return {
        "affected": affected,
        "by_category": [
            (policy.categories[c].label if c in policy.categories else c, n)
            for c, n in sorted(by_category.items())
        ],
        "notes": list(incident.notes.select_related("written_by").order_by("written_at", "pk")),
    }


def published_reports():
    """Incidents whose report is complete: their public summaries, newest first (for the website)."""
    return Incident.objects.filter(report_completed_at__isnull=False).order_by("-report_completed_at")
