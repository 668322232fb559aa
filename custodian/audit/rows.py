"""Rows of the access log's tables that are not what the application writes: `audit verify` reads every one
of these tables, and whoever can write the database (no key needed) can store in a column what SQLite
accepts — text in an integer or date column, NULL, an empty value, a blob of any length. Each such row is a
finding in its own right, named by its table, row and column, and kept out of the checks that read the
table after (which then name what its absence shows: a deleted event, a head that does not match); none of
them may stop the verification, or a deletion could hide behind the traceback.

The column's kind comes from the model's field (`EXPECTED`), so a new column is checked as soon as it is
declared; a field of a kind not listed there is named too, never skipped in silence. On PostgreSQL the
columns' types refuse most of these values: what is left there is the values a type can't express (a hash
that is not 64 hex digits, a tile that is not whole hashes)."""

import re
from collections.abc import Iterator

from django.db import connection
from django.utils.dateparse import parse_datetime

from custodian.audit.models import AccessEvent, LogLeaf, PendingEvent, Redaction, SignedHead, Tile, TreeHead

# Each table `audit verify` reads, and the kind of break a malformed row of it is: an event is changed, a
# redaction hides a deleted event, a signed head is not one the log key made, and so on.
TABLES = {
    AccessEvent: "modified",
    LogLeaf: "rewritten",
    Tile: "rewritten",
    TreeHead: "head mismatch",
    SignedHead: "forged head",
    Redaction: "deleted",
    PendingEvent: "not in the tree",
}

# SQLite's storage class each kind of field holds (`typeof`), as the application writes it.
EXPECTED = {
    "AutoField": "integer",
    "BigAutoField": "integer",
    "BigIntegerField": "integer",
    "IntegerField": "integer",
    "SmallIntegerField": "integer",
    "CharField": "text",
    "TextField": "text",
    "DateTimeField": "text",
    "BinaryField": "blob",
}

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HASH = 32
_TILE_WIDTH = 256


def _hex64(value) -> str:
    return "" if isinstance(value, str) and _HEX64.fullmatch(value) else "not 64 hexadecimal digits"


def _hex64_or_empty(value) -> str:
    return "" if value == "" else _hex64(value)


def _whole_hashes(value) -> str:
    if not isinstance(value, bytes | memoryview | bytearray):
        return "not bytes"
    n = len(value)
    return "" if 0 < n <= _TILE_WIDTH * _HASH and n % _HASH == 0 else f"{n} bytes, not 1 to 256 hashes of 32"


def _not_negative(value) -> str:
    return "" if isinstance(value, int) and value >= 0 else "negative"


# What a column's type can't say and the verifier relies on (checked on both databases).
MEANING = {
    (Redaction, "leaf_hash"): _hex64,
    (TreeHead, "root"): _hex64_or_empty,
    (Tile, "hashes"): _whole_hashes,
    (Tile, "level"): _not_negative,
    (Tile, "idx"): _not_negative,
    (LogLeaf, "idx"): _not_negative,
    (LogLeaf, "event_seq"): _not_negative,
}


def _shown(value) -> str:
    if isinstance(value, bytes | memoryview | bytearray):
        return f"{len(value)} bytes"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _storage_problems(model) -> Iterator[tuple[object, str, str]]:
    """(row's key, column, what) for SQLite's values of another storage class than the field's kind."""
    table, pk = model._meta.db_table, model._meta.pk.column
    fields = model._meta.concrete_fields
    wanted = {}
    for f in fields:
        expected = EXPECTED.get(f.get_internal_type())
        if expected is None:  # a kind this check does not know: named, never waved through
            yield None, f.column, f"a column of kind {f.get_internal_type()} that the verifier can't check"
            continue
        wanted[f.column] = (expected, "null") if f.null else (expected,)
    if not wanted:
        return
    columns = list(wanted)
    checks = " OR ".join(f"typeof({c}) NOT IN ({', '.join(repr(t) for t in wanted[c])})" for c in columns)
    sql = (
        f"SELECT CAST({pk} AS TEXT), typeof({pk}), "  # noqa: S608
        + ", ".join(f"typeof({c})" for c in columns)
        + f" FROM {table} WHERE {checks}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for key, key_type, *types in cursor.fetchall():
            key = int(key) if key_type == "integer" else key
            for column, kind in zip(columns, types, strict=True):
                if kind not in wanted[column]:
                    held = "NULL" if kind == "null" else f"a value of type {kind}"
                    yield key, column, f"holds {held}, not {wanted[column][0]}"
    # A date column holding text: the text must be a moment the ORM can read.
    for f in fields:
        if f.get_internal_type() != "DateTimeField":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, CAST({f.column} AS TEXT) FROM {table} "  # noqa: S608
                f"WHERE typeof({f.column}) = 'text'"
            )
            for key, text in cursor.fetchall():
                try:
                    moment = parse_datetime(text)
                except ValueError:
                    moment = None
                if moment is None:
                    yield key, f.column, f"holds {_shown(text)}, not a date and time"


def _meaning_problems(model) -> Iterator[tuple[object, str, str]]:
    checks = [(column, check) for (m, column), check in MEANING.items() if m is model]
    if not checks:
        return
    table, pk = model._meta.db_table, model._meta.pk.column
    sql = f"SELECT {pk}, {', '.join(c for c, _ in checks)} FROM {table}"  # noqa: S608
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(20_000):
            for key, *values in rows:
                for (column, check), value in zip(checks, values, strict=True):
                    if value is not None and (why := check(value)):
                        yield key, column, f"holds {_shown(value)}: {why}"


def malformed_rows() -> tuple[list[tuple[str, str]], dict[type, set]]:
    """Every row of the tables `audit verify` reads whose fields are missing, of the wrong type or not
    readable: (kind, what) for each column found, and the keys of those rows by model (to keep them out of
    the checks after). Five named per table, the rest counted; every one kept out."""
    named: list[tuple[str, str]] = []
    bad: dict[type, set] = {model: set() for model in TABLES}
    sqlite = connection.vendor == "sqlite"
    for model, kind in TABLES.items():
        table, pk = model._meta.db_table, model._meta.pk.column
        problems = list(_storage_problems(model)) if sqlite else []
        problems += list(_meaning_problems(model))
        shown = 0
        for key, column, what in problems:
            if key is not None:
                bad[model].add(key)
            if shown < 5:
                row = "" if key is None else f" row {pk}={key!r}"
                named.append((kind, f"{table}{row}: {column} {what} (written past the application)"))
                shown += 1
        if len(problems) > shown:
            named.append(
                (kind, f"{table}: {len(problems) - shown} more values not as the application writes them")
            )
    return named, bad
