"""Removing an event's content once its retention period has passed, while its leaf stays in the tree:
every proof and every receipt issued before still verifies, and `audit verify` counts the event as redacted
(its recorded leaf hash must still be the tree's). The retention run (custodian.retention) calls
`events_redact` with the access log's cutoff.

A redaction must be the system's, made under the retention rule, not a row anyone who can write the database
could add: it keeps the event's time, and is sealed with the events' sealing key (outside the database) over
the event's number, leaf, time, the reason and the moment it was made. `audit verify` names a redaction
without that seal, one whose event was within the access log's period (`[retention_schedule.access_log]`)
when it was made, one dated after the check, and one that leaves an older event held (retention redacts the
oldest first): `redaction_problems`."""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit import merkle, seals
from custodian.audit.events import canonical_sql
from custodian.audit.models import AccessEvent, LogLeaf, Redaction
from custodian.audit.tree import LogError, TileReader, integrate
from custodian.policy.loader import current_policy

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RETENTION_ITEM = "access_log"


class NotRedactable(ValueError):
    pass


def microseconds(moment: datetime) -> int:
    """A moment as microseconds since the epoch, exactly (the events' `at_us`; a float would round)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def retention_cutoff_us(at: datetime) -> int | None:
    """The time before which an access-log event is past its retention at `at`, counted as the retention run
    counts it; None when the policy gives the access log no period (then nothing may be redacted)."""
    item = current_policy().retention_schedule.get(RETENTION_ITEM)
    if item is None:
        return None
    return microseconds(item.first_moment_kept(timezone.localdate(at)))


def _period() -> str:
    item = current_policy().retention_schedule.get(RETENTION_ITEM)
    return "none in the policy" if item is None else item.period_text


def _refusal(at_us: int | None, redacted_at: datetime) -> str:
    """Why an event of time `at_us` could not be redacted at `redacted_at` ('' when it could)."""
    cutoff = retention_cutoff_us(redacted_at)
    if at_us is None:
        return "its time was not kept"
    if cutoff is None or at_us >= cutoff:
        when = (EPOCH + timedelta(microseconds=at_us)).isoformat(timespec="seconds")
        return (
            f"its time ({when}) was within the access log's retention period ({_period()}) on "
            f"{timezone.localdate(redacted_at).isoformat()}"
        )
    return ""


def _sealed(
    *, event_seq: int, position: int, leaf: bytes, at_us: int, reason: str, now: datetime
) -> Redaction:
    values = {
        "event_seq": event_seq,
        "leaf_index": position,
        "leaf_hash": leaf.hex(),
        "at_us": at_us,
        "reason": reason,
        "redacted_us": microseconds(now),
    }
    return Redaction(
        event_seq=event_seq,
        leaf_index=position,
        leaf_hash=leaf.hex(),
        reason=reason,
        redacted_at=now,
        at_us=at_us,
        seal=seals.redaction_seal(values),
    )


def event_redact(*, event_seq: int, reason: str) -> Redaction:
    """Delete an event's row after recording its leaf (position and hash), time and why, sealed. The event
    must be in the tree and match its leaf (the log never forgets an event it can't account for), be past
    the access log's retention period, and no older event may still be held (retention redacts the
    oldest first)."""
    if not reason.strip():
        raise NotRedactable("a redaction says why (the retention rule that ends the event's life)")
    integrate()
    with transaction.atomic():
        position = LogLeaf.objects.filter(event_seq=event_seq).values_list("idx", flat=True).first()
        if position is None:
            raise NotRedactable(f"event {event_seq} is not in the tree")
        table = AccessEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {canonical_sql()}, at_us FROM {table} WHERE seq = %s", [event_seq])  # noqa: S608
            row = cursor.fetchone()
        if row is None:
            raise NotRedactable(f"event {event_seq} was already removed")
        now = timezone.now()
        refusal = _refusal(row[1], now)
        if refusal:
            raise NotRedactable(f"event {event_seq} can't be redacted: {refusal}")
        older = (
            AccessEvent.objects.filter(at_us__lt=row[1])
            .order_by("at_us", "seq")
            .values_list("seq", flat=True)
        )
        if (first := older.first()) is not None:
            raise NotRedactable(f"event {event_seq} can't be redacted before the older event {first}")
        leaf = TileReader().leaf(position)
        if merkle.leaf_hash(row[0].encode("utf-8")) != leaf:
            raise LogError(f"event {event_seq} does not match its leaf at position {position}")
        redaction = _sealed(
            event_seq=event_seq,
            position=position,
            leaf=leaf,
            at_us=row[1],
            reason=reason.strip()[:300],
            now=now,
        )
        redaction.save()
        AccessEvent.objects.filter(seq=event_seq).delete()  # the trigger allows it now, and only now
    return redaction


def events_redact(*, before_us: int, reason: str, batch: int = 5000) -> int:
    """Redact every event older than `before_us` (microseconds since the epoch), oldest first, in committed
    batches; the retention run calls this with its cutoff, which may not be later than the access log's
    period allows today. Returns how many were redacted. Safe to re-run."""
    if not reason.strip():
        raise NotRedactable("a redaction says why (the retention rule that ends the event's life)")
    cutoff = retention_cutoff_us(timezone.now())
    if cutoff is None or before_us > cutoff:
        raise NotRedactable(
            f"events can't be redacted before {before_us}: the access log's retention period "
            f"({_period()}) keeps every event from {cutoff}"
        )
    integrate()
    table, leaves = AccessEvent._meta.db_table, LogLeaf._meta.db_table
    done = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT e.seq, l.idx, e.at_us, {canonical_sql('e')} FROM {table} e "  # noqa: S608
                    f"JOIN {leaves} l ON l.event_seq = e.seq WHERE e.at_us < %s "
                    "ORDER BY e.at_us, e.seq LIMIT %s",
                    [before_us, batch],
                )
                rows = cursor.fetchall()
            if not rows:
                return done
            reader, now, why = TileReader(), timezone.now(), reason.strip()[:300]
            records = []
            for seq, position, at_us, text in rows:
                leaf = reader.leaf(position)
                if merkle.leaf_hash(text.encode("utf-8")) != leaf:
                    raise LogError(f"event {seq} does not match its leaf at position {position}")
                records.append(
                    _sealed(event_seq=seq, position=position, leaf=leaf, at_us=at_us, reason=why, now=now)
                )
            Redaction.objects.bulk_create(records)
            AccessEvent.objects.filter(seq__in=[r.event_seq for r in records]).delete()
            done += len(records)


class RedactionRow(NamedTuple):
    """A redaction as `audit verify` reads it: the columns its seal covers, and the seal."""

    event_seq: int
    leaf_index: int
    leaf_hash: str
    at_us: int | None
    reason: str
    redacted_at: datetime
    seal: str


def redactions_read(unreadable: set = frozenset()) -> list[RedactionRow]:
    """Every redaction `audit verify` checks, by leaf (`unreadable`: the keys of rows not as the system
    writes them, named by custodian.audit.rows and left out here). Read once, in chunks, as rows: the check
    of the leaves and `redaction_problems` both take them from here (after six years the log redacts about
    as many events a day as it writes)."""
    rows = (
        Redaction.objects.exclude(pk__in=unreadable).order_by("leaf_index").values_list(*RedactionRow._fields)
    )
    return [RedactionRow(*row) for row in rows.iterator(chunk_size=20_000)]


def redaction_problems(
    redactions: list[RedactionRow], keys: dict[str, bytes], now: datetime, limit: int = 5
) -> list[tuple[str, int, str]]:
    """`audit verify`'s check of the redactions (as `redactions_read` read them; `keys`: the log's sealing
    keys; `now`: the check's moment): each problem (kind, position, what), at most `limit`. A redaction the
    system did not make under the retention rule hides a deleted event: each is `deleted`."""
    problems: list[tuple[str, int, str]] = []
    newest: tuple[int, int, int] | None = None  # (time, number, position) of the newest event redacted
    for seq, position, leaf_hash, at_us, reason, redacted_at, seal in redactions:
        where = f"event {seq} at position {position} was deleted under a redaction"
        values = {
            "event_seq": seq,
            "leaf_index": position,
            "leaf_hash": leaf_hash,
            "at_us": "" if at_us is None else at_us,
            "reason": reason,
            "redacted_us": microseconds(redacted_at),
        }
        if not seal:
            what = (
                f"{where} with no seal: the system seals each one it makes, so this one was written by hand"
            )
        elif not seals.opens(keys, seal, seals.redaction_text(values)):
            what = (
                f"{where} the system did not make: its seal does not match its event, leaf, time, reason or "
                "date (or the log key file does not hold its key)"
            )
        elif redacted_at > now:
            what = f"{where} dated {redacted_at.isoformat(timespec='seconds')}, later than this check"
        elif refusal := _refusal(at_us, redacted_at):
            what = f"{where} it could not have: {refusal}"
        else:
            if newest is None or at_us > newest[0]:
                newest = (at_us, seq, position)
            continue
        if len(problems) < limit:
            problems.append(("deleted", position, what))
    if newest is not None and len(problems) < limit:
        at_us, seq, position = newest
        older = (
            AccessEvent.objects.filter(at_us__lt=at_us).order_by("at_us", "seq").values_list("seq", flat=True)
        )
        if older := older.first():
            problems.append(
                (
                    "deleted",
                    position,
                    f"event {seq} at position {position} was redacted while the older event {older} is still "
                    "held: retention redacts the oldest events first",
                )
            )
    return problems
