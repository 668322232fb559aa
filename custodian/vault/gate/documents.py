"""Reading sealed documents (scans, letters, correspondence, bills) and the interval store's meter readings,
one customer at a time or in bulk for exports, reports and the billing run."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from custodian.audit.actions import Action
from custodian.policy.loader import current_policy
from custodian.rows import CompiledRead
from custodian.vault import _crypto, interval_files, sealing
from custodian.vault.gate.actors import Actor
from custodian.vault.gate.decision import (
    VaultIntegrityError,
    as_customer_id,
    bulk_decide,
    read_many,
    read_one,
)
from custodian.vault.gate.month_totals import bulk_job_decide
from custodian.vault.gate.refusals import Refusal
from custodian.vault.gate.values import _bulk_notice_refusal, _opened, _sealed_all
from custodian.vault.models import DataKey, Provenance, SealedDocument


@dataclass(frozen=True)
class Document:
    ref: str
    media_type: str
    filename: str
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def _documents(customer_id, category, ref_prefix):
    return (
        SealedDocument.objects.filter(customer_id=customer_id, category=category, ref__startswith=ref_prefix)
        .order_by("created_at", "pk")
        .values_list("ref", "media_type", "ciphertext")
    )


# A customer's documents of a category by prefix (the portal's messages on every load), compiled once per
# process; a read naming its documents (their number varies) is compiled each time.
_DOCUMENTS = CompiledRead(_documents, customer_id=int, category=str, ref_prefix=str)


def reveal_documents(
    *,
    actor: Actor,
    customer_id,
    category: str,
    purpose: str,
    ref_prefix: str = "",
    refs: Sequence[str] | None = None,
    request_id=None,
    client_ip: str = "",
    showing: Sequence[str] = (),
) -> list[Document]:
    """The customer's sealed documents whose ref starts with `ref_prefix` and, when `refs` is given, is one
    of `refs`, if the policy allows reading the category for the purpose; one access event either way, in
    the read's transaction. A caller that needs only some documents names them in `refs`: nothing else is
    opened under the read it answers for (an empty `refs` is refused, not read as "all"). A caller that
    shows what the documents hold of other categories (a bill's name and service address) names them in
    `showing`: the purpose must allow them too, and the event names them with the category."""
    if isinstance(showing, str):
        raise TypeError("showing names the categories as a list, not one string")
    policy = current_policy()
    cid = as_customer_id(customer_id)
    categories = list(dict.fromkeys([category, *showing]))
    known = all(c in policy.categories for c in categories)
    event = {
        "action": Action.REVEAL_DOCUMENTS,
        "purpose": purpose,
        "customer_id": cid or str(customer_id)[:32],
        "categories": categories if known else [],
        "request_id": request_id,
        "client_ip": client_ip,
    }

    if isinstance(refs, str | bytes):
        # One ref given as a string would be read as its characters: refuse it rather than read nothing.
        raise TypeError("refs names the documents as a list of refs, not one string")
    wanted = None if refs is None else sorted({str(r) for r in refs})

    def read(stored_key) -> list[Document]:
        if wanted is None:
            rows = _DOCUMENTS.rows(customer_id=cid, category=category, ref_prefix=ref_prefix)
        else:
            rows = list(_documents(cid, category, ref_prefix).filter(ref__in=wanted))
        docs = []
        if rows:
            if stored_key is None:
                raise VaultIntegrityError("documents_without_key", customer=cid)
            key = sealing.unwrap_data_key(cid, *stored_key)
            for ref, media_type, sealed in rows:
                try:
                    plain = _crypto.open_bytes(key, cid, f"{category}:{ref}", sealed)
                except _crypto.InvalidTagError:
                    raise VaultIntegrityError("document_failed", ref=ref) from None
                header, _, content = plain.partition(b"\n")
                docs.append(Document(ref, media_type, json.loads(header)["filename"], content))
        return docs

    refusal = (
        Refusal("unknown_category")
        if not known
        else Refusal("no_such_customer")
        if cid is None
        else Refusal("no_documents_named")
        if wanted == []
        else None
    )
    return read_one(
        policy,
        actor,
        cid=cid,
        purpose=purpose,
        categories=categories,
        request_id=request_id,
        event=event,
        refusal=refusal,
        read=read,
    )


def reveal_documents_many(
    *,
    actor: Actor,
    refs: Sequence[tuple[int, str]],
    category: str,
    purpose: str,
    action: Action = Action.BULK_REVEAL_DOCUMENTS,
) -> dict[tuple[int, str], Document]:
    """The bulk form for exports (the letters a vendor prints): the sealed documents named by (customer id,
    ref), if the policy allows reading the category for the purpose; one decision, one access event per
    customer. Any id that is not a customer denies the whole call."""
    policy = current_policy()
    ids = sorted({int(cid) for cid, _ in refs})
    known = category in policy.categories
    base, decision = bulk_decide(
        policy,
        actor,
        action=action,
        purpose=purpose,
        categories=[category] if known else [],
        refusal=None if known else Refusal("unknown_category"),
    )
    wanted = {(int(cid), ref) for cid, ref in refs}

    def read() -> dict[tuple[int, str], Document]:
        rows = SealedDocument.objects.filter(
            customer_id__in=ids, category=category, ref__in=sorted({ref for _, ref in wanted})
        ).values_list("customer_id", "ref", "media_type", "ciphertext")
        keys = {
            cid: sealing.unwrap_data_key(cid, key_id, wrapped)
            for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "key_id", "wrapped"
            )
        }
        out = {}
        for cid, ref, media_type, sealed in rows:
            if (cid, ref) not in wanted:
                continue
            try:
                plain = _crypto.open_bytes(keys[cid], cid, f"{category}:{ref}", sealed)
            except (_crypto.InvalidTagError, KeyError):
                raise VaultIntegrityError("document_failed", ref=ref) from None
            header, _, content = plain.partition(b"\n")
            out[(cid, ref)] = Document(ref, media_type, json.loads(header)["filename"], content)
        return out

    return read_many(actor, ids=ids, decision=decision, event=base, read=read)


def _open_blocks(rows, stored_keys=None) -> list:
    """Open sealed interval rows (interval_files.SCHEMA_COLUMNS), each customer's data key unwrapped once;
    the keys as stored ({customer id: (key id, wrapped key)}) are read here unless the caller has them."""

    if stored_keys is None:
        ids = sorted({r[0] for r in rows})
        stored_keys = {
            cid: (key_id, wrapped)
            for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "key_id", "wrapped"
            )
        }
    keys = {
        cid: sealing.unwrap_data_key(cid, *stored_keys[cid])
        for cid in {r[0] for r in rows}
        if stored_keys.get(cid) is not None
    }
    blocks = []
    for cid, service, month, start, interval, count, _provenance, sealed in rows:
        try:
            payload = _crypto.open_bytes(keys[cid], cid, interval_files.block_field(service, month), sealed)
        except (_crypto.InvalidTagError, KeyError):
            raise VaultIntegrityError("block_failed", customer=cid, service=service, month=month) from None
        values = interval_files.decode_values(payload, count)
        blocks.append(interval_files.IntervalBlock(cid, service, month, start, interval, values))
    return blocks


def _collected_by(rows, channels: frozenset[str] | None) -> list:
    """The interval rows whose provenance came by one of `channels` (all of them when None): the others are
    never opened."""
    if channels is None:
        return rows
    kept = set(
        Provenance.objects.filter(pk__in={r[6] for r in rows}, channel__in=sorted(channels)).values_list(
            "pk", flat=True
        )
    )
    return [r for r in rows if r[6] in kept]


def reveal_intervals(
    *,
    actor: Actor,
    customer_id,
    purpose: str,
    start: int,
    end: int,
    services: Sequence[str] | None = None,
    request_id=None,
    client_ip: str = "",
    also: Sequence[tuple[int, int]] = (),
    collected_by: frozenset[str] | None = None,
) -> list:
    """The customer's interval readings in the local months that [start, end) touches (UTC epoch seconds),
    as interval_files.IntervalBlock, if the policy allows reading meter usage for the purpose; one access
    event either way, in the read's transaction. `also`: further periods (start, end) whose months are read
    in the same read, under the same decision and access event (a page comparing this month with the same
    month a year earlier reads both at once). `collected_by`: only the blocks collected by these channels
    are opened (a Connect My Data third party's: the utility's readings, never the customer's own upload);
    the others are left sealed."""

    policy = current_policy()
    cid = as_customer_id(customer_id)
    event = {
        "action": Action.REVEAL_INTERVALS,
        "purpose": purpose,
        "customer_id": cid or str(customer_id)[:32],
        "categories": ["meter_usage"],
        "request_id": request_id,
        "client_ip": client_ip,
    }

    periods = [(start, end), *also]

    def read(stored_key) -> list:
        months = sorted({m for s, e in periods for m in interval_files.months_between(s, e)})
        rows = interval_files.read_rows(months=months, customer_ids=[cid], services=services)
        return _open_blocks(_collected_by(rows, collected_by), {cid: stored_key})

    refusal = (
        Refusal("no_such_customer")
        if cid is None
        else None
        if all(0 <= s < e for s, e in periods)
        else Refusal("empty_period")
    )
    return read_one(
        policy,
        actor,
        cid=cid,
        purpose=purpose,
        categories=["meter_usage"],
        request_id=request_id,
        event=event,
        refusal=refusal,
        read=read,
    )


def reveal_intervals_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    purpose: str,
    months: Sequence[str],
    services: Sequence[str] | None = None,
    action: Action = Action.BULK_REVEAL_INTERVALS,
) -> list:
    """The bulk form for reports and exports: the same decision as reveal_many, one access event per
    customer, and the customers' interval blocks of those months."""

    policy = current_policy()
    ids = [int(c) for c in dict.fromkeys(customer_ids)]
    base, decision = bulk_decide(policy, actor, action=action, purpose=purpose, categories=["meter_usage"])
    return read_many(
        actor,
        ids=ids,
        decision=decision,
        event=base,
        read=lambda: _open_blocks(
            interval_files.read_rows(months=months, customer_ids=ids, services=services)
        ),
    )


def reveal_with_intervals_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    fields: Sequence[str],
    purpose: str,
    months: Sequence[str],
    services: Sequence[str] | None = None,
    action: Action = Action.BULK_REVEAL,
    collected_by: frozenset[str] | None = None,
) -> tuple[dict[int, dict[str, str]], list]:
    """Values and interval readings of many customers in one read (the billing run needs both): one
    decision for the fields and meter usage together, one access event per customer. `collected_by`: only
    the blocks collected by these channels are opened (the bill run's: the utility's meter, never a file the
    customer uploaded); the others are left sealed."""

    job = bulk_job_decide(
        actor=actor,
        customer_ids=customer_ids,
        purpose=purpose,
        fields=fields,
        action=action,
        fields_required=True,
    )
    policy, ids, fields = job.policy, job.ids, job.fields

    # The notice rule is asked of the rows about to be opened (each value's channel, notice and version come
    # with it, in the one query), as a bulk read of values does, not of a second read of every value.
    sealed: list[tuple] = []

    def refusal() -> Refusal | None:
        if not ids:
            return None
        sealed[:] = _sealed_all(ids, fields, ways=True)
        return _bulk_notice_refusal(policy, actor, ids, fields, purpose, sealed)

    def read():
        values = _opened(ids, sealed) if ids else {}
        rows = interval_files.read_rows(months=months, customer_ids=ids, services=services)
        return values, _open_blocks(_collected_by(rows, collected_by))

    return read_many(actor, ids=ids, decision=job.decision, event=job.event, read=read, check=refusal)
