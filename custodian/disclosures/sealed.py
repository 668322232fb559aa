"""The disclosure records the law asks for, sealed into the access log's events
(custodian.audit.record_seals): a consent (`consent_given`), its revocation (`consent_revoked`), a vendor
determination (`determination_asked`) and its second person's decision (`determination_approved` /
`_declined`), each by the event that names it, and the accounting of disclosures by batches
(`disclosure_accounted`).

`records_checked` is `audit verify`'s check of them (registered at start-up): a row that differs from what
its event sealed (naming the columns), a row no event records, an event whose row is gone. Events written
before records were sealed hold no seal: of those rows only what the event holds in clear is checked (a
consent's customer and kinds of data, a decision's answer), and entries of the accounting written before
carry no batch and are not checked. `consent_as_sealed` is the same check of one consent and its
revocation, asked before a consent is acted on."""

import re
from dataclasses import dataclass

from django.db import models

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent, Redaction
from custodian.audit.record_seals import (
    customers_digest,
    differences,
    record_seal,
    seal_in,
    seal_keys,
    sealed_events,
    stored,
)
from custodian.disclosures.models import (
    Consent,
    ConsentRevocation,
    DeterminationDecision,
    DisclosureEntry,
    VendorDetermination,
)

_LIMIT = 5  # problems named per table


@dataclass(frozen=True)
class SealedRecord:
    """A record sealed into the event that names it: `key` is the column the event names it by (the
    record's own number, or the one record it belongs to), `columns` what is sealed besides, `time` the
    column that dates it (against the events retention has redacted)."""

    model: type[models.Model]
    key: str
    columns: tuple[str, ...]
    time: str
    actions: tuple[Action, ...]
    names: re.Pattern
    what: str
    clear: tuple[str, ...] = ()  # columns an event written before seals holds in clear: customer, categories

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def seal(self, row_id: int) -> str:
        """The seal of the row just written, read back as the database stores it."""
        row = self.model.objects.filter(pk=row_id).values(self.key, *self.columns).get()
        return record_seal(self.table, row[self.key], {c: row[c] for c in self.columns})


CONSENTS = SealedRecord(
    Consent,
    "id",
    (
        "customer_id",
        "sealed_ref",
        "categories",
        "covers_from",
        "covers_until",
        "expires_on",
        "allows_sale",
        "terms",
        "method",
        "signed_at",
        "signer_ip",
        "verified_by_id",
        "scan_ref",
        "recorded_at",
    ),
    "recorded_at",
    (Action.CONSENT_GIVEN,),
    re.compile(r"^\w+ consent (\d+)(?:;|$)"),
    "consent",
    clear=("customer_id", "categories"),
)
REVOCATIONS = SealedRecord(
    ConsentRevocation,
    "consent_id",
    ("id", "revoked_at", "how", "recorded_by_id"),
    "revoked_at",
    (Action.CONSENT_REVOKED,),
    re.compile(r"^consent (\d+) revoked"),
    "revocation of consent",
)
DETERMINATIONS = SealedRecord(
    VendorDetermination,
    "id",
    ("vendor_id", "decided_by_id", "decided_at", "rationale", "review_by"),
    "decided_at",
    (Action.DETERMINATION_ASKED,),
    re.compile(r"^determination (\d+) "),
    "vendor determination",
)
DECISIONS = SealedRecord(
    DeterminationDecision,
    "determination_id",
    ("id", "approved", "decided_by_id", "decided_at"),
    "decided_at",
    (Action.DETERMINATION_APPROVED, Action.DETERMINATION_DECLINED),
    re.compile(r"^determination (\d+) "),
    "decision on vendor determination",
)
SEALED_RECORDS = (CONSENTS, REVOCATIONS, DETERMINATIONS, DECISIONS)

# The accounting: what a batch's entries share (all but the customer), as `Accounting` writes them.
ENTRY_COLUMNS = (
    "disclosed_at",
    "recipient_name",
    "recipient_address",
    "data_description",
    "categories",
    "purpose",
    "basis_kind",
    "basis_ref",
    "approved_by_id",
    "created_at",
)
_BATCH = re.compile(r"batch ([0-9a-f]+)(?:;|$)")


def batch_seal(batch: str, common, customer_ids) -> str:
    """The seal of a batch of entries (`common`: the ENTRY_COLUMNS' values every entry shares)."""
    return record_seal(DisclosureEntry._meta.db_table, batch, _batch_columns(common, customer_ids))


def _batch_columns(common, customer_ids) -> dict:
    return {
        **dict(zip(ENTRY_COLUMNS, common, strict=True)),
        "entries": len(customer_ids),
        "customers": customers_digest(customer_ids),
    }


def _since(row_time, redacted_until_us: int | None) -> bool:
    """Whether a record of this time must still have its event (not one retention may have redacted)."""
    return redacted_until_us is None or row_time is None or int(stored(row_time)) > redacted_until_us


def _events_by_key(record: SealedRecord) -> dict[int, tuple]:
    found = {}
    for action in record.actions:
        for seq, customer, categories, reason, _at in sealed_events(action):
            named = record.names.search(reason or "")
            if named:
                found.setdefault(int(named.group(1)), (action, seq, customer, categories, reason))
    return found


def _row_problem(record: SealedRecord, keys, event, row: dict) -> str | None:
    """What differs between a row and its event (None when nothing does)."""
    action, seq, customer, categories, reason = event
    sealed = seal_in(reason)
    if sealed is not None:
        return differences(keys, sealed, record.table, row[record.key], {c: row[c] for c in record.columns})
    held = {"customer_id": customer, "categories": categories}
    changed = [c for c in record.clear if stored(row[c]) != held[c]]
    if record is DECISIONS and row["approved"] != (action == Action.DETERMINATION_APPROVED):
        changed.append("approved")
    if changed:
        return f"its {', '.join(changed)} differ from what its event recorded"
    return None


def _problems_of(record: SealedRecord, keys, redacted_until_us) -> list[tuple[str, str]]:
    events = _events_by_key(record)
    rows = {
        row[record.key]: row for row in record.model.objects.values(record.key, *record.columns, record.time)
    }
    problems = []
    for key, event in sorted(events.items()):
        row = rows.get(key)
        if row is None:
            problems.append(
                (
                    "deleted",
                    f"{record.table}: the {record.what} {key} that event {event[1]} of the access log "
                    "records is gone",
                )
            )
        elif why := _row_problem(record, keys, event, row):
            problems.append(
                ("modified", f"{record.table}: the {record.what} {key}: {why} (event {event[1]})")
            )
    for key, row in sorted(rows.items()):
        if key not in events and _since(row[record.time], redacted_until_us):
            problems.append(
                (
                    "inserted",
                    f"{record.table}: the {record.what} {key} has no event in the access log: it was written "
                    "past the application",
                )
            )
    return problems[:_LIMIT]


def _entry_problems(keys, redacted_until_us) -> list[tuple[str, str]]:
    table = DisclosureEntry._meta.db_table
    events = {}
    for seq, _customer, _categories, reason, _at in sealed_events(Action.DISCLOSURE_ACCOUNTED):
        named = _BATCH.search(reason or "")
        if named:
            events.setdefault(named.group(1), (seq, seal_in(reason)))
    batches: dict[str, tuple[list, dict]] = {}  # batch: customers, {shared values: first entries}
    rows = (
        DisclosureEntry.objects.exclude(batch="")
        .order_by("batch", "id")
        .values_list("id", "batch", "customer_id", *ENTRY_COLUMNS)
    )
    for entry_id, batch, customer, *common in rows.iterator(chunk_size=20_000):
        customers, shared = batches.setdefault(batch, ([], {}))
        customers.append(customer)
        ids = shared.setdefault(tuple(common), [])
        if len(ids) < 3:
            ids.append(entry_id)
    problems = []
    for batch, (seq, sealed) in sorted(events.items(), key=lambda item: item[1][0]):
        if batch not in batches:
            problems.append(
                (
                    "deleted",
                    f"{table}: every entry of batch {batch}, which event {seq} of the access log seals, "
                    "is gone",
                )
            )
            continue
        customers, shared = batches[batch]
        for common, ids in shared.items():
            why = sealed and differences(keys, sealed, table, batch, _batch_columns(common, customers))
            if why:
                rows_named = ", ".join(str(i) for i in ids)
                problems.append(
                    ("modified", f"{table}: batch {batch} (entries {rows_named}, …): {why} (event {seq})")
                )
    for batch, (customers, shared) in batches.items():
        created = next(iter(shared))[-1]
        if batch not in events and _since(created, redacted_until_us):
            problems.append(
                (
                    "inserted",
                    f"{table}: the {len(customers)} entries of batch {batch} have no event in the access "
                    "log: written past the application",
                )
            )
    return problems[:_LIMIT]


def records_checked(keys: dict[str, bytes], redacted_until_us: int | None) -> list[tuple[str, str]]:
    """`audit verify`'s check of every record sealed into the log (custodian.audit.record_seals)."""
    problems = []
    for record in SEALED_RECORDS:
        problems += _problems_of(record, keys, redacted_until_us)
    return problems + _entry_problems(keys, redacted_until_us)


def consent_as_sealed(consent: Consent) -> str | None:
    """None when the consent's row, and its revocation's if any, are what their events in the access log
    sealed; else why not. A revocation whose event is held though its row is gone counts: the consent was
    revoked. A consent whose event retention has redacted (older than the access log's period) is taken as
    its row stands. Read from the customer's own events (the one index the gate reads by)."""
    events = (
        AccessEvent.objects.filter(
            customer_id=str(consent.customer_id), action__in=[Action.CONSENT_GIVEN, Action.CONSENT_REVOKED]
        )
        .order_by("seq")
        .values_list("action", "seq", "customer_id", "categories", "reason")
    )
    given = revoked = None
    for event in events:
        record = CONSENTS if event[0] == Action.CONSENT_GIVEN else REVOCATIONS
        named = record.names.search(event[4] or "")
        if named and int(named.group(1)) == consent.pk:
            if record is CONSENTS:
                given = given or event
            else:
                revoked = revoked or event
    keys = seal_keys(needed={found[0] for e in (given, revoked) if e and (found := seal_in(e[4]))})
    row = Consent.objects.filter(pk=consent.pk).values("id", *CONSENTS.columns).first()
    if row is None:
        return "the consent's record is gone"
    if given is None:
        newest = Redaction.objects.order_by("-at_us").values_list("at_us", flat=True).first()
        if _since(row["recorded_at"], newest):
            return "no event in the access log records this consent"
    elif why := _row_problem(CONSENTS, keys, given, row):
        return f"the consent's record differs from the access log: {why}"
    if revoked is not None:
        revocation = (
            ConsentRevocation.objects.filter(consent_id=consent.pk)
            .values(*REVOCATIONS.columns, "consent_id")
            .first()
        )
        if revocation is None:
            return "the access log records the consent's revocation, whose record is gone"
        if why := _row_problem(REVOCATIONS, keys, revoked, revocation):
            return f"the revocation's record differs from the access log: {why}"
    return None
