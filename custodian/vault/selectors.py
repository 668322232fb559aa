"""Reads about the vault's records that open nothing: where each current value came from."""

from functools import lru_cache

from custodian.rows import CompiledRead
from custodian.staff.selectors import reviews_access
from custodian.vault import interval_files, sealing
from custodian.vault.choices import CUSTOMER_UPLOAD, METER_READINGS
from custodian.vault.gate import Actor
from custodian.vault.models import PersonalValue, Provenance, ReadHold
from custodian.vault.normalize import BLIND_INDEXED_FIELDS, normalize

_PROVENANCE_COLUMNS = [f.attname for f in Provenance._meta.concrete_fields]


@lru_cache(maxsize=8)  # one per caller's set of fields (the portal home's, the console's: all)
def _provenance_read(fields: tuple[str, ...] | None) -> CompiledRead:
    """Each current value's field with its provenance's columns (not the value), compiled once per process:
    the portal home asks on every load."""

    def build(customer_id):
        found = PersonalValue.objects.filter(customer_id=customer_id, superseded_at__isnull=True)
        if fields is not None:
            found = found.filter(field__in=fields)
        return found.values_list("field", *(f"provenance__{name}" for name in _PROVENANCE_COLUMNS))

    return CompiledRead(build, customer_id=int)


def value_provenance(*, fetched_by: Actor, customer_id: int, fields=None) -> dict:
    """{field: Provenance} of the customer's current values: the customer's own, or for staff answering the
    customer (the caller has read the values through the gate). No value is opened."""
    if fetched_by.kind == "customer" and fetched_by.customer_id != customer_id:
        return {}
    if fetched_by.kind not in ("customer", "staff"):
        return {}
    rows = _provenance_read(None if fields is None else tuple(fields)).rows(customer_id=int(customer_id))
    return {row[0]: Provenance.from_db("default", _PROVENANCE_COLUMNS, row[1:]) for row in rows}


def holding_a_value(field: str):
    """The customers holding a value of `field` on file now (not an empty one), as a subquery of customer
    ids, from the clear columns (the blind index of a blind-indexed field): no value is opened. For a job's
    choice of how to reach them (a bill printed where no e-mail address is on file), never shown."""
    if field not in BLIND_INDEXED_FIELDS:
        raise ValueError(f"{field} has no blind index to tell an empty value by")
    return (
        PersonalValue.objects.filter(field=field, superseded_at__isnull=True)
        .exclude(blind_index=sealing.blind_index(field, normalize(field, "")))
        .values("customer_id")
    )


def read_holds(*, fetched_by: Actor, limit: int = 50) -> list[ReadHold]:
    """The latest reads held past the hourly limit, with whose they are, for the privacy officer (who decides
    them); none for anyone else."""
    if not reviews_access(fetched_by.services):
        return []
    return list(ReadHold.objects.select_related("user").order_by("-opened_at")[:limit])


def reads_held_for(user) -> bool:
    """Whether the member of staff's reads are held for the privacy officer's decision (past the hourly limit
    of reads without a request): until it is made they write nothing into customers' data in bulk either."""
    return ReadHold.objects.filter(user_id=user.pk, status=ReadHold.Status.PENDING).exists()


def interval_channels(*, customer_id: int, months) -> dict[tuple[str, str], str]:
    """(series, month) → the channel the customer's block of that series and month came by (the utility's
    meter, a Green Button file, …), from the store's clear columns and the provenance rows: nothing opened.
    A block holds one provenance, that of the last write of the month."""
    ids = interval_files.block_provenances(customer_id=customer_id, months=months)
    channels = dict(Provenance.objects.filter(pk__in=set(ids.values())).values_list("pk", "channel"))
    return {key: channels.get(pk, "") for key, pk in ids.items()}


class ReadingSource:
    """Where a block of interval readings came from, as an answer to the customer tells it."""

    METER = "meter"  # the utility's meter
    UPLOAD = "upload"  # the customer's own Green Button file, uploaded in the portal
    STAFF_FILE = "staff_file"  # a Green Button file a member of staff imported


def interval_sources(*, customer_id: int, months) -> dict[tuple[str, str], str]:
    """(series, month) → where the customer's block of that series and month came from (`ReadingSource`),
    from the store's clear columns and the provenance rows: nothing opened. A block whose provenance is not
    the meter's is never told as the meter's."""
    ids = interval_files.block_provenances(customer_id=customer_id, months=months)
    rows = Provenance.objects.filter(pk__in=set(ids.values())).values_list(
        "pk", "channel", "recorded_by_id", "recorded_by_label"
    )
    sources = {
        pk: ReadingSource.METER
        if channel in METER_READINGS
        else ReadingSource.UPLOAD
        if by is None and label == CUSTOMER_UPLOAD
        else ReadingSource.STAFF_FILE
        for pk, channel, by, label in rows
    }
    return {key: sources.get(pk, ReadingSource.STAFF_FILE) for key, pk in ids.items()}
