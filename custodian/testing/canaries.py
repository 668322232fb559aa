"""Canary values and a scanner that looks for them wherever Custodian keeps anything.

A test plants distinctive values (names, e-mail addresses, phone numbers, an address, a user agent) through
the public interface, then asks `scan` where any of them is in clear: every column of every table of the
database (as text and as bytes), the SQLite database image (free pages included) and its WAL, the files of
the interval store and the var directory, and any captured text (log output, the console). A finding names
the table and column, or the file, or the text.

To extend it: add a `Canary`; add a place with `SCANNED_TEXTS` (pass `texts={"json log": captured}`), or a
scanner function to `SCANNERS`; teach it an encoding with `COLUMN_DECODERS` (the session table's data is
signed base64 JSON, decoded before it is searched).
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection


@dataclass(frozen=True)
class Canary:
    kind: str  # name | email | phone | ip | user_agent | …
    value: str
    variants: tuple[str, ...] = field(default=())

    def forms(self) -> list[str]:
        """The value and the forms it may be stored in (a phone number as digits only)."""
        found = [self.value, *self.variants]
        if self.kind == "phone":
            found.append(re.sub(r"\D", "", self.value))
        return [f.lower() for f in found if f]


@dataclass(frozen=True)
class Finding:
    where: str
    canary: Canary

    def __str__(self):
        return f"{self.canary.kind} {self.canary.value!r} in clear in {self.where}"


def _text_hits(text: str, canaries: Iterable[Canary], where: str) -> list[Finding]:
    lowered = text.lower()
    return [Finding(where, c) for c in canaries if any(f in lowered for f in c.forms())]


def _bytes_hits(data: bytes, canaries: Iterable[Canary], where: str) -> list[Finding]:
    lowered = data.lower()
    hits = []
    for c in canaries:
        for form in c.forms():
            if form.encode() in lowered or form.encode("utf-16-le") in lowered:
                hits.append(Finding(where, c))
                break
    return hits


def _decode_session(value) -> str:
    return json.dumps(SessionStore().decode(value), default=str)


# (table, column) → a function giving the text to search, for columns that store an encoding.
COLUMN_DECODERS: dict[tuple[str, str], Callable[[object], str]] = {
    ("django_session", "session_data"): _decode_session,
}


def scan_tables(canaries: list[Canary]) -> list[Finding]:
    findings = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 (names from the database itself)
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    where = f"table {table}, column {column}"
                    if isinstance(value, memoryview | bytes | bytearray):
                        findings += _bytes_hits(bytes(value), canaries, where)
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    decoder = COLUMN_DECODERS.get((table, column))
                    if decoder is not None:
                        try:
                            text += "\n" + decoder(value)
                        except Exception as exc:  # noqa: BLE001 (an undecodable value is a finding of its own)
                            text += f"\nundecodable: {exc}"
                    findings += _text_hits(text, canaries, where)
    return findings


def scan_sqlite_image(canaries: list[Canary]) -> list[Finding]:
    """The database file as it lies on disk (deleted rows linger in free pages until overwritten) and its
    write-ahead log. An in-memory test database is read page by page (sqlite3's serialize)."""
    if connection.vendor != "sqlite":
        return []
    name = str(connection.settings_dict["NAME"])
    findings = []
    if not connection.is_in_memory_db() and Path(name).exists():
        for suffix in ("", "-wal", "-shm"):
            path = Path(name + suffix)
            if path.exists():
                findings += _bytes_hits(path.read_bytes(), canaries, f"SQLite file {path.name}")
        return findings
    connection.ensure_connection()
    # serialize() copies every page through the connection (the test's own open transaction included).
    image = connection.connection.serialize()
    return _bytes_hits(image, canaries, "SQLite database image")


def scan_files(canaries: list[Canary]) -> list[Finding]:
    """The interval store and everything else under the var directory (exports, manifests), keys aside."""
    findings = []
    roots = {Path(settings.CUSTODIAN_INTERVAL_DIR), Path(settings.VAR_DIR)}
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "keys" in path.relative_to(root).parts:
                continue
            findings += _bytes_hits(path.read_bytes(), canaries, f"file {path}")
    return findings


SCANNERS: list[Callable[[list[Canary]], list[Finding]]] = [scan_tables, scan_sqlite_image, scan_files]


def scan(canaries: list[Canary], *, texts: dict[str, str] | None = None) -> list[Finding]:
    """Every place a canary is in clear; `texts` names captured output (log records, the console)."""
    findings = []
    for scanner in SCANNERS:
        findings += scanner(canaries)
    for where, text in (texts or {}).items():
        findings += _text_hits(text, canaries, where)
    return list(dict.fromkeys(findings))
