"""Reads about the vault's records that open nothing: where each current value came from."""

from custodian.staff.selectors import reviews_access
from custodian.vault.gate import Actor
from custodian.vault.models import PersonalValue, ReadHold


def value_provenance(*, fetched_by: Actor, customer_id: int, fields=None) -> dict:
    """{field: Provenance} of the customer's current values: the customer's own, or for staff answering the
    customer (the caller has read the values through the gate). No value is opened."""
    if fetched_by.kind == "customer" and fetched_by.customer_id != customer_id:
        return {}
    if fetched_by.kind not in ("customer", "staff"):
        return {}
    found = PersonalValue.objects.filter(customer_id=customer_id, superseded_at__isnull=True)
    if fields is not None:
        found = found.filter(field__in=list(fields))
    return {v.field: v.provenance for v in found.select_related("provenance")}


def read_holds(*, fetched_by: Actor, limit: int = 50) -> list[ReadHold]:
    """The latest reads held past the hourly limit, with whose they are, for the privacy officer (who decides
    them); none for anyone else."""
    if not reviews_access(fetched_by.services):
        return []
    return list(ReadHold.objects.select_related("user").order_by("-opened_at")[:limit])
