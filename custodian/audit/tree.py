"""The Merkle tree over the access log: the sequencer that integrates committed events in batches, and the
tiles that proofs are read from.

Writers only insert events. The sequencer, one at a time (it alone locks the tree's head row), takes the
events waiting in the order of their numbers, gives them the next positions, hashes their canonical form
into leaves, appends the leaves and every complete subtree of height 8, 16, … to the tiles (C2SP
tlog-tiles: 256 hashes a tile) and moves the head. This is how Trillian and Tessera keep writers from
serializing on one row: the position is given after the commit, in batches.

Which events wait: on PostgreSQL writers commit concurrently, so an event numbered lower than one already in
the tree can still commit later; a trigger queues what each statement inserted as runs of consecutive
numbers (one queue row for a bulk write's thousands of events, not one each) and the sequencer takes runs
from the queue. SQLite has one writer at a time (its writers and the sequencer take the write lock when
their transaction starts): events commit in the order of their numbers, so those waiting are exactly the
ones numbered above the last event in the tree, and nothing needs queuing (a row trigger per event cost
as much as the event's own insert).
"""

from dataclasses import dataclass

from django.db import connection, transaction

from custodian.audit import merkle
from custodian.audit.events import canonical_sql
from custodian.audit.models import AccessEvent, LogLeaf, PendingEvent, Tile, TreeHead

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
HASH = merkle.HASH_SIZE

_EVENTS = AccessEvent._meta.db_table
_PENDING = PendingEvent._meta.db_table
_LEAVES = LogLeaf._meta.db_table
_TILES = Tile._meta.db_table
_HEAD = TreeHead._meta.db_table


class LogError(Exception):
    """The tree in the database can't answer (tiles missing or short): it was tampered with."""


@dataclass(frozen=True)
class Head:
    size: int
    root: bytes


def lock_head(cursor) -> tuple[int, str, str]:
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT size, root, right_edge FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        TreeHead.objects.get_or_create(pk=1)
        cursor.execute(f"SELECT size, root, right_edge FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    return row


def _append_to_tiles(cursor, level: int, start: int, hashes: list[bytes]) -> None:
    """Append hashes at `start`… of a tile level: fill the partial tile, then new ones."""
    position, at = start, 0
    while at < len(hashes):
        idx, offset = divmod(position, TILE_WIDTH)
        take = min(TILE_WIDTH - offset, len(hashes) - at)
        chunk = b"".join(hashes[at : at + take])
        if offset == 0:
            cursor.execute(
                f"INSERT INTO {_TILES} (level, idx, hashes) VALUES (%s, %s, %s)",  # noqa: S608
                [level, idx, chunk],
            )
        else:
            cursor.execute(f"SELECT hashes FROM {_TILES} WHERE level = %s AND idx = %s", [level, idx])  # noqa: S608
            row = cursor.fetchone()
            old = bytes(row[0]) if row else b""
            if len(old) != offset * HASH:
                raise LogError(f"tile {level}/{idx} holds {len(old) // HASH} hashes, expected {offset}")
            cursor.execute(
                f"UPDATE {_TILES} SET hashes = %s WHERE level = %s AND idx = %s",  # noqa: S608
                [old + chunk, level, idx],
            )
        position += take
        at += take


def integrate(batch: int = 20_000, limit: int | None = None) -> int:
    """Integrate waiting events into the tree, `batch` at a time, until none are left (or `limit` were
    integrated). Safe to run from several processes at once: they take turns. Returns how many."""
    done = 0
    while limit is None or done < limit:
        count = _integrate_batch(batch if limit is None else min(batch, limit - done))
        if count is None:
            break
        done += count
    return done


def _last_in_tree_sql() -> str:
    return f"(SELECT COALESCE(MAX(event_seq), 0) FROM {_LEAVES})"  # noqa: S608


def waiting() -> int:
    """How many events wait for the sequencer (committed, not yet in the tree)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) FROM {_PENDING}")  # noqa: S608
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {_EVENTS} WHERE seq > {_last_in_tree_sql()}")  # noqa: S608
        return int(cursor.fetchone()[0])


def numbers_given() -> tuple[int, int]:
    """The last number the events' counter gave, and the last number an event holds (in the table, or in the
    tree for one redacted since). The counter is outside the rows: deleting the newest events leaves it
    ahead. On SQLite it can't be ahead otherwise (`AUTOINCREMENT` is sqlite_sequence, written in the
    insert's transaction, so a rollback gives the number back); PostgreSQL's sequence is not transactional,
    so a write rolled back leaves it ahead too."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'seq')", [_EVENTS])
            (sequence,) = cursor.fetchone()
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last_value, called = cursor.fetchone()
            given = last_value if called else last_value - 1
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [_EVENTS])
            (given,) = cursor.fetchone()
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT COALESCE(MAX(seq), 0) AS n FROM {_EVENTS} "  # noqa: S608
            f"UNION ALL SELECT {_last_in_tree_sql()}) numbers"
        )
        (last,) = cursor.fetchone()
    return int(given), int(last)


def queue_problems(limit: int = 5) -> list[str]:
    """What is wrong with the waiting events, beyond their count (which a forged queue can keep right): runs
    that overlap, runs holding numbers already in the tree or numbers with no event (PostgreSQL's queue),
    and events that are neither in the tree nor waiting (on SQLite, an event numbered at or below the tree's
    last one and not in it: a number given again, which the sequencer would never take). At most `limit`
    of each, named."""
    problems = []
    not_in_tree = f"NOT EXISTS (SELECT 1 FROM {_LEAVES} l WHERE l.event_seq = e.seq)"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT first_seq, last_seq FROM (SELECT first_seq, last_seq, "  # noqa: S608
                f"LAG(last_seq) OVER (ORDER BY first_seq) AS before FROM {_PENDING}) r "
                "WHERE before >= first_seq ORDER BY first_seq LIMIT %s",
                [limit],
            )
            problems += [f"queued run {f}–{last} overlaps the run before it" for f, last in cursor.fetchall()]
            cursor.execute(
                f"SELECT p.first_seq, p.last_seq FROM {_PENDING} p WHERE EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {_LEAVES} l WHERE l.event_seq BETWEEN p.first_seq AND p.last_seq) "
                f"OR (SELECT COUNT(*) FROM {_EVENTS} e WHERE e.seq BETWEEN p.first_seq AND p.last_seq) "
                "<> p.last_seq - p.first_seq + 1 ORDER BY p.first_seq LIMIT %s",
                [limit],
            )
            problems += [
                f"queued run {f}–{last} holds numbers in the tree or with no event"
                for f, last in cursor.fetchall()
            ]
            waits = f"EXISTS (SELECT 1 FROM {_PENDING} p WHERE e.seq BETWEEN p.first_seq AND p.last_seq)"  # noqa: S608
        else:
            waits = f"e.seq > {_last_in_tree_sql()}"
        cursor.execute(
            f"SELECT e.seq FROM {_EVENTS} e WHERE {not_in_tree} AND NOT {waits} "  # noqa: S608
            "ORDER BY e.seq LIMIT %s",
            [limit],
        )
        problems += [f"event {seq} is neither in the tree nor waiting" for (seq,) in cursor.fetchall()]
    return problems


def _take_queued(cursor, batch: int) -> list[tuple] | None:
    """PostgreSQL: the first `batch` waiting events (number, canonical form) from the queue's first runs,
    in the order of their numbers; the runs taken leave the queue (a run taken in part keeps the rest).
    None when the queue is empty. A queued event that is gone (deleted behind the application's back) is
    not there: verify reports it missing.

    A run is an exact range of numbers, so the batch is cut here, from the runs, and the events are fetched
    by their numbers: a join of the runs to the events with a LIMIT would let the planner walk the events'
    index from the first event ever written, once per run queued (seconds behind a long log, hours behind a
    backlog of single reads)."""
    cursor.execute(
        f"SELECT first_seq, last_seq FROM {_PENDING} ORDER BY first_seq LIMIT %s",  # noqa: S608
        [batch],
    )
    runs = cursor.fetchall()
    if not runs:
        return None
    numbers: list[int] = []
    done: list[int] = []
    cut = None  # (first number of the run taken in part, the last number taken from it)
    for first, last in runs:
        room = batch - len(numbers)
        if room <= 0:
            break
        end = min(last, first + room - 1)
        numbers.extend(range(first, end + 1))
        if end == last:
            done.append(first)
        else:
            cut = (first, end)
            break
    cursor.execute(
        f"SELECT e.seq, {canonical_sql('e')} FROM {_EVENTS} e "  # noqa: S608
        "WHERE e.seq = ANY(%s::bigint[]) ORDER BY e.seq",
        [numbers],
    )
    rows = cursor.fetchall()
    # Only the runs read are touched: another may have been queued since.
    if done:
        cursor.execute(f"DELETE FROM {_PENDING} WHERE first_seq = ANY(%s)", [done])  # noqa: S608
    if cut:
        cursor.execute(
            f"UPDATE {_PENDING} SET first_seq = %s WHERE first_seq = %s",  # noqa: S608
            [cut[1] + 1, cut[0]],
        )
    return rows


def _take_numbered_after_tree(cursor, batch: int) -> list[tuple] | None:
    """SQLite: the first `batch` events numbered above the last event in the tree (see the module's
    docstring); None when there are none."""
    cursor.execute(
        f"SELECT e.seq, {canonical_sql('e')} FROM {_EVENTS} e "  # noqa: S608
        f"WHERE e.seq > {_last_in_tree_sql()} ORDER BY e.seq LIMIT %s",
        [batch],
    )
    return cursor.fetchall() or None


def _integrate_batch(batch: int) -> int | None:
    """One batch into the tree; how many events were integrated, None when none waited."""
    with transaction.atomic(), connection.cursor() as cursor:
        size, _root, edge = lock_head(cursor)
        take = _take_queued if connection.vendor == "postgresql" else _take_numbered_after_tree
        rows = take(cursor, batch)
        if rows is None:
            return None
        rng = merkle.CompactRange(size, [bytes.fromhex(h) for h in edge.split(",") if h])
        higher: dict[int, list[bytes]] = {}
        firsts: dict[int, int] = {}

        def keep(height: int, index: int, digest: bytes) -> None:
            if height % TILE_HEIGHT == 0:
                level = height // TILE_HEIGHT
                firsts.setdefault(level, index)
                higher.setdefault(level, []).append(digest)

        leaves, positions = [], []
        leaf_hash = merkle.leaf_hash
        for seq, canon in rows:
            digest = leaf_hash(canon.encode("utf-8"))
            positions.append((size + len(leaves), seq))
            leaves.append(digest)
            rng.append(digest, keep)
        if positions:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {_LEAVES} (idx, event_seq) FROM STDIN") as copy:
                    for row in positions:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {_LEAVES} (idx, event_seq) VALUES (%s, %s)", positions)  # noqa: S608
            _append_to_tiles(cursor, 0, size, leaves)
            for level, hashes in sorted(higher.items()):
                _append_to_tiles(cursor, level, firsts[level], hashes)
        cursor.execute(
            f"UPDATE {_HEAD} SET size = %s, root = %s, right_edge = %s, updated_at = CURRENT_TIMESTAMP "  # noqa: S608
            "WHERE id = 1",
            [rng.size, rng.root().hex(), ",".join(h.hex() for h in rng.hashes)],
        )
        return len(leaves)


def current_head() -> Head:
    head = TreeHead.objects.filter(pk=1).first()
    if head is None or head.size == 0:
        return Head(0, merkle.EMPTY_ROOT)
    return Head(head.size, bytes.fromhex(head.root))


class TileReader:
    """Complete subtree hashes from the tiles, each tile read once (proofs for one tree share most)."""

    def __init__(self):
        self._tiles: dict[tuple[int, int], bytes] = {}

    def tile(self, level: int, idx: int) -> bytes:
        key = (level, idx)
        if key not in self._tiles:
            row = Tile.objects.filter(level=level, idx=idx).values_list("hashes", flat=True).first()
            self._tiles[key] = bytes(row) if row is not None else b""
        return self._tiles[key]

    def entries(self, level: int, first: int, count: int) -> list[bytes]:
        """`count` consecutive hashes of a tile level from `first` (within one tile)."""
        idx, offset = divmod(first, TILE_WIDTH)
        data = self.tile(level, idx)[offset * HASH : (offset + count) * HASH]
        if len(data) != count * HASH:
            raise LogError(f"tile {level}/{idx} is short: the tree in the database is incomplete")
        return [data[i : i + HASH] for i in range(0, len(data), HASH)]

    def hash_at(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, TILE_HEIGHT)
        hashes = self.entries(level, index << rest, 1 << rest)
        while len(hashes) > 1:
            hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def leaf(self, index: int) -> bytes:
        return self.entries(0, index, 1)[0]

    def root(self, size: int) -> bytes:
        return merkle.EMPTY_ROOT if size == 0 else merkle.range_hash(0, size, self.hash_at)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(index, size, self.hash_at)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return merkle.consistency_proof(old_size, new_size, self.hash_at)


def leaf_index_of(event_seq: int) -> int | None:
    return LogLeaf.objects.filter(event_seq=event_seq).values_list("idx", flat=True).first()
