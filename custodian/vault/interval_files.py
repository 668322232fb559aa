"""The interval store: meters' interval readings (15-minute, hourly) in Parquet files beside the database.

One row per block: one customer's readings of one service for one local calendar month, sealed with the
customer's data key (AES-GCM, with customer, service and month bound as associated data: a block moved to
another row fails to open). In clear are only what finds a block without opening it: the customer's
internal id, the service, the month, the first reading's start, the interval length and the count.
DuckDB reads the files (projection and filter push-down pick the blocks out); only the gate opens them.

Layout: <CUSTODIAN_INTERVAL_DIR>/<YYYY-MM>/shard-<customer_id // 1000>.parquet. A write rewrites one
month-shard (at most 1,000 customers' blocks) to a temporary file and renames it into place under an
exclusive lock, so a reader sees the old file or the new one, never half of one, and a re-run replaces
blocks instead of adding copies. A writer that merges with what is held (an import) holds the customer's
lock (`customer_locked`) from its read to its commit, and so does a removal: the month-shard's lock alone
would let a second writer's commit replace the first's blocks with a merge made before them. Locks are taken
in one order, customers' in ascending order and then month-shards' in sorted order, so no two writers each
wait for the other.

This module seals and opens nothing: sealing is in custodian.vault.services, opening in the gate.

One module (over 400 lines) on purpose: every write to the files (a month-shard rewritten, staged blocks put
in place, blocks removed) takes the same locks in the same order, and that order is only checkable when the
writers are read together.
"""

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from custodian.vault import sealed_rows

SHARD_SIZE = 1000
LOCAL = ZoneInfo(settings.TIME_ZONE)  # the utility's, from the policy file's [utility] table
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MISSING = np.iinfo(np.int32).min  # an interval without a reading
SCHEMA_COLUMNS = (
    "customer_id",
    "service",
    "month",
    "start",
    "interval",
    "count",
    "provenance_id",
    "ciphertext",
)


@dataclass(frozen=True)
class IntervalBlock:
    """A customer's readings for one service and local month: `values[i]` covers
    [start + i·interval, start + (i+1)·interval), in the service's billing unit (kWh, therm, gal);
    NaN where no reading was taken."""

    customer_id: int
    service: str
    month: str
    start: int  # UTC epoch seconds
    interval: int  # seconds
    values: np.ndarray

    @property
    def end(self) -> int:
        return self.start + self.interval * len(self.values)


def store_dir() -> Path:
    return Path(settings.CUSTODIAN_INTERVAL_DIR)


def month_of(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, LOCAL).strftime("%Y-%m")


@lru_cache(maxsize=4096)
def month_bounds(month: str) -> tuple[int, int]:
    """UTC epoch seconds of the local month's first instant and of the next month's (kept for the months
    asked last: an import asks each of its months' bounds for every series, and the time zone's rules for
    a month do not change while the process runs)."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=LOCAL)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=LOCAL)
    return int(start.timestamp()), int(end.timestamp())


def months_between(start: int, end: int) -> list[str]:
    """The local months that [start, end) touches."""
    months, cursor = [], start
    while cursor < end:
        month = month_of(cursor)
        months.append(month)
        cursor = month_bounds(month)[1]
    return months


def block_field(service: str, month: str) -> str:
    """The associated data's field part: binds a sealed block to its service and month."""
    return f"meter_usage:interval:{service}:{month}"


def encode_values(values: np.ndarray) -> bytes:
    """Thousandths of the unit as little-endian int32 (Wh for kWh), compressed before sealing."""
    scaled = np.where(np.isnan(values), MISSING, np.round(np.nan_to_num(values) * 1000)).astype("<i4")
    return zlib.compress(scaled.tobytes(), 1)


def decode_values(payload: bytes, count: int) -> np.ndarray:
    raw = np.frombuffer(zlib.decompress(payload), dtype="<i4", count=count)
    values = raw.astype(np.float64) / 1000
    values[raw == MISSING] = np.nan
    return values


def _path(month: str, shard: int) -> Path:
    if not MONTH.match(month):
        raise ValueError(f"not a month: {month!r}")
    return store_dir() / month / _shard_name(shard)


@contextmanager
def _locked(path: Path):
    with _flocked(path.with_suffix(".lock")):
        yield


@contextmanager
def _flocked(lock_path: Path):
    # flock: held by every process on the host whatever the database, and released if the process dies.
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def customer_locked(customer_id: int):
    """The customer's store lock, held by a writer from before it reads what is held (to merge with it)
    until its blocks are in place, and by a removal of the customer's blocks: two imports of one customer's
    month, or an import and a removal, run one after the other. Taken before any month-shard's lock. Not
    re-entrant: a writer holding it does not take it again."""
    cid = int(customer_id)
    with _flocked(store_dir() / ".locks" / f"{cid // SHARD_SIZE:05d}" / f"customer-{cid}.lock"):
        held = _writing.__dict__.setdefault("customers", set())
        held.add(cid)
        try:
            yield
        finally:
            held.discard(cid)


# The customers whose locks this thread holds: what it reads of them it is about to replace, so a read of
# one of them keeps nothing for the next read (custodian.vault.sealed_rows).
_writing = threading.local()


@contextmanager
def customers_locked(customer_ids: Sequence[int]):
    """Several customers' locks, taken in ascending order (the order every writer takes them in): a writer
    that rewrites many customers' blocks from what it read of them (the retention run's monthly totals, a
    removal) holds them from its read to its write. Each is an open file: take a few hundred at most."""
    with ExitStack() as held:
        for cid in sorted({int(c) for c in customer_ids}):
            held.enter_context(customer_locked(cid))
        yield


_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        ("service", pa.string()),
        ("month", pa.string()),
        ("start", pa.int64()),
        ("interval", pa.int32()),
        ("count", pa.int32()),
        ("provenance_id", pa.int64()),
        ("ciphertext", pa.binary()),
    ]
)


def write_rows(rows: Iterable[dict], *, removed: Iterable[tuple[int, str, str]] = ()) -> int:
    """Put sealed rows (dicts with SCHEMA_COLUMNS) in their month-shards, replacing the blocks they supersede
    (same customer, service and month), and take out the `removed` blocks ((customer, service, month)) in
    the same rewrite of their month-shard: a reader sees both changes or neither (the retention run puts a
    month's total in and its readings' other blocks out at once). Returns the number of files rewritten."""

    grouped: dict[tuple[str, int], list[dict]] = defaultdict(list)
    gone: dict[tuple[str, int], set[tuple[int, str]]] = defaultdict(set)
    for row in rows:
        grouped[(row["month"], row["customer_id"] // SHARD_SIZE)].append(row)
    for cid, service, month in removed:
        gone[(month, int(cid) // SHARD_SIZE)].add((int(cid), service))
    shards = sorted(set(grouped) | set(gone))
    for month, shard in shards:
        _shard_rewrite(_path(month, shard), grouped.get((month, shard), []), gone.get((month, shard), set()))
    return len(shards)


def _shard_rewrite(path: Path, new: list[dict], removed: set[tuple[int, str]] = frozenset()) -> None:
    """One month-shard rewritten with `new` rows in place of the blocks they supersede (the last of two
    rows for one block wins) and without the `removed` blocks ((customer, service)), to a temporary file
    renamed into place under the shard's lock."""
    with _locked(path):
        if not new and not path.exists():
            return
        os.replace(_shard_merged(path, _RowsInMemory(new, removed)), path)


# A month-shard is written in row groups of a few hundred rows (DuckDB skips a group by its customer_id
# statistics) and of about this many bytes of sealed blocks at most, and read back SHARD_READ_ROWS rows at
# a time (in READ_BUFFER pieces of the file): a rewrite holds a row group's worth of blocks, however many
# the month-shard or the new rows hold.
SHARD_GROUP_ROWS, SHARD_GROUP_BYTES = 256, 2**20
SHARD_READ_ROWS, READ_BUFFER = 16, 64 * 1024


class _RowsInMemory:
    """New rows given as a list (`write_rows`): the last row of a block wins, the others sorted by customer
    and service; the blocks `removed` are superseded by nothing."""

    def __init__(self, rows: list[dict], removed: set[tuple[int, str]] = frozenset()):
        latest = {(r["customer_id"], r["service"]): r for r in rows}
        keys = sorted(latest)
        self.replaced = set(keys) | set(removed)
        self.customers = sorted({cid for cid, _ in self.replaced})
        self._ids = np.array([cid for cid, _ in keys], dtype=np.int64)
        self._table = pa.Table.from_pylist([latest[k] for k in keys], schema=_SCHEMA)

    def rows_of(self, customer_id: int):
        first, after = (
            np.searchsorted(self._ids, customer_id, "left"),
            np.searchsorted(self._ids, customer_id, "right"),
        )
        yield self._table.slice(int(first), int(after - first))


class _StagedShard:
    """One month-shard's rows in a staging file (`StagedRows`), found from the clear columns of the row
    groups that hold them (the last staged row of a block wins) and read back a row group at a time."""

    def __init__(self, staged: pq.ParquetFile, groups: Iterable[int], month: str, shard: int):
        self._staged = staged
        latest: dict[tuple[int, str], tuple[int, int]] = {}
        for group in sorted(groups):
            clear = staged.read_row_group(group, columns=["customer_id", "service", "month"])
            ids = clear.column("customer_id").to_numpy()
            mine = np.flatnonzero(
                (ids // SHARD_SIZE == shard) & pc.equal(clear.column("month"), month).to_numpy()
            )
            services = clear.column("service").take(mine).to_pylist()
            for row, cid, service in zip(mine.tolist(), ids[mine].tolist(), services, strict=True):
                latest[(cid, service)] = (group, row)
        self.replaced = set(latest)
        self.customers = sorted({cid for cid, _ in latest})
        self._where: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for (cid, _), (group, row) in latest.items():
            self._where[cid][group].append(row)

    def rows_of(self, customer_id: int):
        for group, rows in sorted(self._where[customer_id].items()):
            yield self._staged.read_row_group(group).take(sorted(rows))


class _ShardFile:
    """A month-shard's new file, written and synced beside it a row group at a time."""

    def __init__(self, path: Path):
        self.path = path.with_suffix(f".tmp{os.getpid()}")
        self._writer = pq.ParquetWriter(self.path, _SCHEMA, compression="none")
        self._pieces: list[pa.Table] = []
        self._rows = self._bytes = 0

    def add(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        self._pieces.append(table)
        self._rows += table.num_rows
        self._bytes += table.column("ciphertext").nbytes
        if self._rows >= SHARD_GROUP_ROWS or self._bytes >= SHARD_GROUP_BYTES:
            self._group_write()

    def _group_write(self) -> None:
        if self._pieces:
            # Blocks are sealed (incompressible): no compression.
            self._writer.write_table(pa.concat_tables(self._pieces), row_group_size=SHARD_GROUP_ROWS)
            self._pieces, self._rows, self._bytes = [], 0, 0

    def finished(self) -> Path:
        self._group_write()
        self._writer.close()
        _file_synced(self.path)
        return self.path

    def abandon(self) -> None:
        try:
            # Already failing: an error closing the file it is removing would only hide the first.
            with contextlib.suppress(Exception):
                self._writer.close()
        finally:
            self.path.unlink(missing_ok=True)


def _shard_merged(path: Path, new) -> Path:
    """The month-shard as it is to be with `new`'s rows (`_RowsInMemory`, `_StagedShard`) in place of the
    blocks they supersede, written and synced to a temporary file beside it (removed again if that fails);
    the caller holds the shard's lock and renames the file into place.

    Streamed: the month-shard is read a few rows at a time and each of `new`'s customers' rows are put
    after the customer's kept rows (a month-shard is in customer order, and stays so), so what is held is a
    row group's worth of blocks whatever the month-shard and the new rows hold."""
    out = _ShardFile(path)
    try:
        pending, next_one = new.customers, 0
        for kept in _kept_rows(path, new):
            ids = kept.column("customer_id").to_numpy()
            at = 0
            while next_one < len(pending):
                cut = int(np.searchsorted(ids, pending[next_one], "right"))
                if cut >= len(ids):  # the customer's kept rows may go on in the next rows
                    break
                out.add(kept.slice(at, cut - at))
                at = cut
                for piece in new.rows_of(pending[next_one]):
                    out.add(piece)
                next_one += 1
            out.add(kept.slice(at))
        for customer_id in pending[next_one:]:
            for piece in new.rows_of(customer_id):
                out.add(piece)
        return out.finished()
    except BaseException:
        out.abandon()
        raise


def _kept_rows(path: Path, new):
    """The month-shard's rows that `new` does not supersede, a few at a time (none if it does not exist)."""
    if not path.exists():
        return
    with pq.ParquetFile(path, pre_buffer=False, buffer_size=READ_BUFFER) as old:
        for batch in old.iter_batches(batch_size=SHARD_READ_ROWS, use_threads=False):
            yield _kept(pa.Table.from_batches([batch]).cast(_SCHEMA), new)


def _kept(table: pa.Table, new) -> pa.Table:
    """The rows of `table` that `new` does not supersede."""
    ids = table.column("customer_id").to_numpy()
    touched = np.flatnonzero(np.isin(ids, new.customers))
    if not len(touched):
        return table
    services = table.column("service").take(touched).to_pylist()
    keep = np.ones(len(ids), dtype=bool)
    for row, cid, service in zip(touched.tolist(), ids[touched].tolist(), services, strict=True):
        keep[row] = (cid, service) not in new.replaced
    return table.filter(pa.array(keep))


def _file_synced(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _table_written(table: pa.Table, path: Path) -> Path:
    """`table` in a synced temporary file beside `path`; on any failure the temporary file is removed."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        pq.write_table(table, tmp, row_group_size=SHARD_GROUP_ROWS, compression="none")
        _file_synced(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


# A row group of the staging file holds at most this many rows or (about) bytes of sealed blocks: what waits
# in memory to be written stays small.
STAGED_GROUP_ROWS, STAGED_GROUP_BYTES = 16, 128 * 1024
# A staging file older than this is left by a process that crashed or was killed: no import stages for a day.
STALE_STAGING = 86400


class StagedRows:
    """Sealed rows written a few at a time to a staging file beside the store, and put in their month-shards
    together by `commit` (each month-shard rewritten once, as `write_rows` does); `discard` drops them with
    nothing stored. So a long import holds one block at a time in clear (and a row group's sealed rows) and
    still stores all or nothing.
    The staging file holds only sealed blocks (as the store does) and is not a month-shard: no read finds
    it, and one left by a crash is never read."""

    def __init__(self):
        root = store_dir()
        root.mkdir(parents=True, exist_ok=True)
        _stale_files_remove(root)
        handle, name = tempfile.mkstemp(dir=root, prefix=".staged-", suffix=".parquet")
        os.close(handle)
        self.path = Path(name)
        self._writer = pq.ParquetWriter(self.path, _SCHEMA, compression="none", write_statistics=False)
        self._shards: dict[tuple[str, int], set[int]] = defaultdict(set)  # month-shard → its row groups
        self._waiting: list[dict] = []  # the rows of the row group being filled
        self._waiting_bytes = 0
        self._groups = 0  # row groups written
        self.count = 0

    def add(self, row: dict) -> None:
        if not MONTH.match(row["month"]):
            raise ValueError(f"not a month: {row['month']!r}")
        self._shards[(row["month"], row["customer_id"] // SHARD_SIZE)].add(self._groups)
        self._waiting.append(row)
        self._waiting_bytes += len(row["ciphertext"])
        self.count += 1
        if len(self._waiting) >= STAGED_GROUP_ROWS or self._waiting_bytes >= STAGED_GROUP_BYTES:
            self._group_write()

    def _group_write(self) -> None:
        # A few rows a row group: writing each row as a group of its own cost a millisecond a block, and
        # `commit` reads back only the groups that hold a month-shard's rows.
        if self._waiting:
            self._writer.write_table(pa.Table.from_pylist(self._waiting, schema=_SCHEMA))
            self._waiting, self._waiting_bytes = [], 0
            self._groups += 1

    def commit(self) -> int:
        """Every staged row into its month-shard; the number of month-shards rewritten.

        In two steps, under every month-shard's lock (taken in sorted order): each month-shard's new file is
        written and synced beside it, then all are renamed into place. A failure while writing (a full disk)
        removes every new file and stores nothing; the renames that follow need no space."""
        try:
            self._group_write()
            self._writer.close()
            staged = pq.ParquetFile(self.path)
            shards = sorted(self._shards)
            paths = [_path(month, shard) for month, shard in shards]
            with ExitStack() as locks:
                for path in paths:
                    locks.enter_context(_locked(path))
                written: list[tuple[Path, Path]] = []
                try:
                    for key, path in zip(shards, paths, strict=True):
                        written.append(
                            (_shard_merged(path, _StagedShard(staged, self._shards[key], *key)), path)
                        )
                except BaseException:
                    for tmp, _ in written:
                        tmp.unlink(missing_ok=True)
                    raise
                for tmp, path in written:
                    os.replace(tmp, path)
            return len(shards)
        finally:
            self.path.unlink(missing_ok=True)

    def discard(self) -> None:
        try:
            self._writer.close()
        finally:
            self.path.unlink(missing_ok=True)


def _stale_files_remove(root: Path) -> None:
    """Staging files and month-shards' temporary files older than STALE_STAGING: a process that crashed or
    was killed mid-import leaves them, and the sealed blocks in them are to leave the disk as a removal's
    do, not linger. A younger one may be another import's, still running, and is left alone."""
    cutoff = time.time() - STALE_STAGING
    for path in [*root.glob(".staged-*.parquet"), *root.glob("*/shard-*.tmp*")]:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another process removed it first
            continue


def _files(months: Sequence[str], customer_ids: Sequence[int] | None) -> list[str]:
    shards = None if customer_ids is None else sorted({c // SHARD_SIZE for c in customer_ids})
    root = str(store_dir())
    found = []
    for month in months:
        if not MONTH.match(month):
            continue
        folder = os.path.join(root, month)
        if shards is None:
            if os.path.isdir(folder):
                found += sorted(str(p) for p in Path(folder).glob("shard-*.parquet"))
        else:
            # One look at the disk per month-shard (a missing month's folder holds no file either), on the
            # path as a string: a customer's read names fourteen of them, and pathlib's objects and a second
            # look at the folder cost more than the look itself.
            found += [path for s in shards if os.path.isfile(path := os.path.join(folder, _shard_name(s)))]
    return found


def _shard_name(shard: int) -> str:
    return f"shard-{shard:05d}.parquet"


_duckdb_local = threading.local()


def _duckdb(*, one_customer: bool = False):
    """This thread's DuckDB connection (in memory, no data of its own), opened once per process and thread
    (opening one costs more than a customer's read). It caches no file: every query reads the month-shards
    as they are on disk, and what it reads is sealed (only the gate opens it). A read of one customer gets
    a connection of its own that runs each query on one thread (a few rows from small files cost a third
    less CPU without DuckDB's thread pool handing them around); reads of many customers keep every core."""
    name = "single" if one_customer else "pooled"
    con = getattr(_duckdb_local, name, None)
    if (
        con is None or getattr(_duckdb_local, f"{name}_pid", None) != os.getpid()
    ):  # a forked child opens its own
        config = {"enable_external_file_cache": False, "cache_local_files": False}
        if one_customer:
            config["threads"] = 1
        con = duckdb.connect(config=config)
        setattr(_duckdb_local, name, con)
        setattr(_duckdb_local, f"{name}_pid", os.getpid())
    return con


def _matching(column: str, values: Sequence) -> tuple[str, list]:
    """A filter on one column: `=` for a single value (DuckDB prunes row groups on it more cheaply)."""
    if len(values) == 1:
        return f"{column} = ?", [values[0]]
    return f"{column} IN (SELECT unnest(?))", [list(values)]


def shard_files(months: Sequence[str], customer_ids: Sequence[int]) -> list[tuple[str, int, str]]:
    """(month, shard, path) of the month-shards holding these customers' blocks of these months."""
    shards = sorted({c // SHARD_SIZE for c in customer_ids})
    return [
        (month, shard, str(path))
        for month in months
        if MONTH.match(month)
        for shard in shards
        if (path := _path(month, shard)).exists()
    ]


def read_rows(*, months: Sequence[str], customer_ids: Sequence[int] | None, services: Sequence[str] | None):
    """The sealed rows (tuples in SCHEMA_COLUMNS order) of these customers (None: everyone) and months."""
    if customer_ids is not None and len(customer_ids) == 1:
        return _one_customer_rows(months, int(customer_ids[0]), services)
    files = _files(months, customer_ids)
    if not files:
        return []
    where, params = ["TRUE"], []
    for column, values in (
        ("customer_id", None if customer_ids is None else [int(c) for c in customer_ids]),
        ("service", list(services) if services else None),
    ):
        if values is not None:
            clause, value = _matching(column, values)
            where.append(clause)
            params += value
    rows = (
        _duckdb()
        .execute(
            f"SELECT {', '.join(SCHEMA_COLUMNS)} FROM read_parquet(?) "  # noqa: S608 (fixed column names)
            f"WHERE {' AND '.join(where)} ORDER BY customer_id, service, month",
            [files, *params],
        )
        .fetchall()
    )
    # Only the months' own files are read; a row is kept only if it says it is of one of them, as well.
    wanted = set(months)
    return [row for row in rows if row[2] in wanted]


def _one_customer_rows(months: Sequence[str], customer_id: int, services: Sequence[str] | None) -> list:
    """One customer's rows (a portal page, a download): each month-shard's rows of the customer as kept from
    an earlier read of the same version of the file (custodian.vault.sealed_rows), the others read in one
    query (every service; then kept). A row counts only from its own month's file."""
    shard = customer_id // SHARD_SIZE
    root = str(store_dir())
    found, missing = [], {}
    for month in dict.fromkeys(months):
        if not MONTH.match(month):
            continue
        path = os.path.join(root, month, _shard_name(shard))
        stamp = sealed_rows.stamp_of(path)  # before the file is read: a later rewrite is seen next time
        if stamp is None:
            continue
        rows = sealed_rows.kept(path, customer_id, stamp)
        if rows is None:
            missing[path] = (month, stamp)
        else:
            found += rows
    if missing:
        read = (
            _duckdb(one_customer=True)
            .execute(
                f"SELECT {', '.join(SCHEMA_COLUMNS)}, filename "  # noqa: S608 (fixed column names)
                "FROM read_parquet(?, filename = true) WHERE customer_id = ?",
                [list(missing), customer_id],
            )
            .fetchall()
        )
        by_file: dict[str, list] = {path: [] for path in missing}
        for *row, filename in read:
            if filename in by_file and row[2] == missing[filename][0]:
                by_file[filename].append(tuple(row))
        keeping = customer_id not in getattr(_writing, "customers", ())
        for path, rows in by_file.items():
            if keeping:
                sealed_rows.keep(path, customer_id, missing[path][1], rows)
            found += rows
    wanted = set(services) if services else None
    return sorted((r for r in found if wanted is None or r[1] in wanted), key=lambda r: r[:3])


def customers_with_blocks(month: str, service: str) -> set[int]:
    """Customers that have a block for the month and service (from the clear columns only)."""
    files = _files([month], None)
    if not files:
        return set()
    rows = (
        _duckdb()
        .execute("SELECT DISTINCT customer_id FROM read_parquet(?) WHERE service = ?", [files, service])
        .fetchall()
    )
    return {r[0] for r in rows}


def months_stored() -> list[str]:
    root = store_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and MONTH.match(p.name))


def block_index(
    *, months: Sequence[str] | None = None, customer_ids: Sequence[int] | None = None
) -> list[tuple]:
    """(customer_id, service, month, interval, count) of the stored blocks, from the clear columns only:
    what the retention run counts and picks without opening anything. `months` None: every month."""
    files = _files(months if months is not None else months_stored(), customer_ids)
    if not files:
        return []
    where, params = [], []
    if customer_ids is not None:
        where.append("customer_id IN (SELECT unnest(?))")
        params.append([int(c) for c in customer_ids])
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return (
        _duckdb()
        .execute(
            "SELECT customer_id, service, month, interval, count FROM read_parquet(?) "  # noqa: S608
            f"{clause} ORDER BY customer_id, service, month",
            [files, *params],
        )
        .fetchall()
    )


def block_provenances(*, customer_id: int, months: Sequence[str]) -> dict[tuple[str, str], int]:
    """(service, month) → the provenance of each of the customer's blocks of `months`, from the clear columns
    only: where the readings an import would merge with came from, without opening them."""
    files = _files(months, [customer_id])
    if not files:
        return {}
    rows = (
        _duckdb()
        .execute(
            "SELECT service, month, provenance_id FROM read_parquet(?) WHERE customer_id = ?",
            [files, int(customer_id)],
        )
        .fetchall()
    )
    return {(service, month): provenance for service, month, provenance in rows}


# Customers whose locks a removal holds at once: a bound on the files it keeps open.
DELETE_LOCKS_AT_ONCE = 256


def rows_delete(*, customer_ids: Sequence[int], months: Sequence[str] | None = None) -> int:
    """Remove these customers' blocks (of `months`, or of every month) from the store: each affected
    month-shard is rewritten without them (or removed when nothing is left) under its lock, atomically, as a
    write is, while the customers' locks are held (an import in flight finishes first, and its blocks are
    removed too). Returns the number of blocks removed. Used when data is destroyed under the retention
    schedule: the sealed blocks leave the disk, not only the key."""

    ids = sorted({int(c) for c in customer_ids})
    removed = 0
    for start in range(0, len(ids), DELETE_LOCKS_AT_ONCE):
        part = ids[start : start + DELETE_LOCKS_AT_ONCE]
        with customers_locked(part):
            removed += _rows_delete(set(part), months)
    return removed


def _rows_delete(wanted: set[int], months: Sequence[str] | None) -> int:
    removed = 0
    for name in _files(months if months is not None else months_stored(), sorted(wanted)):
        path = Path(name)
        with _locked(path):
            if not path.exists():
                continue
            table = pq.read_table(path)
            ids = table.column("customer_id").to_pylist()
            keep = [i for i, cid in enumerate(ids) if cid not in wanted]
            if len(keep) == len(ids):
                continue
            removed += len(ids) - len(keep)
            if not keep:
                path.unlink()
                continue
            os.replace(_table_written(table.take(keep), path), path)
    return removed


def files_copy(target: Path) -> int:
    """Copy every month-shard to `target` (same layout), each under its write lock, so no copy is half of a
    rewrite (backups: custodian.vault.backup). Returns the number of files copied."""

    copied = 0
    root = store_dir()
    if not root.is_dir():
        return 0
    for path in sorted(root.glob("*/shard-*.parquet")):
        dest = Path(target) / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            if path.exists():
                shutil.copy2(path, dest)
                copied += 1
    return copied
