"""The sealed interval rows one customer's reads found in each month-shard, kept in the server process for
the next read of the same customer (a portal visit reads the same months for its home, its usage page and
its downloads): asking DuckDB for a dozen small files costs several milliseconds, a look at the files' stat
a few microseconds.

What is kept is what the file holds: sealed blocks (AES-GCM under the customer's data key, which the gate
unwraps for each read and keeps nowhere) and their clear columns. Nothing opened is kept, and every read
still goes through the gate's decision and writes its access event; this only spares reading the same
bytes from disk again.

An entry is for one file as it was: keyed by the file's path and customer and checked against the file's
inode, size, modification and change times in nanoseconds. A write or a removal replaces the file by
renaming a new one into place (a new inode), so the next read sees the change and reads the file again; an
entry of a replaced file is dropped when it is next looked at. The process keeps at most MAX_BYTES of
sealed blocks, the least recently read dropped first."""

import os
import threading
from collections import OrderedDict

MAX_BYTES = 16 * 2**20
_ROW_OVERHEAD = 200  # bytes a kept row costs besides its sealed block (tuple, integers, strings)

_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()  # (path, customer_id) → (stamp, rows, size)
_held = [0]


def stamp_of(path: str):
    """What tells this version of the file from any other: None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def kept(path: str, customer_id: int, stamp) -> list | None:
    """The rows kept for this customer from this version of the file, or None."""
    with _lock:
        entry = _entries.get((path, customer_id))
        if entry is None:
            return None
        if entry[0] != stamp:  # the file was replaced: what was kept of it goes
            _drop((path, customer_id))
            return None
        _entries.move_to_end((path, customer_id))
        return entry[1]


def keep(path: str, customer_id: int, stamp, rows: list) -> None:
    """Keep the rows read for this customer from the file as it was at `stamp` (taken before the read)."""
    size = sum(len(r[-1]) + _ROW_OVERHEAD for r in rows) + _ROW_OVERHEAD
    if size > MAX_BYTES:
        return
    with _lock:
        _drop((path, customer_id))
        _entries[(path, customer_id)] = (stamp, rows, size)
        _held[0] += size
        while _held[0] > MAX_BYTES:
            _drop(next(iter(_entries)))


def forget() -> None:
    """Drop everything kept (a test's interval store goes away with it)."""
    with _lock:
        _entries.clear()
        _held[0] = 0


def _drop(key) -> None:
    entry = _entries.pop(key, None)
    if entry is not None:
        _held[0] -= entry[2]
