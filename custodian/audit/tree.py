"""The Merkle tree over the access log: the sequencer that integrates committed events in batches, and the
tiles that proofs are read from.

Writers only insert events (a trigger queues each one). The sequencer, one at a time (it alone locks the
tree's head row), takes queued events in the order of their numbers, gives them the next positions, hashes
their canonical form into leaves, appends the leaves and every complete subtree of height 8, 16, … to the
tiles (C2SP tlog-tiles: 256 hashes a tile) and moves the head. This is how Trillian and Tessera keep writers
from serializing on one row: the position is given after the commit, in batches.
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
    """Integrate queued events into the tree, `batch` at a time, until none are left (or `limit` were
    integrated). Safe to run from several processes at once: they take turns. Returns how many."""
    done = 0
    while limit is None or done < limit:
        count = _integrate_batch(batch if limit is None else min(batch, limit - done))
        done += count
        if count == 0:
            break
    return done


def _integrate_batch(batch: int) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        size, _root, edge = lock_head(cursor)
        cursor.execute(
            f"SELECT p.event_seq, {canonical_sql('e')} FROM {_PENDING} p "  # noqa: S608
            f"LEFT JOIN {_EVENTS} e ON e.seq = p.event_seq ORDER BY p.event_seq LIMIT %s",
            [batch],
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
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
            if canon is None:  # queued, then gone: nothing to integrate (verify reports the event missing)
                continue
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
        seqs = [seq for seq, _ in rows]
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {_PENDING} WHERE event_seq = ANY(%s)", [seqs])  # noqa: S608
        else:
            cursor.executemany(f"DELETE FROM {_PENDING} WHERE event_seq = %s", [[s] for s in seqs])  # noqa: S608
        cursor.execute(
            f"UPDATE {_HEAD} SET size = %s, root = %s, right_edge = %s, updated_at = CURRENT_TIMESTAMP "  # noqa: S608
            "WHERE id = 1",
            [rng.size, rng.root().hex(), ",".join(h.hex() for h in rng.hashes)],
        )
        return len(rows)


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
