from datetime import datetime

from custodian.audit.models import AccessEvent


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def access_events(
    *,
    customer_id=None,
    actor_id=None,
    purpose=None,
    decision=None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
):
    """Access log entries, newest first, filtered by customer, staff member, purpose, decision and time."""
    qs = AccessEvent.objects.order_by("-seq")
    if customer_id is not None:
        qs = qs.filter(customer_id=str(customer_id))
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if decision:
        qs = qs.filter(decision=decision)
    if since:
        qs = qs.filter(at_us__gte=_us(since))
    if until:
        qs = qs.filter(at_us__lt=_us(until))
    return qs[: max(1, min(limit, 1000))]
