"""The access log: append-only events of every decision the gate takes and every change to what the utility
holds about a customer, integrated into a Merkle tree (RFC 9162) whose signed heads are published outside
the database.

An event commits in the transaction of the read (or write) it records (on PostgreSQL with its place in the
sequencer's queue). The sequencer later gives waiting events their positions in the tree (`LogLeaf`),
stores the tree's hashes in tiles (`Tile`, the tlog-tiles layout) and moves the tree's head (`TreeHead`).
Signed heads (`SignedHead`) are notes signed by the log key, which the database never holds.
"""

from datetime import UTC, datetime

from django.db import models

from custodian.textlist import CommaList


class AccessEvent(models.Model):
    """One event. Its content (the fields in custodian.audit.events.CANON_FIELDS; with a commitment, that in
    place of the fields naming who acted) is the tree's leaf."""

    seq = models.BigAutoField(primary_key=True)
    at_us = models.BigIntegerField(help_text="UTC time, microseconds since the epoch")
    nonce = models.CharField(
        max_length=32,
        blank=True,
        help_text="random: the leaf hash of a published tree can't be confirmed by guessing an event",
    )
    action = models.CharField(max_length=24)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    roles = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=40)
    request_id = models.CharField(max_length=32, blank=True)
    customer_id = models.CharField(max_length=32, blank=True)
    categories = models.CharField(max_length=300, blank=True)
    decision = models.CharField(max_length=8)
    reason = models.CharField(max_length=500, blank=True)
    client_ip = models.CharField(max_length=64, blank=True)
    break_glass_id = models.CharField(max_length=32, blank=True)
    # A system job or a vendor export: the staff member who started it (user name).
    on_behalf_of = models.CharField(max_length=150, blank=True)
    # "yes": the request that allowed the read was entered by the same staff member who read.
    own_request = models.CharField(max_length=8, blank=True)
    # Hex SHA-256 of actor_salt and the fields that name who acted (custodian.audit.events.COMMITTED_FIELDS):
    # in the leaf instead of them. Empty on events written before commitments (their leaf names them).
    actor_commitment = models.CharField(max_length=64, blank=True, db_default="")
    # The commitment's random secret: never in the leaf nor in a receipt; with the columns it opens the
    # commitment for an auditor (`audit verify` does for every event).
    actor_salt = models.CharField(max_length=32, blank=True, db_default="")
    # The event's seal (custodian.audit.seals): the log key's hash and an HMAC of the whole event under a key
    # outside the database, made as it was written; in the leaf. Empty on events written before seals.
    seal = models.CharField(max_length=40, blank=True, db_default="")

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "seq"]),
            models.Index(fields=["actor_kind", "actor_id", "seq"]),
            models.Index(fields=["purpose", "seq"]),
            models.Index(fields=["at_us"]),
        ]

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.at_us / 1_000_000, tz=UTC)

    category_list = CommaList("categories")


class RowidBigIntegerField(models.BigIntegerField):
    """A 64-bit integer declared `integer` on SQLite, where a primary key of exactly that type is the table's
    rowid: one B-tree instead of a table and a unique index beside it (SQLite's integers are 64-bit
    whatever the declared type). Elsewhere a bigint."""

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class PendingEvent(models.Model):
    """The sequencer's queue on PostgreSQL: events committed but not yet in the tree, as runs of consecutive
    numbers (`first_seq` to `last_seq`, both included). A trigger writes them with the events (same
    transaction), one row for each run a statement inserted: a bulk write of thousands of events is one row
    or a few. The sequencer deletes the runs it integrates. Not a record: only a work list. SQLite needs no
    queue (custodian.audit.tree says why): there it stays empty."""

    first_seq = RowidBigIntegerField(primary_key=True)
    last_seq = models.BigIntegerField()


class LogLeaf(models.Model):
    """The event at each position of the tree. Append-only."""

    idx = models.BigIntegerField(primary_key=True)
    event_seq = models.BigIntegerField(unique=True)


class Tile(models.Model):
    """Hashes of the tree in tiles of height 8 (C2SP tlog-tiles): the tile at `level`, `idx` holds the
    hashes of the subtrees of height 8·level at indexes 256·idx … in order, 32 bytes each. Level 0 holds the
    leaf hashes. A partial tile only grows (a database trigger refuses any other change)."""

    level = models.SmallIntegerField()
    idx = models.BigIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "idx"], name="audit_tile_position")]


class TreeHead(models.Model):
    """One row: the tree's size and root, and its right edge (the compact range, hex hashes) so the
    sequencer extends the tree without reading old leaves. Only the sequencer locks it."""

    size = models.BigIntegerField(default=0)
    root = models.CharField(max_length=64, default="")
    right_edge = models.TextField(default="", blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class SignedHead(models.Model):
    """A signed tree head (checkpoint) in the C2SP signed-note format, as published. Append-only."""

    tree_size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    note = models.TextField()
    key_hash = models.CharField(max_length=8)
    signed_at = models.DateTimeField()


class Redaction(models.Model):
    """An event whose content was removed (past its retention) while its leaf stays in the tree: the
    event row may be deleted only once this record exists, names its leaf and time, and is a year old (the
    database's trigger). Append-only. `audit verify` holds it to its seal and to the policy's period."""

    event_seq = models.BigIntegerField(unique=True)
    leaf_index = models.BigIntegerField()
    leaf_hash = models.CharField(max_length=64)
    reason = models.CharField(max_length=300)
    redacted_at = models.DateTimeField()
    # The event's own time, kept when its row goes: what shows it was past its retention when redacted.
    # Empty on redactions made before it was kept (and sealed): docs/decisions.md says how those are treated.
    at_us = models.BigIntegerField(null=True, help_text="the event's time: microseconds since the epoch")
    # The log key's hash and an HMAC under the events' sealing key (custodian.audit.seals.redaction_seal) of
    # the event's number, leaf, time, the reason and the moment: made by the system, not a database writer.
    seal = models.CharField(max_length=40, blank=True, db_default="")
