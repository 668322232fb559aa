"""Reads of what the retention schedule destroyed."""

from custodian.retention.models import DestructionRecord
from custodian.staff.selectors import reviews_access
from custodian.vault.gate import Actor


def destruction_records(*, fetched_by: Actor, limit: int = 100) -> list[DestructionRecord]:
    """What the retention runs destroyed, newest first, with their run, for the privacy officer; none for
    anyone else."""
    if not reviews_access(fetched_by.services):
        return []
    return list(DestructionRecord.objects.select_related("run").order_by("-destroyed_at", "-pk")[:limit])
