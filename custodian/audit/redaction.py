"""Removing an event's content once its retention period has passed, while its leaf stays in the tree:
every proof and every receipt issued before still verifies, and `audit verify` counts the event as redacted
(its recorded leaf hash must still be the tree's). The retention schedule that calls this comes with the
data-lifecycle work."""

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit import merkle
from custodian.audit.events import canonical_sql
from custodian.audit.models import AccessEvent, LogLeaf, Redaction
from custodian.audit.tree import LogError, TileReader, integrate


class NotRedactable(ValueError):
    pass


def event_redact(*, event_seq: int, reason: str) -> Redaction:
    """Delete an event's row after recording its leaf (position and hash) and why. The event must be in the
    tree and match its leaf: the log never forgets an event it can't account for."""
    if not reason.strip():
        raise NotRedactable("a redaction says why (the retention rule that ends the event's life)")
    integrate()
    with transaction.atomic():
        position = LogLeaf.objects.filter(event_seq=event_seq).values_list("idx", flat=True).first()
        if position is None:
            raise NotRedactable(f"event {event_seq} is not in the tree")
        table = AccessEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {canonical_sql()} FROM {table} WHERE seq = %s", [event_seq])  # noqa: S608
            row = cursor.fetchone()
        if row is None:
            raise NotRedactable(f"event {event_seq} was already removed")
        leaf = TileReader().leaf(position)
        if merkle.leaf_hash(row[0].encode("utf-8")) != leaf:
            raise LogError(f"event {event_seq} does not match its leaf at position {position}")
        redaction = Redaction.objects.create(
            event_seq=event_seq,
            leaf_index=position,
            leaf_hash=leaf.hex(),
            reason=reason.strip()[:300],
            redacted_at=timezone.now(),
        )
        AccessEvent.objects.filter(seq=event_seq).delete()  # the trigger allows it now, and only now
    return redaction


def events_redact(*, before_us: int, reason: str, batch: int = 5000) -> int:
    """Redact every event older than `before_us` (microseconds since the epoch), in committed batches;
    the retention run calls this. Returns how many were redacted. Safe to re-run."""
    if not reason.strip():
        raise NotRedactable("a redaction says why (the retention rule that ends the event's life)")
    integrate()
    table, leaves = AccessEvent._meta.db_table, LogLeaf._meta.db_table
    done = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT e.seq, l.idx, {canonical_sql('e')} FROM {table} e "  # noqa: S608
                    f"JOIN {leaves} l ON l.event_seq = e.seq WHERE e.at_us < %s ORDER BY e.seq LIMIT %s",
                    [before_us, batch],
                )
                rows = cursor.fetchall()
            if not rows:
                return done
            reader, now = TileReader(), timezone.now()
            records = []
            for seq, position, text in rows:
                leaf = reader.leaf(position)
                if merkle.leaf_hash(text.encode("utf-8")) != leaf:
                    raise LogError(f"event {seq} does not match its leaf at position {position}")
                records.append(
                    Redaction(
                        event_seq=seq,
                        leaf_index=position,
                        leaf_hash=leaf.hex(),
                        reason=reason.strip()[:300],
                        redacted_at=now,
                    )
                )
            Redaction.objects.bulk_create(records)
            AccessEvent.objects.filter(seq__in=[r.event_seq for r in records]).delete()
            done += len(records)
