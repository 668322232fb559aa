"""Writing rows in bulk: PostgreSQL's COPY text format, and the driver's own cursor under Django's wrapper."""

import sqlite3
from collections.abc import Iterable


def _driver(cursor):
    """The database driver's own cursor under Django's wrapper: the statements here are in the driver's
    placeholder style, and the wrapper's debug logging (DEBUG on) can't format them."""
    return getattr(cursor, "cursor", cursor)


def native_execute(cursor, sql: str, params) -> None:
    """Run `sql`, written in the driver's own placeholder style, on the driver's cursor (`_driver`). Django's
    SQLite cursor class turns `%s` into `?` with a regular expression on every statement, even one already
    written with `?`: the gate's statements run on every read, so on SQLite they go to sqlite3's own
    `execute`, the same call without that pass."""
    if isinstance(cursor, sqlite3.Cursor):
        sqlite3.Cursor.execute(cursor, sql, params)
    else:
        cursor.execute(sql, params)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """A value as one field of PostgreSQL's COPY text format (NULL as `\\N`; backslash, tab and line breaks
    escaped). Rows that differ in one or two fields are written as text built once for the shared fields:
    the driver's `write_row` adapts and escapes every value of every row, which for a million events and a
    million accounting entries was seconds of the export's one busy core."""
    if value is None:
        return "\\N"
    return (value if type(value) is str else str(value)).translate(_COPY_ESCAPES)


def copy_lines(cursor, table: str, columns, lines: Iterable[str]) -> None:
    """COPY rows already written as COPY text lines (`copy_text` fields joined by tabs, each ending in a
    newline) into `table`, some thousands of lines a write."""
    with _driver(cursor).copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == 5000:
                copy.write("".join(batch))
                batch.clear()
        if batch:
            copy.write("".join(batch))
