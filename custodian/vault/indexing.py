"""Blind indexes for values written before their field had one (the customer's name and service address
became look-up fields after customers were enrolled): the values are read through the gate as the
`blind_indexes` job, in batches, one access event per customer, and only their keyed digests are written.
Every value written since is indexed as it is sealed (`vault.services`)."""

from collections.abc import Callable, Sequence

from django.db import transaction

from custodian.audit.actions import Action
from custodian.vault import sealing
from custodian.vault.gate import reveal_many, system_actor
from custodian.vault.models import DataDestruction, PersonalValue
from custodian.vault.normalize import BLIND_INDEXED_FIELDS, normalize
from custodian.vault.notice_rule import notice_uncovered_among

JOB = "blind_indexes"
# The purpose staff find customers for by these fields; the job reads for it, and leaves out any customer
# whose notice at collection did not name it (they are found by their account number instead).
PURPOSE = "providing_services"
LATE_FIELDS = ("name", "service_address")


def blind_indexes_fill(
    *,
    fields: Sequence[str] = LATE_FIELDS,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Index every current value of `fields` that has no blind index yet; re-runnable (what is indexed stays
    so). Returns how many values were indexed and how many customers were left out by the notice rule."""
    unknown = [f for f in fields if f not in BLIND_INDEXED_FIELDS]
    if unknown:
        raise ValueError(f"not fields with a blind index: {', '.join(unknown)}")
    destroyed = set(DataDestruction.objects.values_list("customer_id", flat=True))
    after, indexed, left_out = 0, 0, 0
    while True:
        ids = list(
            PersonalValue.objects.filter(
                field__in=list(fields), blind_index="", superseded_at__isnull=True, customer_id__gt=after
            )
            .order_by("customer_id")
            .values_list("customer_id", flat=True)
            .distinct()[:batch]
        )
        if not ids:
            return {"indexed": indexed, "left_out": left_out}
        after = ids[-1]
        uncovered = notice_uncovered_among(customer_ids=ids, fields=fields, purpose=PURPOSE)
        readable = [i for i in ids if i not in uncovered and i not in destroyed]
        left_out += len(ids) - len(readable)
        if readable:
            indexed += _index(readable, fields)
        if progress is not None:
            progress(len(ids))


@transaction.atomic
def _index(customer_ids: list[int], fields: Sequence[str]) -> int:
    values = reveal_many(
        actor=system_actor(JOB),
        customer_ids=customer_ids,
        fields=list(fields),
        purpose=PURPOSE,
        action=Action.BLIND_INDEX_FILL,
    )
    rows = list(
        PersonalValue.objects.filter(
            customer_id__in=customer_ids, field__in=list(fields), blind_index="", superseded_at__isnull=True
        ).only("pk", "customer_id", "field")
    )
    for row in rows:
        text = values.get(row.customer_id, {}).get(row.field)
        if text:
            row.blind_index = sealing.blind_index(row.field, normalize(row.field, text))
    PersonalValue.objects.bulk_update([r for r in rows if r.blind_index], ["blind_index"])
    return sum(1 for r in rows if r.blind_index)
