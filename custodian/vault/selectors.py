"""Reads about the vault's records that open nothing: where each current value came from."""

from custodian.vault.gate import Actor
from custodian.vault.models import PersonalValue


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
