"""Writing events to the access log, and their canonical form (the tree's leaf).

A writer inserts the event row in its own transaction and nothing else: no head to lock, so concurrent
readers don't queue behind each other. A database trigger queues every new event for the sequencer
(custodian.audit.tree), which later gives it its position in the Merkle tree.

Canonical form of an event (the bytes of its leaf, UTF-8): for each field of CANON_FIELDS whose text is not
empty, `<name>=<length in characters>:<text>\\n`. Naming the fields and leaving out empty ones means a field
added later (empty on older events) leaves older leaves unchanged; the length prefix makes the encoding
unambiguous. The database builds the same text (canonical_sql) so verification streams one column per event.

A leaf commits to who acted instead of naming them (COMMITTED_FIELDS, left out): `actor_commitment`, hex
SHA-256 of `salt=<length>:<salt>\\n` and those fields encoded as a leaf, under a random salt (`actor_salt`,
in no leaf nor receipt; `audit verify` opens every one). Events from before keep their leaves as they were.

Every event is sealed as it is written (`seal`, in the leaf: custodian.audit.seals): an HMAC of its whole
content, who acted in clear included, under a key outside the database. One HMAC an event, no query.
"""

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.utils.connection import ConnectionDoesNotExist

from custodian.audit import seals
from custodian.audit.actions import CHANGE_ACTIONS, Action, known_action
from custodian.audit.copying import _driver, copy_lines, copy_text, native_execute
from custodian.audit.models import AccessEvent

CANON_FIELDS = ("seq", "at_us", "nonce", *seals.WRITTEN_FIELDS, "actor_commitment", "seal")
COMMITTED_FIELDS = ("actor_id", "actor_label", "client_ip", "on_behalf_of")
TEXT_FIELDS = CANON_FIELDS[3:-2]  # what a writer gives; seq, at_us, nonce, the commitment and seal are added
_MAX = {f: AccessEvent._meta.get_field(f).max_length for f in TEXT_FIELDS}
_EVENTS = AccessEvent._meta.db_table
_COLUMNS = (*CANON_FIELDS[1:], "actor_salt")  # seq is the database's
_COMMITTED_AT = [TEXT_FIELDS.index(f) for f in COMMITTED_FIELDS]  # where a row's committed fields are
_CUSTOMER_AT = TEXT_FIELDS.index("customer_id")
_INSERT = f"INSERT INTO {_EVENTS} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
_NATIVE_INSERT = _INSERT.replace("%s", "?")  # SQLite's own placeholders


def clean_text(name: str, value) -> str:
    """Text as stored: NUL removed (PostgreSQL refuses it), cut to the column's length."""
    text = value if type(value) is str else ("" if value is None else str(value))
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text if len(text) <= _MAX[name] else text[: _MAX[name]]


def canonical(event: dict) -> str:
    """The leaf text of an event (a dict with CANON_FIELDS; missing ones empty; committed ones left out)."""
    skip = COMMITTED_FIELDS if event.get("actor_commitment") else ()
    return seals.leaf_encoded((name, event.get(name, "")) for name in CANON_FIELDS if name not in skip)


def actor_commitment(salt: str, values) -> str:
    """The commitment to `values` (the committed fields in COMMITTED_FIELDS order, as stored) under `salt`."""
    text = seals.leaf_encoded(zip(("salt", *COMMITTED_FIELDS), (salt, *values), strict=True))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shared(at_us: int, text: list, commitment: str, salt: str) -> list:
    """The values of seals.SHARED_FIELDS of an event: `text` in TEXT_FIELDS order, as stored."""
    return [at_us, *text[:_CUSTOMER_AT], *text[_CUSTOMER_AT + 1 :], commitment, salt]


def _event_row(key: tuple[str, bytes], at_us: int, nonce: str, text: list, commitment: str, salt: str):
    """A row of `_COLUMNS`, sealed with `key` (its hash and secret)."""
    seal = seals.seal(*key, [*_shared(at_us, text, commitment, salt), nonce, text[_CUSTOMER_AT]])
    return [at_us, nonce, *text, commitment, seal, salt]


def parse_canonical(text: str) -> dict[str, str]:
    """The fields of a leaf text (the inverse of canonical); ValueError if it is not one."""
    fields, at = {}, 0
    while at < len(text):
        eq = text.index("=", at)
        colon = text.index(":", eq)
        name, length = text[at:eq], int(text[eq + 1 : colon])
        end = colon + 1 + length
        if text[end : end + 1] != "\n" or name in fields:
            raise ValueError("not a canonical event")
        fields[name] = text[colon + 1 : end]
        at = end + 1
    return fields


def canonical_sql(alias: str = "", vendor: str | None = None) -> str:
    """An SQL expression equal to canonical() of the row (NULL when the row is missing in an outer join)."""
    vendor = vendor or connection.vendor
    length = "LENGTH" if vendor == "sqlite" else "CHAR_LENGTH"
    prefix = f"{alias}." if alias else ""
    parts = []
    for name in CANON_FIELDS:
        text = f"CAST({prefix}{name} AS TEXT)"
        # NULL (a missing row) stays NULL: `NULL <> ''` is not true, and the ELSE concatenates NULL.
        committed = f"WHEN {prefix}actor_commitment <> '' THEN '' " if name in COMMITTED_FIELDS else ""
        parts.append(
            f"CASE {committed}WHEN {text} = '' THEN '' ELSE '{name}=' || CAST({length}({text}) AS TEXT) || "
            f"':' || {text} || '\n' END"
        )
    return " || ".join(parts)


def _text_fields(raw: dict) -> list:
    known_action(raw.get("action", ""))  # every writer's events pass here: a free string is refused
    return [clean_text(f, raw.get(f, "")) for f in TEXT_FIELDS]


def _rows(events: list[dict]) -> list[list]:
    """Rows of `_COLUMNS` for events written together: one salt per person (docs/decisions.md says why)."""
    key, at_us, nonces = seals.active_key(), time.time_ns() // 1000, os.urandom(16 * len(events)).hex()
    rows, commitments = [], {}
    for i, raw in enumerate(events):
        text = _text_fields(raw)
        who = tuple(text[j] for j in _COMMITTED_AT)
        if (committed := commitments.get(who)) is None:
            salt = os.urandom(16).hex()
            committed = commitments[who] = (actor_commitment(salt, who), salt)
        rows.append(_event_row(key, at_us, nonces[32 * i : 32 * i + 32], text, *committed))
    return rows


def write_event(cursor, raw: dict) -> None:
    """Write one event in the caller's transaction (the gate's read path: one INSERT, nothing locked).
    `cursor` is a DB-API cursor of the default connection (Django's wrapper or the driver's own)."""
    cursor = _driver(cursor)
    random, text = os.urandom(32).hex(), _text_fields(raw)  # the nonce and the salt
    commitment = actor_commitment(random[32:], [text[i] for i in _COMMITTED_AT])
    row = _event_row(seals.active_key(), time.time_ns() // 1000, random[:32], text, commitment, random[32:])
    native_execute(cursor, _NATIVE_INSERT if isinstance(cursor, sqlite3.Cursor) else _INSERT, row)


def _insert_rows(cursor, rows: list[list]) -> None:
    """Bulk insert: COPY on PostgreSQL (several times faster than INSERTs for a million rows), executemany
    elsewhere; in slices so memory stays flat."""
    if connection.vendor == "postgresql":
        with _driver(cursor).copy(f"COPY {_EVENTS} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    for first in range(0, len(rows), 5000):
        cursor.executemany(_INSERT, rows[first : first + 5000])


def append_events(events: Iterable[dict]) -> int:
    """Append events in the caller's transaction (or a new one). Each dict has the TEXT_FIELDS (missing
    ones are empty). Returns how many."""
    events = list(events)
    if not events:
        return 0
    rows = _rows(events)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _insert_rows(cursor, rows)
    return len(rows)


def append_uniform(common: dict, customer_ids) -> int:
    """Append one event per customer, all alike but for the customer (the bulk reads of exports and
    reports); the shared fields are cleaned, committed to and fed to the seal's HMAC once (one salt, as
    `_rows`); each event's seal then adds its nonce and customer."""
    ids = [str(c) if type(c) is int else clean_text("customer_id", c) for c in customer_ids]
    if not ids:
        return 0
    text, salt, at_us = _text_fields(common), os.urandom(16).hex(), time.time_ns() // 1000
    commitment = actor_commitment(salt, [text[i] for i in _COMMITTED_AT])
    key_id, secret = seals.active_key()
    sealer = (seals.shared_part(secret, _shared(at_us, text, commitment, salt)), key_id)
    before, after = text[:_CUSTOMER_AT], [*text[_CUSTOMER_AT + 1 :], commitment]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _insert_uniform_sqlite(_driver(cursor), at_us, before, after, salt, ids, sealer)
            return len(ids)
        nonces, finish = os.urandom(16 * len(ids)).hex(), seals.finish
        head = f"{at_us}\t"
        middle = "".join(f"\t{copy_text(v)}" for v in before) + "\t"
        tail = "".join(f"\t{copy_text(v)}" for v in after) + "\t"
        end = f"\t{copy_text(salt)}\n"
        lines = (
            f"{head}{nonce}{middle}{copy_text(cid)}{tail}{finish(sealer[0], sealer[1], nonce, cid)}{end}"
            for nonce, cid in ((nonces[32 * i : 32 * i + 32], cid) for i, cid in enumerate(ids))
        )
        copy_lines(cursor, _EVENTS, _COLUMNS, lines)
    return len(ids)


# SQLite: one statement for a whole batch, the shared fields bound once and the customers as one JSON array,
# each event's nonce cut from one random blob by its place in the array (a blob is cut by bytes, in constant
# time) and written as the lowercase hex `os.urandom(16).hex()` gives; the seals likewise, as one ASCII blob.
# Binding 17 values for every event was half the cost of its insert.
_SEAL_AT = f"CAST(substr(?, {seals.SEAL_LENGTH} * ids.key + 1, {seals.SEAL_LENGTH}) AS TEXT)"
_UNIFORM_SQLITE = (
    f"INSERT INTO {_EVENTS} ({', '.join(_COLUMNS)}) SELECT "  # noqa: S608
    + ", ".join(
        ["?", "lower(hex(substr(?, 16 * ids.key + 1, 16)))"]
        + [{"customer_id": "ids.value", "seal": _SEAL_AT}.get(f, "?") for f in _COLUMNS[2:]]
    )
    + " FROM json_each(?) AS ids ORDER BY ids.key"
)


def _insert_uniform_sqlite(cursor, at_us: int, before: list, after: list, salt: str, ids: list, sealer):
    shared, key_id = sealer
    finish = seals.finish
    for first in range(0, len(ids), 50_000):  # in slices: the JSON text and the blobs stay small
        part = ids[first : first + 50_000]
        nonces = os.urandom(16 * len(part))
        sealed = "".join(
            finish(shared, key_id, nonces[16 * i : 16 * i + 16].hex(), cid) for i, cid in enumerate(part)
        )
        cursor.execute(
            _UNIFORM_SQLITE,
            [at_us, nonces, *before, *after, sealed.encode("ascii"), salt, json.dumps(part)],
        )


# --- events that must outlive the caller's transaction ------------------------------------------------
#
# A denial or a refusal is recorded even when the caller's own transaction then rolls back (the caller
# usually rolls back *because* of the denial). Inside a caller's transaction the event is therefore written
# on a connection of its own. On PostgreSQL that connection commits at once. SQLite has one writer at a
# time and the caller's transaction holds the write lock until it ends, so the event is written by a
# thread that waits for the lock: it lands as soon as the caller commits or rolls back (`settle_detached`
# waits for it; tests and shutdown call it).

_DETACHED = "audit_detached"
_pending_threads: list[threading.Thread] = []
_pending_lock = threading.Lock()


def _in_callers_transaction(db=None) -> bool:
    """Inside an atomic block opened by application code (not only a test case's wrapping transaction).
    `db`: the default connection itself, inside a read's own atomic block (its last, not counted)."""
    if db is None:
        return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
    return any(not getattr(block, "_from_testcase", False) for block in db.atomic_blocks[:-1])


def _detached_connection():
    """A second connection to the same database, kept per thread (registered under its own alias)."""
    try:
        conn = connections[_DETACHED]
    except ConnectionDoesNotExist:
        conn = None
    if conn is None or conn.settings_dict["NAME"] != connection.settings_dict["NAME"]:
        if conn is not None:
            conn.close()
        conn = type(connections["default"])(dict(connection.settings_dict), alias=_DETACHED)
        connections[_DETACHED] = conn
    return conn


def _insert_on(alias: str, events: list[dict]) -> None:
    """Insert events on a connection of our own, in autocommit: each commits on its own at once."""
    rows = _rows(events)
    with connections[alias].cursor() as cursor:
        for row in rows:
            cursor.execute(_INSERT, row)


def _write_when_free(settings_dict: dict, write: Callable[[str], None]) -> None:
    conn = type(connections["default"])(dict(settings_dict), alias=_DETACHED)
    connections[_DETACHED] = conn  # this thread's own
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                write(_DETACHED)
                return
            except OperationalError:  # the caller still holds the lock past the driver's timeout: wait again
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        conn.close()


def record_surviving(write: Callable[[str], None]) -> None:
    """Run `write(alias)` so that what it writes (through `connections[alias]` or `.using(alias)`) is
    committed whatever the caller's transaction does next: denials, refusals."""
    if not _in_callers_transaction():
        write(DEFAULT_DB_ALIAS)
    elif connection.vendor == "postgresql":
        _detached_connection()
        write(_DETACHED)
    else:
        thread = threading.Thread(
            target=_write_when_free, args=(dict(connection.settings_dict), write), daemon=False
        )
        with _pending_lock:
            _pending_threads.append(thread)
        thread.start()


def append_surviving(events: Iterable[dict]) -> None:
    """Append events that must be recorded whatever the caller's transaction does next."""
    events = list(events)
    for event in events:  # refused here, not later on a connection or a thread of its own
        known_action(event.get("action", ""))
    if events:
        record_surviving(
            lambda alias: append_events(events) if alias == DEFAULT_DB_ALIAS else _insert_on(alias, events)
        )


def close_detached() -> None:
    """Close this thread's connection of its own, if it has one."""
    with contextlib.suppress(ConnectionDoesNotExist):
        connections[_DETACHED].close()


def settle_detached(timeout: float = 60) -> None:
    """Wait for events still waiting to be written on a connection of their own (SQLite)."""
    with _pending_lock:
        threads, _pending_threads[:] = list(_pending_threads), []
    for thread in threads:
        thread.join(timeout)


# --- writes that change what the utility holds about a customer ---------------------------------------


def append_change(
    *,
    action: Action,
    actor_kind: str,
    actor_id: str,
    actor_label: str,
    roles: str = "",
    customer_ids=(),
    categories=(),
    reason: str = "",
    request_id: str = "",
) -> int:
    """Record a change (a value corrected, contact details updated, an opt-out, a consent given or revoked,
    an emergency access reviewed, a staff member's services changed) in the same log as the reads, in the
    writer's transaction: one event per customer concerned, or one without a customer."""
    if action not in CHANGE_ACTIONS:
        raise ValueError(f"not a change the log knows: {action!r}")
    common = {
        "action": action,
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "roles": roles,
        "purpose": "",
        "request_id": request_id,
        "categories": ",".join(sorted(set(categories))),
        "decision": "allow",
        "reason": reason,
    }
    ids = list(customer_ids)
    return append_uniform(common, ids) if ids else append_events([common])
