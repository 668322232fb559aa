"""Writes of personal data: encrypted, with provenance, or refused.

Personal values arrive only as a customer's own submission (a form, the portal, an e-mail, a call, a
paper form, a visit), so every write names its provenance and the notice at collection that was shown.

One module (over 400 lines) on purpose: every write that seals something (values, documents, interval
blocks, pseudonyms) and every destruction of sealed data is here, beside the data keys they share.
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.events import append_change, append_events
from custodian.audit.selectors import BY_REPRESENTATIVE
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.rows import rows_insert
from custodian.staff.independence import decider_refusal
from custodian.staff.selectors import reviews_access, services_of
from custodian.vault import interval_files, sealing
from custodian.vault.choices import MADE_BY_THE_UTILITY, Channel
from custodian.vault.models import (
    DataDestruction,
    DataKey,
    PersonalValue,
    Provenance,
    ReadHold,
    SealedDocument,
)
from custodian.vault.normalize import BLIND_INDEXED_FIELDS, MARKETING_OPTED_IN, MARKETING_OPTED_OUT, normalize
from custodian.vault.signals import ADDABLE, CONTACT_FIELDS, contact_replaced


class ProvenanceRequired(ValueError):
    """A personal value was offered without saying how it arrived."""


class UnknownField(ValueError):
    pass


@dataclass(frozen=True)
class Submission:
    """How a customer's submission reached us."""

    channel: str
    notice_key: str
    recorded_by: object = None  # a staff user, when staff typed it in (a call, a paper form, a visit)
    recorded_by_label: str = "the customer"
    received_at: datetime | None = None
    note: str = ""
    # The version of the notice the person was shown (a form carries it); empty: the one in force now.
    notice_version: str = ""
    # Sent unasked (an e-mail, a letter): no notice was shown before it, and the record says so.
    unsolicited: bool = False
    # The writer tells the old e-mail address or mailing address of the change itself (the portal's change
    # of e-mail address does): `signals.contact_replaced` receivers leave it to them.
    old_contact_told: bool = False


# What a person may send us unasked, before any notice could be shown.
UNSOLICITED_CHANNELS = frozenset({Channel.EMAIL, Channel.PAPER})
NONE_SHOWN = "no notice shown before it was sent"


def _provenance_create(submission: Submission | None) -> Provenance:
    if submission is None:
        raise ProvenanceRequired(
            "a personal value needs its provenance: channel, time, recorder and notice shown"
        )
    if submission.channel not in Channel.values:
        raise ProvenanceRequired(
            f"unknown channel {submission.channel!r}; one of {', '.join(Channel.values)}"
        )
    if submission.channel in MADE_BY_THE_UTILITY:
        # Computed or written by the utility (a bill, a letter, a staff note), not collected from anyone: no
        # notice was shown, and the record says so.
        if submission.notice_key:
            raise ProvenanceRequired(f"{submission.channel}: made by the utility, it has no notice")
        notice = None
    elif submission.unsolicited:
        if submission.notice_key or submission.channel not in UNSOLICITED_CHANNELS:
            raise ProvenanceRequired(
                "only an e-mail or a letter arrives unasked, and then no notice was shown before it"
            )
        notice = None
    else:
        notice = current_policy().notices.get(submission.notice_key)
        if notice is None:
            raise ProvenanceRequired(f"no notice at collection {submission.notice_key!r} in the policy file")
    version = (submission.notice_version or notice.version) if notice else ""
    if notice is not None and version != notice.version and version not in notice.earlier:
        raise ProvenanceRequired(f"the policy file knows no version {version!r} of the notice {notice.key!r}")
    note = submission.note
    if submission.unsolicited:
        note = f"{NONE_SHOWN}; {note}" if note else NONE_SHOWN
    return Provenance.objects.create(
        channel=submission.channel,
        received_at=submission.received_at or timezone.now(),
        recorded_by=submission.recorded_by,
        recorded_by_label=submission.recorded_by_label,
        notice_key=notice.key if notice else "",
        notice_version=version,
        note=note[:200],
    )


def _data_keys_for(customer_ids: Sequence[int]) -> dict[int, bytes]:
    keys = {}
    missing = []
    for cid in customer_ids:  # keys unwrapped already in this block (sealing.data_keys_kept)
        kept = sealing.kept_data_key(cid)
        if kept is None:
            missing.append(cid)
        else:
            keys[cid] = kept
    if missing:
        for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=missing).values_list(
            "customer_id", "key_id", "wrapped"
        ):
            keys[cid] = sealing.unwrap_data_key(cid, key_id, wrapped)
    fresh = []
    for cid in customer_ids:
        if cid not in keys:
            plain, key_id, wrapped = sealing.new_data_key(cid)
            keys[cid] = plain
            fresh.append(DataKey(customer_id=cid, key_id=key_id, wrapped=wrapped))
    DataKey.objects.bulk_create(fresh)
    return keys


@transaction.atomic
def personal_data_record_many(
    *, items: Sequence[tuple[int, dict[str, str]]], submission: Submission | None
) -> int:
    """Store values for many customers from one kind of submission. Returns the number of values written."""
    provenance = _provenance_create(submission)
    policy = current_policy()
    for _, values in items:
        unknown = [f for f in values if policy.category_for_field(f) is None]
        if unknown:
            raise UnknownField(f"not personal fields declared in the policy file: {', '.join(unknown)}")
    now = timezone.now()
    ids = [cid for cid, _ in items]
    keys = _data_keys_for(ids)
    fields = {f for _, values in items for f in values}
    current = PersonalValue.objects.filter(customer_id__in=ids, field__in=fields, superseded_at__isnull=True)
    contact = fields & set(CONTACT_FIELDS)
    replaced = (
        sorted(
            {
                *current.filter(field__in=contact).order_by().values_list("customer_id", "field").distinct(),
                *_contact_added(items, contact),
            }
        )
        if contact
        else []
    )
    current.update(superseded_at=now)
    rows = []
    for cid, values in items:
        for field, value in values.items():
            if value is None:
                continue
            text = str(value)
            rows.append(
                PersonalValue(
                    customer_id=cid,
                    field=field,
                    ciphertext=sealing.seal_value(keys[cid], cid, field, text),
                    blind_index=sealing.blind_index(field, normalize(field, text))
                    if field in BLIND_INDEXED_FIELDS
                    else "",
                    provenance=provenance,
                    recorded_at=now,
                )
            )
    PersonalValue.objects.bulk_create(rows, batch_size=2000)
    _log_values_recorded(submission, policy, items)
    if replaced:
        # In this transaction: a change of the way we reach the customer and the word to the old way stand
        # or fall together.
        contact_replaced.send(sender=PersonalValue, replaced=replaced, at=now, submission=submission)
    return len(rows)


def _contact_added(items, contact) -> set[tuple[int, str]]:
    """The (customer id, field) of a telephone number or e-mail address given where the customer, already on
    file, holds none (removed earlier, or never given): told like a change (`vault.signals`). Not an
    enrolment: a customer with nothing on file yet gave them on their application."""
    added = {
        (cid, f) for cid, values in items for f, v in values.items() if f in ADDABLE and f in contact and v
    }
    if not added:
        return set()
    held = PersonalValue.objects.filter(
        customer_id__in={cid for cid, _ in added}, superseded_at__isnull=True
    ).order_by()
    on_file = set(held.values_list("customer_id", flat=True).distinct())
    given = set(held.filter(field__in=ADDABLE).values_list("customer_id", "field").distinct())
    return {(cid, f) for cid, f in added if cid in on_file and (cid, f) not in given}


def _log_values_recorded(submission: Submission, policy, items) -> None:
    """The change goes in the access log in the same transaction: who recorded which kinds of data, from
    which channel (never the values)."""

    # A field given as None is removed (its current value superseded, none in its place): its own event.
    by_fields: dict[tuple[Action, tuple[str, ...]], list[int]] = {}
    for cid, values in items:
        recorded = tuple(sorted(f for f, v in values.items() if v is not None))
        removed = tuple(sorted(f for f, v in values.items() if v is None))
        for key in ((Action.RECORD_VALUES, recorded), (Action.VALUES_REMOVED, removed)):
            by_fields.setdefault(key, []).append(cid)
    if submission.recorded_by is not None:
        user = submission.recorded_by
        who = {
            "actor_kind": "staff",
            "actor_id": str(user.pk),
            "actor_label": user.get_username(),
            "roles": ",".join(sorted(services_of(user))),
        }
    elif submission.channel in ("portal", "web_form", "email"):
        who = None  # the customer themselves, or their representative acting for them in the portal
    else:
        who = {
            "actor_kind": "system",
            "actor_id": submission.channel,
            "actor_label": submission.recorded_by_label,
        }
    for (action, fields), ids in by_fields.items():
        if not fields:
            continue
        cats = [policy.category_for_field(f) for f in fields]
        done = "removed" if action == Action.VALUES_REMOVED else "recorded"
        reason = f"{done} from {submission.channel}"
        if who is None:
            for cid in ids:
                append_change(
                    action=action,
                    actor_kind="customer",
                    actor_id=str(cid),
                    # A representative is named, as their reads are: the customer sees what they changed.
                    actor_label=submission.recorded_by_label
                    if submission.recorded_by_label.startswith(BY_REPRESENTATIVE)
                    else "the customer",
                    customer_ids=[cid],
                    categories=cats,
                    reason=reason,
                )
        else:
            append_change(action=action, customer_ids=ids, categories=cats, reason=reason, **who)


def personal_data_record(*, customer, values: dict[str, str], submission: Submission | None) -> int:
    """Store a customer's submitted values (encrypted), superseding the current ones for those fields; a
    field given as None is removed (superseded, nothing in its place), in the access log as a removal."""
    return personal_data_record_many(items=[(customer.pk, values)], submission=submission)


def blind_index_of(field: str, value: str) -> str:
    return sealing.blind_index(field, normalize(field, value))


class NotAllowed(PermissionError):
    pass


@transaction.atomic
def document_seal(
    *,
    customer_id: int,
    category: str,
    ref: str,
    content: bytes,
    media_type: str,
    filename: str = "",
    submission: Submission | None,
):
    """Store a message or file the customer sent, sealed; `ref` must be new for the customer."""

    if current_policy().categories.get(category) is None:
        raise UnknownField(f"not a category of the policy file: {category}")
    provenance = _provenance_create(submission)
    key = _data_keys_for([customer_id])[customer_id]
    header = json.dumps({"filename": filename}).encode() + b"\n"
    sealed = sealing.seal_bytes(key, customer_id, f"{category}:{ref}", header + content)
    return SealedDocument.objects.create(
        customer_id=customer_id,
        category=category,
        ref=ref,
        media_type=media_type[:100],
        size=len(content),
        ciphertext=sealed,
        provenance=provenance,
    )


def documents_delete(*, customer_ids: Sequence[int], ref_prefix: str = "", refs: Sequence[str] = ()) -> int:
    """Delete the customers' sealed documents whose ref starts with `ref_prefix`, or is one of `refs` (what an
    erasure or an online account's end takes with it), in the caller's transaction; how many."""
    mine = SealedDocument.objects.filter(customer_id__in=list(customer_ids))
    if ref_prefix:
        mine = mine.filter(ref__startswith=ref_prefix)
    elif refs:
        mine = mine.filter(ref__in=list(refs))
    else:
        raise ValueError("name the documents to delete: where their ref starts, or their refs")
    deleted, _by_model = mine.delete()
    return deleted


def marketing_preference_set(*, customer, opted_out: bool, submission: Submission | None) -> None:
    """Record the customer's marketing choice with its provenance; honoured by the gate everywhere."""

    value = MARKETING_OPTED_OUT if opted_out else MARKETING_OPTED_IN
    personal_data_record(customer=customer, values={"marketing_preference": value}, submission=submission)


def opted_out_customer_ids(customer_ids=None) -> set[int]:
    """Customers whose current marketing preference is opt-out, found by blind index (nothing decrypted)."""

    qs = PersonalValue.objects.filter(
        field="marketing_preference",
        blind_index=blind_index_of("marketing_preference", MARKETING_OPTED_OUT),
        superseded_at__isnull=True,
    )
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    return set(qs.values_list("customer_id", flat=True))


def vendor_pseudonyms(*, vendor_id: int, customer_ids) -> dict[int, str]:
    """Per-vendor keyed pseudonyms (HMAC-SHA256): stable for one vendor, unlinkable across vendors."""

    key = hmac.new(
        sealing.KEYS.blind_key(), f"vendor-pseudonym|{vendor_id}".encode(), hashlib.sha256
    ).digest()
    return {cid: hmac.new(key, str(cid).encode(), hashlib.sha256).hexdigest()[:32] for cid in customer_ids}


def interval_blocks_record(
    *, blocks: Sequence, submission: Submission | None, removing: Sequence[tuple[int, str, str]] = ()
) -> int:
    """Store interval readings (custodian.vault.interval_files.IntervalBlock), each sealed with its customer's
    data key, replacing the blocks they supersede, and take the `removing` blocks ((customer, service,
    month)) out of the store in the same rewrite of their month-shards. Returns the number of blocks written.

    The provenance row and any new data keys are committed before the files are written: a block never
    refers to a key or a provenance that does not exist. Re-running with the same blocks is harmless."""

    _meter_usage_declared()
    if not blocks:  # only blocks taken out: no provenance to record
        interval_files.write_rows([], removed=removing)
        return 0
    for block in blocks:
        _block_checked(block)
    with transaction.atomic():
        provenance = _provenance_create(submission)
        keys = _data_keys_for(sorted({b.customer_id for b in blocks}))
    interval_files.write_rows(
        [_block_sealed(b, keys[b.customer_id], provenance.pk) for b in blocks], removed=removing
    )
    return len(blocks)


class IntervalBlocksRecording:
    """`interval_blocks_record` one block at a time, for a writer that makes blocks one after another (an
    import of a large file): `add` seals each block at once and stages it sealed beside the store
    (interval_files.StagedRows), so only the block being made is held in clear; leaving the `with` without
    an error puts every staged block in place together, and an error discards them: nothing is stored.
    The provenance and the customer's data key are committed before the first block is sealed."""

    def __init__(self, *, submission: Submission | None):
        _meter_usage_declared()
        self.submission = submission
        self.written = 0
        self._provenance_id = None
        self._keys: dict[int, bytes] = {}
        self._staged = None

    def __enter__(self):
        self._staged = interval_files.StagedRows()
        return self

    def add(self, block) -> None:
        _block_checked(block)
        if self._provenance_id is None or block.customer_id not in self._keys:
            with transaction.atomic():
                if self._provenance_id is None:
                    self._provenance_id = _provenance_create(self.submission).pk
                self._keys |= _data_keys_for([block.customer_id])
        self._staged.add(_block_sealed(block, self._keys[block.customer_id], self._provenance_id))
        self.written += 1

    def __exit__(self, kind, error, trace):
        if kind is None:
            self._staged.commit()
        else:
            self._staged.discard()
        return False


def _meter_usage_declared() -> None:
    if current_policy().categories.get("meter_usage") is None:
        raise UnknownField("the policy file declares no meter_usage category")


def _block_checked(block) -> None:
    if not interval_files.MONTH.match(block.month) or block.interval <= 0:
        raise ValueError(f"bad block for customer {block.customer_id}: {block.month} / {block.interval}s")


def _block_sealed(block, key: bytes, provenance_id: int) -> dict:
    """An interval block as the store's row: the clear columns that find it, and its values sealed."""
    return {
        "customer_id": block.customer_id,
        "service": block.service,
        "month": block.month,
        "start": int(block.start),
        "interval": int(block.interval),
        "count": len(block.values),
        "provenance_id": provenance_id,
        "ciphertext": sealing.seal_bytes(
            key,
            block.customer_id,
            interval_files.block_field(block.service, block.month),
            interval_files.encode_values(block.values),
        ),
    }


def documents_seal_many(
    *, category: str, items: Sequence[tuple[int, str, bytes, str]], submission: Submission | None
):
    """Seal many documents the utility produced (bills), one provenance for the batch: items are
    (customer_id, ref, content, media_type). Returns how many were sealed. One `executemany` (a bill run seals
    a thousand at a time)."""

    if current_policy().categories.get(category) is None:
        raise UnknownField(f"not a category of the policy file: {category}")
    provenance = _provenance_create(submission)
    keys = _data_keys_for(sorted({cid for cid, *_ in items}))
    header = json.dumps({"filename": ""}).encode() + b"\n"
    return rows_insert(
        SealedDocument,
        [
            {
                "customer_id": cid,
                "category": category,
                "ref": ref,
                "media_type": media_type[:100],
                "size": len(content),
                "ciphertext": sealing.seal_bytes(keys[cid], cid, f"{category}:{ref}", header + content),
                "provenance_id": provenance.pk,
            }
            for cid, ref, content, media_type in items
        ],
    )


@dataclass(frozen=True)
class Destroyed:
    customers: int = 0
    values: int = 0
    documents: int = 0
    interval_blocks: int = 0


def customers_data_destroy(*, customer_ids: Sequence[int], schedule_item: str, record_ref: str) -> Destroyed:
    """Crypto-shred these customers' data under a retention schedule item: in one transaction their data keys
    are destroyed first (from that statement on nothing of theirs can be opened), then their sealed values and
    documents, and each is marked destroyed; then their interval blocks leave the store's files. Re-running
    finishes what a crash left (blocks of destroyed customers are removed again)."""

    if current_policy().retention_schedule.get(schedule_item) is None:
        raise UnknownField(f"not a retention schedule item of the policy file: {schedule_item}")
    ids = sorted({int(c) for c in customer_ids})
    if not ids:
        return Destroyed()
    now = timezone.now()
    with transaction.atomic():
        done = DataDestruction.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True)
        already = set(done)
        fresh = [c for c in ids if c not in already]
        DataKey.objects.filter(customer_id__in=ids).delete()
        values, _ = PersonalValue.objects.filter(customer_id__in=ids).delete()
        documents, _ = SealedDocument.objects.filter(customer_id__in=ids).delete()
        DataDestruction.objects.bulk_create(
            [
                DataDestruction(
                    customer_id=c, schedule_item=schedule_item, destroyed_at=now, record_ref=record_ref
                )
                for c in fresh
            ]
        )
        Customer.objects.filter(pk__in=ids).update(is_active=False)
    blocks = interval_files.rows_delete(customer_ids=ids)
    return Destroyed(customers=len(fresh), values=values, documents=documents, interval_blocks=blocks)


def replaced_before(moment: datetime):
    """The personal values replaced by newer ones before `moment`: the one rule the retention run counts,
    forgets the digests of and destroys by, so a value replaced since is held whole."""
    return PersonalValue.objects.filter(superseded_at__isnull=False, superseded_at__lt=moment)


@transaction.atomic
def replaced_values_destroy(*, superseded_before: datetime) -> int:
    """Destroy personal values that were replaced by newer ones before the given time (their sealed rows are
    deleted; the current values stay). Returns how many."""
    deleted, _ = replaced_before(superseded_before).delete()
    return deleted


def destruction_of(customer_id: int):
    """The destruction record of a customer's data, or None."""

    return DataDestruction.objects.filter(customer_id=customer_id).first()


@transaction.atomic
def read_hold_decide(*, hold_id: int, decided_by, approve: bool, note: str, client_ip: str = ""):
    """A reviewer of access (the privacy officer) approves or refuses a held bulk read, with a reason, on the
    record (the hold row and an access event); an approval lets the staff member read on, without a request,
    for the policy file's minutes. Nobody decides their own hold, nor one of a member they are not independent
    of (custodian.staff.independence: joined to that member by adding, either way, or by an API token, or
    empowered by them, or a reviewer only since the hold)."""

    services = services_of(decided_by)
    if not reviews_access(services):
        raise NotAllowed("only the staff who review access (the privacy officer) decide held reads")
    if not note.strip():
        raise ValueError("say why")
    hold = ReadHold.objects.select_for_update().get(pk=hold_id)
    own = gettext("the second approver must be someone other than you: nobody decides their own held reads")
    why = decider_refusal(decided_by, on=(hold.user,), since=hold.opened_at, own=own)
    if why:
        raise NotAllowed(why)
    if hold.status != ReadHold.Status.PENDING:
        raise ValueError("this hold was already decided")
    now = timezone.now()
    minutes = current_policy().breach["hold_approval_minutes"]
    hold.status = ReadHold.Status.APPROVED if approve else ReadHold.Status.REFUSED
    hold.decided_by, hold.decided_at, hold.decision_note = decided_by, now, note.strip()[:300]
    hold.approved_until = now + timedelta(minutes=minutes) if approve else None
    hold.save()
    verdict = f"approved until {hold.approved_until:%H:%M}" if approve else "refused"
    append_events(
        [
            {
                "action": Action.HOLD_DECISION,
                "actor_kind": "staff",
                "actor_id": str(decided_by.pk),
                "actor_label": decided_by.get_username(),
                "roles": ",".join(sorted(services)),
                "purpose": hold.purpose,
                "decision": "allow" if approve else "deny",
                "reason": f"hold {hold.pk} of {hold.user.get_username()} {verdict}: {hold.decision_note}"[
                    :500
                ],
                "client_ip": client_ip,
            }
        ]
    )
    return hold
