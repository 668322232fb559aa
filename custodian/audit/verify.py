"""Verifying the access log: the events against their leaves, the leaves against the tree's tiles, the tree
against every signed head (the database's own and, with `--against`, those published outside it), and the
events against the leaves an auditor mirrored.

A break is named by what the evidence shows, with the first position that differs:
`modified` (an event's content changed), `swapped` (two events exchanged places), `reordered`, `inserted`
(an event that the reference does not have), `deleted` (one the reference has is missing), `truncated`
(the tail is gone but the database still shows it was there), `rolled back` (the database is an older,
self-consistent state than a published head: its tail deleted with everything that pointed at it, or an old
backup restored), `rewritten` (the tree differs from a signed head), `head missing`, `head mismatch`,
`forged head` (a signature that the log key did not make), `not in the tree` (an event never integrated).
An event whose columns naming who acted (or whose salt) no longer open the commitment in its leaf is
`modified` too, and so is an event, signed or waiting, that no longer matches the seal it was given when it
was written (custodian.audit.seals) or has lost it; an event removed under a redaction the system did not
make under the retention rule (no seal or a wrong one, the event within its period, dated after the check, or
an older event still held: custodian.audit.redaction) is `deleted`; on SQLite a number missing among the
events is `deleted`, and the events' counter ahead of the last event is `truncated` (the newest deleted
before a head signed them). On PostgreSQL a rolled-back write leaves its sequence ahead too, so there the
numbers given after the last event are told beside OK (`unaccounted`), not as a break.

Nothing a database writer stores stops the check: a row of any table read here whose fields are missing, of
another type or unreadable is named by its table, row and column, with the kind of break it is
(custodian.audit.rows), kept out of the checks after, and every other break is still named; a published
file that is no signed head is a `forged head` and the others are still checked.

The records the law asks for beside the log (a consent, its revocation, the accounting of disclosures, a
vendor determination and its decision) are sealed into the events written with them: the checks their apps
register (custodian.audit.record_seals) name a row that differs from its event's seal, a row no event
records and an event whose row is gone.

One module on purpose, about 500 lines: each check reads what the one before computed (the leaves
from the events, the tree from the leaves, the heads from the tree), in one pass over a log that may hold
millions of events; split, the passes would read the log again or hand each other their buffers.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from custodian.audit import merkle, notes, seals
from custodian.audit.events import COMMITTED_FIELDS, actor_commitment, canonical_sql
from custodian.audit.heads import log_origin, published_files, tile_path, tiles_for, verifier_keys
from custodian.audit.log_key import log_seal_keys
from custodian.audit.models import AccessEvent, LogLeaf, Redaction, SignedHead, Tile, TreeHead
from custodian.audit.record_seals import sealed_record_problems
from custodian.audit.redaction import redaction_problems, redactions_read
from custodian.audit.rows import malformed_rows
from custodian.audit.tree import TILE_HEIGHT, numbers_given, queue_problems, waiting

HASH = merkle.HASH_SIZE


@dataclass(frozen=True)
class Finding:
    kind: str
    position: int | None
    detail: str

    def __str__(self):
        where = "" if self.position is None else f" at position {self.position}"
        return f"BROKEN{where}: {self.kind} — {self.detail}"


@dataclass
class VerifyResult:
    events: int = 0
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads_checked: int = 0
    redacted: int = 0
    pending: int = 0
    # PostgreSQL: numbers its sequence gave after the last event (writes rolled back, or the newest events
    # deleted before a head signed them: the sequence can't tell which).
    unaccounted: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def kind(self) -> str:
        return self.first.kind if self.first else ""

    @property
    def position(self) -> int | None:
        return self.first.position if self.first else None

    def __str__(self):
        if self.ok:
            return (
                f"OK: {self.size} events in the tree (root {self.root.hex()}), consistent with "
                f"{self.heads_checked} signed heads; {self.redacted} redacted, {self.pending} waiting"
                + (
                    f"; {self.unaccounted} numbers given after the last event (writes rolled back, or the "
                    "newest events deleted before a head signed them: PostgreSQL's sequence can't tell which)"
                    if self.unaccounted
                    else ""
                )
            )
        return "\n".join(str(f) for f in self.findings)


def _chunk(data, i: int) -> bytes:
    return bytes(data[i * HASH : (i + 1) * HASH])


def _first_difference(actual, reference) -> int | None:
    common = min(len(actual), len(reference)) // HASH
    block = 4096
    for first in range(0, common, block):
        last = min(first + block, common)
        if actual[first * HASH : last * HASH] != reference[first * HASH : last * HASH]:
            for i in range(first, last):
                if _chunk(actual, i) != _chunk(reference, i):
                    return i
    return None


def _same(actual, a_from: int, reference, r_from: int, count: int | None = None) -> bool:
    a, r = actual[a_from * HASH :], reference[r_from * HASH :]
    n = min(len(a), len(r)) if count is None else count * HASH
    return n >= 0 and a[:n] == r[:n]


def classify(actual, reference, what: str) -> Finding | None:
    """Name the first difference between two sequences of leaf hashes (the log's and a reference's)."""
    i = _first_difference(actual, reference)
    n_a, n_r = len(actual) // HASH, len(reference) // HASH
    if i is None:
        if n_a < n_r:
            return Finding("truncated", n_a, f"the log ends at {n_a}; {what} has {n_r} events")
        return None
    here = _chunk(actual, i)
    if n_a > i + 1 and _same(actual, i + 1, reference, i) and n_a - 1 >= n_r:
        return Finding("inserted", i, f"an event that {what} does not have was put at position {i}")
    if _same(actual, i, reference, i + 1) and n_a + 1 >= n_r:
        return Finding("deleted", i, f"the event {what} has at position {i} is missing; later ones moved up")
    # A swap: the event found here belongs further on, and the one from there is here.
    wanted = _chunk(reference, i)
    for j in range(i + 1, min(n_a, n_r)):
        if _chunk(actual, j) == wanted:
            if (
                _chunk(reference, j) == here
                and _same(actual, i + 1, reference, i + 1, j - i - 1)
                and _same(actual, j + 1, reference, j + 1)
            ):
                return Finding("swapped", i, f"the events at positions {i} and {j} exchanged places")
            break
    last = next(k for k in range(min(n_a, n_r) - 1, i - 1, -1) if _chunk(actual, k) != _chunk(reference, k))
    span_a = sorted(_chunk(actual, k) for k in range(i, last + 1))
    if last > i and span_a == sorted(_chunk(reference, k) for k in range(i, last + 1)):
        return Finding("reordered", i, f"the events at positions {i} to {last} are in another order")
    return Finding("modified", i, f"the event at position {i} is not the one {what} recorded")


def _mirror_leaves(directory: Path, size: int) -> bytes | None:
    out = bytearray()
    for level, index, width in tiles_for(size):
        if level:
            break
        path = directory / tile_path(level, index, width)
        if not path.is_file():
            return None
        out += path.read_bytes()
    return bytes(out)


def _tree_pass(leaves, sizes: set[int]) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """The tree's root at each of `sizes` (those ≤ the leaves held), and the complete subtrees of height 8,
    16, … concatenated by tile level (what the higher tiles must hold). Every complete subtree is computed
    once, a level at a time (n − 1 node hashes in tight loops)."""
    node = merkle.node_hash
    count = len(leaves) // HASH
    levels = [[bytes(leaves[i : i + HASH]) for i in range(0, count * HASH, HASH)]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    roots = {}
    for size in sizes:
        if not 0 < size <= count:
            continue
        parts, position = [], 0
        for height in range(size.bit_length() - 1, -1, -1):
            if size >> height & 1:
                parts.append(levels[height][position >> height])
                position += 1 << height
        digest = parts[-1]
        for left in reversed(parts[:-1]):
            digest = node(left, digest)
        roots[size] = digest
    tiles = {
        height // TILE_HEIGHT: b"".join(levels[height])
        for height in range(TILE_HEIGHT, len(levels), TILE_HEIGHT)
    }
    return roots, tiles


@contextmanager
def _any_text_read():
    """On SQLite, text that is not UTF-8 (a blob cast to text by a database writer) read with its bad bytes
    replaced: it then differs from what was hashed and sealed, and is named, instead of stopping the read."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.text_factory
    raw.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        yield
    finally:
        raw.text_factory = before


def verify_log(against: Path | None = None, chunk_size: int = 20_000) -> VerifyResult:
    """Every check, whatever the database holds: a row not as the application writes it is a finding
    (custodian.audit.rows) and is kept out of the checks, which go on to name everything else; should a
    check still meet what it can't read, that is named too, with what the checks before it found."""
    result = VerifyResult()
    malformed: list[Finding] = []
    with _any_text_read():
        try:
            named, bad = malformed_rows()
            malformed = [Finding(kind, None, what) for kind, what in named]
            with transaction.atomic():
                _verify(result, against, chunk_size, bad)
        except (DatabaseError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
            result.findings.append(
                Finding(
                    "unreadable",
                    None,
                    f"the check could not read what the database holds ({type(exc).__name__}: {exc}): a row "
                    "was written past the application",
                )
            )
    result.findings += malformed
    return result


def _verify(result: VerifyResult, against: Path | None, chunk_size: int, bad: dict) -> None:
    findings = result.findings
    keys, started = verifier_keys(), timezone.now()
    bad_events, bad_leaves = bad[AccessEvent], bad[LogLeaf]
    redacted = redactions_read(bad[Redaction])  # once: for the leaves they stand for and their own checks
    redactions = {r.event_seq: r for r in redacted}
    result.redacted = len(redactions)

    # 1. Every leaf position's event, hashed (redacted ones by their recorded leaf hash).
    from_events = bytearray()
    sha256 = hashlib.sha256
    expected, missing_event, unopened = 0, None, None
    opened = ("", ())  # the last commitment opened: a bulk write's events share theirs
    committed = ", ".join(f"e.{name}" for name in COMMITTED_FIELDS)
    sealed = f"e.seal, {seals.seal_sql('e', connection.vendor)}"
    seal_keys = log_seal_keys(log_origin())[1]
    seal_check = seals.SealCheck(seal_keys, gaps=connection.vendor == "sqlite")
    check_seal = seal_check.event
    sql = (
        f"SELECT l.idx, l.event_seq, {canonical_sql('e')}, {sealed}, e.actor_commitment, e.actor_salt, "  # noqa: S608
        f"{committed} FROM {LogLeaf._meta.db_table} l "
        f"LEFT JOIN {AccessEvent._meta.db_table} e ON e.seq = l.event_seq ORDER BY l.idx"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            for idx, seq, canon, seal, seal_text, commitment, *opening in rows:
                if idx in bad_leaves or not isinstance(idx, int) or not isinstance(seq, int):
                    continue  # named by malformed_rows; its position is missing from what follows
                if seq in bad_events:  # named; its content differs from its leaf's, and its seal is not read
                    check_seal(seq, idx, None, None)
                    from_events += (
                        b"\xfe" * HASH if canon is None else sha256(b"\x00" + canon.encode()).digest()
                    )
                    expected = idx + 1
                    continue
                check_seal(seq, idx, seal, seal_text)
                if commitment and (commitment, opening) != opened:
                    if actor_commitment(opening[0], opening[1:]) == commitment:
                        opened = (commitment, opening)
                    elif unopened is None:
                        unopened = Finding(
                            "modified",
                            idx,
                            f"who acted in event {seq} at position {idx} (the columns naming them or their "
                            "salt) is not what its leaf commits to",
                        )
                if idx != expected and missing_event is None:
                    missing_event = Finding(
                        "deleted", expected, f"the tree's position {expected} is gone (next is {idx})"
                    )
                expected = idx + 1
                if canon is not None:
                    from_events += sha256(b"\x00" + canon.encode("utf-8")).digest()
                elif seq in redactions:
                    from_events += bytes.fromhex(redactions[seq].leaf_hash)
                else:
                    if missing_event is None:
                        missing_event = Finding(
                            "deleted", idx, f"event {seq} at position {idx} is gone and was not redacted"
                        )
                    from_events += b"\xff" * HASH
    # The events waiting for the tree: their seals (what the signed heads don't cover yet).
    for seq, seal, seal_text in _waiting_sealed(sealed):
        check_seal(seq, None, *((None, None) if seq in bad_events else (seal, seal_text)))

    # 2. The tree's own hashes (what proofs are served from).
    tiles = {
        (t.level, t.idx): bytes(t.hashes)
        for t in Tile.objects.exclude(pk__in=bad[Tile]).order_by("level", "idx")
    }
    leaves = b"".join(v for (level, _), v in sorted(tiles.items()) if level == 0)
    result.size = len(leaves) // HASH
    result.events = AccessEvent.objects.count()
    result.pending = waiting()

    events_vs_tiles = classify(from_events, leaves, "the tree")
    if missing_event is not None:
        findings.append(missing_event)
    elif events_vs_tiles is not None:
        findings.append(events_vs_tiles)
    if unopened is not None:
        findings.append(unopened)
    for seq, red in redactions.items():
        if red.leaf_index < result.size and _chunk(leaves, red.leaf_index).hex() != red.leaf_hash:
            findings.append(
                Finding("modified", red.leaf_index, f"the redaction of event {seq} does not match its leaf")
            )
    findings += [Finding(*problem) for problem in redaction_problems(redacted, seal_keys, started)]
    # A head row not as the sequencer writes it is named (malformed_rows), not taken for a missing one.
    head_unreadable = 1 in bad[TreeHead]
    head = None if head_unreadable else TreeHead.objects.filter(pk=1).first()
    signed = [
        (f"head #{h.pk} signed {h.signed_at:%Y-%m-%d %H:%M}", h.note)
        for h in SignedHead.objects.exclude(pk__in=bad[SignedHead]).order_by("pk")
    ]
    external = []
    if against is not None:
        external, unreadable = _published(Path(against))
        findings += unreadable
        if not external and not unreadable:
            findings.append(Finding("no published heads", None, f"{against} holds no signed head"))
    checkpoints = []
    for label, note in signed:
        try:
            checkpoints.append((label, notes.parse_note(note), False))
        except notes.NoteError as exc:
            findings.append(Finding("forged head", None, f"{label}: {exc}"))
    checkpoints += [(label, cp, True) for label, cp in external]
    sizes = {cp.size for _, cp, _ in checkpoints} | {head.size if head else 0, result.size}
    roots, computed = _tree_pass(leaves, sizes)
    for level, hashes in computed.items():
        stored = b"".join(v for (lv, _), v in sorted(tiles.items()) if lv == level)
        if stored[: len(hashes)] != bytes(hashes):
            k = _first_difference(stored, hashes) or 0
            findings.append(
                Finding(
                    "rewritten", k << (TILE_HEIGHT * level), f"tile level {level} differs from the leaves"
                )
            )
            break

    # 3. The head row and the signed heads.
    for label, cp, _ in checkpoints:
        if not notes.verified_by(cp, keys):
            findings.append(Finding("forged head", None, f"{label} is not signed by the log's key"))
    result.root = roots.get(result.size, merkle.EMPTY_ROOT)
    if head is None:
        if result.size and not head_unreadable:
            findings.append(Finding("head missing", result.size, "the tree's head row is gone"))
    elif head.size != result.size or (head.size and head.root != roots.get(head.size, b"").hex()):
        findings.append(
            Finding(
                "head mismatch",
                min(head.size, result.size),
                f"the head row records {head.size} events, the tiles hold {result.size}",
            )
        )
    db_max = max((cp.size for _, cp, ext in checkpoints if not ext), default=0)
    for label, cp, is_external in sorted(checkpoints, key=lambda c: c[1].size):
        result.heads_checked += 1
        if cp.size > result.size:
            own_trace = (head is not None and head.size > result.size) or db_max > result.size
            if own_trace or not is_external:
                findings.append(
                    Finding(
                        "truncated",
                        result.size,
                        f"{label} records {cp.size} events; the tree holds {result.size}",
                    )
                )
            else:
                findings.append(
                    Finding(
                        "rolled back",
                        result.size,
                        f"{label} records {cp.size} events; the "
                        f"database holds {result.size}: its tail was deleted with every trace, "
                        "or an old backup was restored",
                    )
                )
            break
        if roots.get(cp.size) != cp.root:
            findings.append(Finding("rewritten", None, f"the first {cp.size} events differ from {label}"))
            break

    # The counter that numbers the events, against the last one: ahead on SQLite only when the newest were
    # deleted (a rollback gives its number back there), on PostgreSQL also when a write rolled back.
    try:
        given, last = numbers_given()
    except (TypeError, ValueError):  # a leaf's number not a number: named by malformed_rows
        given = last = 0
    counter_ahead = given > last and connection.vendor == "sqlite"

    # 4. With a mirror of the tiles: the events against the leaves published.
    if against is not None and Path(against).is_dir() and external:
        size = max(cp.size for _, cp in external)
        mirrored = _mirror_leaves(Path(against), size)
        if mirrored is not None:
            what = f"the mirror in {against}"
            named = classify(from_events, mirrored, what) or classify(leaves, mirrored, what)
            if named is not None:
                if named.kind == "truncated":
                    held = len(from_events) // HASH
                    own_trace = max(head.size if head else 0, result.size, db_max) > held or counter_ahead
                    if not own_trace:
                        named = Finding(
                            "rolled back",
                            named.position,
                            named.detail + ": its tail was deleted "
                            "with every trace, or an old backup was restored",
                        )
                findings = result.findings = [named] + [f for f in findings if f.kind != named.kind]

    # 5. Every event is in the tree or waiting for the sequencer: by count, and by number (a count can be
    # kept right by a queue forged to hide one event behind a run of numbers that don't exist).
    in_tree = LogLeaf.objects.count() - len(redactions)
    if result.events != in_tree + result.pending:
        findings.append(
            Finding(
                "not in the tree",
                None,
                f"{result.events} events, {in_tree} in the tree, {result.pending} waiting",
            )
        )
    findings += [Finding("not in the tree", None, problem) for problem in queue_problems()]
    # 6. The newest events deleted before a head signed them: the counter that numbers them stays ahead.
    if counter_ahead and not any(f.kind == "truncated" for f in findings):
        findings.append(
            Finding(
                "truncated",
                None,
                f"the events' counter gave numbers up to {given} but the last event is {last}: the "
                f"{given - last} newest were deleted before a signed head covered them",
            )
        )
    elif given > last:
        result.unaccounted = given - last
    findings += [Finding(*problem) for problem in seal_check.findings()]
    findings += [Finding("inserted", None, problem) for problem in _copied_events()]
    # 7. The records the law asks for, against the events that sealed them (custodian.audit.record_seals).
    redacted_until = max((r.at_us for r in redacted if r.at_us is not None), default=None)
    findings += [
        Finding(kind, None, what) for kind, what in sealed_record_problems(seal_keys, redacted_until)
    ]


def _published(against: Path) -> tuple[list[tuple[str, notes.Checkpoint]], list[Finding]]:
    """The published heads to check against, and each published file that is no signed head (a forged
    file in a mirror is named, and the others are still checked)."""
    heads, unreadable = [], []
    for path in published_files(against):
        try:
            heads.append((f"published head {path.name}", notes.parse_note(path.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            unreadable.append(
                Finding("forged head", None, f"published head {path.name} is no signed head: {exc}")
            )
    return heads, unreadable


def _copied_events(limit: int = 5) -> list[str]:
    """Events that carry another's seal: a seal covers the event's random nonce, so two events with one seal
    are one event and its copy, written into the table past the application (the seal leaves the event's
    number out, so a copy under a new number would open it). One query: the database counts."""
    repeated = (
        AccessEvent.objects.exclude(seal="")
        .values("seal")
        .annotate(n=Count("seq"), first=Min("seq"))
        .filter(n__gt=1)
        .order_by("first")[:limit]
    )
    problems = []
    for row in repeated:
        numbers = list(
            AccessEvent.objects.filter(seal=row["seal"]).order_by("seq").values_list("seq", flat=True)
        )
        copies = ", ".join(str(n) for n in numbers[1:])
        problems.append(
            f"event {copies} is a copy of event {numbers[0]} (the same seal, which covers its nonce)"
        )
    return problems


def _waiting_sealed(sealed: str):
    """(number, seal, seal text) of the events not in the tree, in order of number: on SQLite those
    numbered above the tree's last (those waiting; an event at or below it and not in the tree is named by
    `queue_problems`), on PostgreSQL every one, waiting or not (a queue is no list of them to trust)."""
    events, leaves = AccessEvent._meta.db_table, LogLeaf._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT e.seq, {sealed} FROM {events} e WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {leaves} l WHERE l.event_seq = e.seq) ORDER BY e.seq"
        )
    else:
        sql = (
            f"SELECT e.seq, {sealed} FROM {events} e "  # noqa: S608
            f"WHERE e.seq > (SELECT COALESCE(MAX(event_seq), 0) FROM {leaves}) ORDER BY e.seq"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        yield from cursor.fetchall()
