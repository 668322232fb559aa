"""Reads of the outbound record, for IT's console page and for readiness."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from custodian.outbox.models import OutboundMessage, Status


def recent_messages(limit: int = 100):
    return OutboundMessage.objects.select_related("sent_by").order_by("-created_at", "-pk")[:limit]


def delivery_counts(*, since_hours: int = 24) -> dict[str, int]:
    since = timezone.now() - timedelta(hours=since_hours)
    rows = OutboundMessage.objects.filter(created_at__gte=since).values("status").annotate(n=Count("pk"))
    counts = {s: 0 for s in Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def messages_to_customer(customer_id: int):
    return OutboundMessage.objects.filter(to_customer_id=customer_id).order_by("-created_at", "-pk")
