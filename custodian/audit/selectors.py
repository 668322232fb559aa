from datetime import datetime
from typing import Protocol

from custodian.audit.models import AccessEvent


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def access_events(
    *,
    customer_id=None,
    actor_id=None,
    actor_kind=None,
    purpose=None,
    decision=None,
    since: datetime | None = None,
    until: datetime | None = None,
    own_request: bool = False,
    limit: int = 100,
):
    """Access log entries, newest first, filtered by customer, actor (kind and id; a staff member's id also
    finds the jobs started on their behalf), purpose, decision, reads through the reader's own requests,
    and time."""
    qs = AccessEvent.objects.order_by("-seq")
    if customer_id is not None:
        qs = qs.filter(customer_id=str(customer_id))
    if actor_kind:
        qs = qs.filter(actor_kind=actor_kind)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if own_request:
        qs = qs.filter(own_request="yes")
    if purpose:
        qs = qs.filter(purpose=purpose)
    if decision:
        qs = qs.filter(decision=decision)
    if since:
        qs = qs.filter(at_us__gte=_us(since))
    if until:
        qs = qs.filter(at_us__lt=_us(until))
    return qs[: max(1, min(limit, 1000))]


class Asker(Protocol):
    """Who asks (`custodian.vault.gate.Actor` is one; the access log sits below the gate)."""

    kind: str
    customer_id: int | None


def who_has_seen(*, customer_id: int, fetched_by: Asker, limit: int | None = 500, oldest_first: bool = False):
    """ "Who has seen or changed my data": the access log's events about the customer made by others (staff,
    jobs, vendors), newest first (or oldest first, for a data access answer). A customer asks about themself
    only; staff ask while answering the customer (the response package, read through the gate with its
    request); anyone else gets nothing."""
    if fetched_by.kind == "customer" and fetched_by.customer_id != customer_id:
        return AccessEvent.objects.none()
    if fetched_by.kind not in ("customer", "staff"):
        return AccessEvent.objects.none()
    events = (
        AccessEvent.objects.filter(customer_id=str(customer_id))
        .exclude(actor_kind="customer")
        .order_by("seq" if oldest_first else "-seq")
    )
    return events if limit is None else events[:limit]
