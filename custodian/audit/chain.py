"""Appending to and verifying the hash chain of the access log.

Canonical form of an event: for each field in CANON_FIELDS, `<length>:<text>;`. Length-prefixing makes
the encoding unambiguous (no field's text can pose as another's). The same bytes are built by the
database itself (canonical_sql) when verifying, so verification streams one text column per event and
spends its time hashing.
"""

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from custodian.audit.models import GENESIS_HASH, AccessEvent, ChainHead, Checkpoint

CANON_FIELDS = (
    "seq",
    "at_us",
    "action",
    "actor_kind",
    "actor_id",
    "actor_label",
    "roles",
    "purpose",
    "request_id",
    "customer_id",
    "categories",
    "decision",
    "reason",
    "client_ip",
    "break_glass_id",
    "on_behalf_of",
    "own_request",
)
TEXT_FIELDS = CANON_FIELDS[2:]
_MAX = {f: AccessEvent._meta.get_field(f).max_length for f in TEXT_FIELDS}


def clean_text(name: str, value) -> str:
    """Text as stored: NUL removed (PostgreSQL refuses it), cut to the column's length."""
    text = value if type(value) is str else ("" if value is None else str(value))
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text if len(text) <= _MAX[name] else text[: _MAX[name]]


def canonical(event: dict) -> str:
    return "".join(f"{len(s)}:{s};" for s in (str(event[f]) for f in CANON_FIELDS))


def link(prev_hash: str, canon: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canon.encode("utf-8")).hexdigest()


def canonical_sql(vendor: str | None = None) -> str:
    """An SQL expression equal to canonical() of the row (SQLite and PostgreSQL: lengths in characters)."""
    vendor = vendor or connection.vendor
    parts = []
    for f in CANON_FIELDS:
        text = f"CAST({f} AS TEXT)"
        length = (
            f"CAST(LENGTH({text}) AS TEXT)" if vendor == "sqlite" else f"CAST(CHAR_LENGTH({text}) AS TEXT)"
        )
        parts.append(f"{length} || ':' || {text} || ';'")
    return " || ".join(parts)


def _head_for_update() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


_HEAD = ChainHead._meta.db_table
_EVENTS = AccessEvent._meta.db_table
_COLUMNS = (*CANON_FIELDS, "prev_hash", "hash")
_INSERT = f"INSERT INTO {_EVENTS} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
_SET_HEAD = f"UPDATE {_HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1"  # noqa: S608
# On PostgreSQL the event and the head's new position go in one round trip.
_INSERT_AND_SET_HEAD_PG = f"WITH head AS ({_SET_HEAD}) {_INSERT}"
_NATIVE_INSERT = _INSERT.replace("%s", "?")  # SQLite's own placeholders
_NATIVE_SET_HEAD = _SET_HEAD.replace("%s", "?")


def _driver(cursor):
    """The database driver's own cursor under Django's wrapper: the statements here are in the driver's
    placeholder style, and the wrapper's debug logging (DEBUG on) can't format them."""
    return getattr(cursor, "cursor", cursor)


def _native(sql: str) -> str:
    """The statement in the driver's own placeholder style, for callers holding the driver's cursor."""
    return sql.replace("%s", "?") if connection.vendor == "sqlite" else sql


def lock_head(cursor, columns: str = "", joins: str = "", params=()) -> tuple[int, str, list[tuple]]:
    """Lock the chain's head; returns (last position, its hash, rows of the optional joined columns).

    Must run inside the transaction that writes the events: the head stays locked until it ends (row
    lock on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the write lock). A reader that
    needs data in the same transaction may join it here and save a round trip: `columns` are selected
    and `joins` appended after the head table, aliased `h`. `cursor` is a DB-API cursor of the
    default connection (Django's wrapper or the driver's own: the gate's hot path uses the latter).
    """
    cursor = _driver(cursor)
    lock = " FOR UPDATE OF h" if connection.vendor == "postgresql" else ""
    extra = f", {columns}" if columns else ""
    sql = f"SELECT h.last_seq, h.last_hash{extra} FROM {_HEAD} h {joins} WHERE h.id = 1{lock}"  # noqa: S608
    sql = _native(sql)
    cursor.execute(sql, list(params))
    rows = cursor.fetchall()
    if not rows:  # the head row is created lazily (e.g. after the table was emptied in tests)
        ChainHead.objects.get_or_create(pk=1)
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return rows[0][0], rows[0][1], [row[2:] for row in rows]


def _event_row(raw: dict, seq: int, at_us: int) -> dict:
    event = {f: clean_text(f, raw.get(f, "")) for f in TEXT_FIELDS}
    event["seq"], event["at_us"] = seq, at_us
    return event


def write_after(cursor, last_seq: int, prev_hash: str, raw: dict) -> str:
    """Write one event after the head returned by lock_head(); returns its hash."""
    cursor = _driver(cursor)
    event = _event_row(raw, last_seq + 1, time.time_ns() // 1000)
    digest = link(prev_hash, canonical(event))
    params = [event[f] for f in CANON_FIELDS] + [prev_hash, digest]
    if connection.vendor == "postgresql":
        cursor.execute(_INSERT_AND_SET_HEAD_PG, [event["seq"], digest, *params])
    else:
        cursor.execute(_NATIVE_INSERT, params)
        cursor.execute(_NATIVE_SET_HEAD, [event["seq"], digest])
    every = settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY
    if every and event["seq"] % every == 0:
        Checkpoint.objects.create(seq=event["seq"], hash=digest)
    return digest


def _insert_rows(cursor, rows: list[list]) -> None:
    """Bulk insert: COPY on PostgreSQL (several times faster than INSERTs for a million rows), executemany
    elsewhere; in slices so memory stays flat."""
    if connection.vendor == "postgresql":
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(f"COPY {_EVENTS} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    for first in range(0, len(rows), 5000):
        cursor.executemany(_INSERT, rows[first : first + 5000])


def _finish(cursor, start: int, last: int, last_hash: str, hash_at) -> None:
    every = settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY
    if every and start // every != last // every:
        mark = (last // every) * every
        Checkpoint.objects.create(seq=mark, hash=hash_at(mark))
    cursor.execute(_SET_HEAD, [last, last_hash])


def append_events(events: Iterable[dict]) -> list[dict]:
    """Append events to the chain, in the caller's transaction (or a new one); returns them as written.

    Each dict has the TEXT_FIELDS (missing ones are empty). The head row is locked first, so
    concurrent writers are serialized and the chain keeps one order.
    """
    events = list(events)
    if not events:
        return []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        start, prev, _ = lock_head(cursor)
        at_us = time.time_ns() // 1000
        written = []
        for offset, raw in enumerate(events, start=1):
            event = _event_row(raw, start + offset, at_us)
            event["prev_hash"] = prev
            event["hash"] = prev = link(prev, canonical(event))
            written.append(event)
        _insert_rows(cursor, [[e[c] for c in _COLUMNS] for e in written])
        _finish(cursor, start, start + len(written), prev, lambda seq: written[seq - start - 1]["hash"])
        return written


def append_uniform(common: dict, customer_ids) -> int:
    """Append one event per customer, all alike but for the customer (the bulk reads of exports and
    reports). Same chain, same canonical form as append_events; the shared fields are encoded once."""
    ids = [str(c) for c in customer_ids]
    if not ids:
        return 0
    fields = {f: clean_text(f, common.get(f, "")) for f in TEXT_FIELDS if f != "customer_id"}
    split = TEXT_FIELDS.index("customer_id")
    before = "".join(f"{len(fields[f])}:{fields[f]};" for f in TEXT_FIELDS[:split])
    after = "".join(f"{len(fields[f])}:{fields[f]};" for f in TEXT_FIELDS[split + 1 :])
    head_values = [fields[f] for f in TEXT_FIELDS[:split]]
    tail_values = [fields[f] for f in TEXT_FIELDS[split + 1 :]]
    sha256 = hashlib.sha256
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        start, prev, _ = lock_head(cursor)
        at_us = time.time_ns() // 1000
        at_part = f"{len(str(at_us))}:{at_us};"
        rows, hashes = [], {}
        seq = start
        for cid in ids:
            seq += 1
            seq_text = str(seq)
            canon = f"{len(seq_text)}:{seq_text};{at_part}{before}{len(cid)}:{cid};{after}"
            digest = sha256(prev.encode("ascii") + canon.encode("utf-8")).hexdigest()
            rows.append([seq, at_us, *head_values, cid, *tail_values, prev, digest])
            prev = digest
            hashes[seq] = digest
        _insert_rows(cursor, rows)
        _finish(cursor, start, seq, prev, hashes.__getitem__)
        return len(ids)


def checkpoint_now() -> Checkpoint | None:
    with transaction.atomic():
        head = _head_for_update()
        if head.last_seq == 0:
            return None
        cp, _ = Checkpoint.objects.get_or_create(seq=head.last_seq, defaults={"hash": head.last_hash})
        return cp


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    position: int | None = None
    kind: str = ""
    detail: str = ""

    def __str__(self):
        if self.ok:
            return f"OK: {self.events} events, chain intact"
        return f"BROKEN at position {self.position}: {self.kind} — {self.detail}"


def verify_chain(chunk_size: int = 20_000) -> VerifyResult:
    """Walk the chain from the start; report the first break: its position and kind."""
    checkpoints = dict(Checkpoint.objects.values_list("seq", "hash"))
    head = ChainHead.objects.filter(pk=1).first()
    table = AccessEvent._meta.db_table
    sql = f"SELECT seq, prev_hash, hash, {canonical_sql()} FROM {table} ORDER BY seq"  # noqa: S608 (no user input)
    expected_seq, prev = 1, GENESIS_HASH
    sha256 = hashlib.sha256
    # A server-side cursor on PostgreSQL: the log is streamed, never held in memory whole.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            for seq, prev_hash, stored, canon in rows:
                if seq != expected_seq:
                    kind = "deleted" if seq > expected_seq else "inserted"
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        expected_seq,
                        kind,
                        f"expected event {expected_seq}, found {seq}",
                    )
                if sha256(prev_hash.encode("ascii") + canon.encode("utf-8")).hexdigest() != stored:
                    return VerifyResult(
                        False, seq - 1, seq, "modified", "the event's content does not match its hash"
                    )
                if prev_hash != prev:
                    return VerifyResult(
                        False,
                        seq - 1,
                        seq,
                        "reordered or inserted",
                        "the event does not link to the one before it",
                    )
                if seq in checkpoints and checkpoints[seq] != stored:
                    return VerifyResult(
                        False, seq - 1, seq, "rewritten", "the chain differs from a checkpoint"
                    )
                prev = stored
                expected_seq += 1
    last = expected_seq - 1
    beyond = [s for s in checkpoints if s > last]
    if beyond:
        return VerifyResult(
            False,
            last,
            last + 1,
            "truncated",
            f"the log ends at {last} but a checkpoint records position {max(beyond)}",
        )
    if head is None and last:
        return VerifyResult(False, last, last + 1, "head missing", "the chain's head row is gone")
    if head is not None and (head.last_seq != last or (last and head.last_hash != prev)):
        kind = "truncated" if head.last_seq > last else "head mismatch"
        return VerifyResult(
            False, last, last + 1, kind, f"the head records position {head.last_seq}, the log ends at {last}"
        )
    return VerifyResult(True, last)
