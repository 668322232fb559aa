"""A redaction is the system's, made under the retention rule: someone who can write the database (no key,
no trigger dropped) can't delete a fresh event by writing a redaction row for it, and a redaction written
past the triggers, or one made with the key but not under the rule, is named by `audit verify` (exit 1).

Mona the marketer read Greta's name minutes ago; the outside review's steps hide that read."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from custodian.audit import seals
from custodian.audit.events import append_events
from custodian.audit.heads import head_sign, publish_to
from custodian.audit.models import AccessEvent, LogLeaf, Redaction
from custodian.audit.redaction import NotRedactable, event_redact, events_redact, microseconds
from custodian.audit.tests.conftest import tamper, verify_command, written_years_ago
from custodian.audit.tree import TileReader, integrate
from custodian.audit.verify import verify_log
from custodian.testing import read_event as event

GRETA = 42
MONAS_READ = {"actor_id": "9", "actor_label": "mona.marketer", "roles": "marketing", "purpose": "marketing"}


@pytest.fixture
def log(db, log_keys, monkeypatch, tmp_path):
    """Seven-year-old reads (past the access log's six years), then Mona's read of Greta's name today, all
    signed and published to an auditor's mirror. Mona's event's number."""
    written_years_ago(monkeypatch, 7, [event(i) for i in range(1, 11)])
    append_events([event(GRETA, **MONAS_READ)])
    integrate()
    head_sign()
    publish_to(tmp_path / "mirror")
    return AccessEvent.objects.get(customer_id=str(GRETA)).seq


def _leaf_of(seq: int) -> tuple[int, str]:
    """The event's leaf position and hash, as the review read them: `audit_logleaf`, and the 32 bytes at
    that position of the level-0 tile in `audit_tile`."""
    position = LogLeaf.objects.get(event_seq=seq).idx
    with connection.cursor() as cur:
        cur.execute("SELECT hashes FROM audit_tile WHERE level = 0 AND idx = %s", [position // 256])
        hashes = bytes(cur.fetchone()[0])
    return position, hashes[(position % 256) * 32 : (position % 256 + 1) * 32].hex()


def _review_steps(seq: int, run=None) -> None:
    """The outside review's forgery, in plain SQL: a redaction row for the event, then its row deleted."""
    position, leaf = _leaf_of(seq)
    run = run or _plain
    run(
        "INSERT INTO audit_redaction (event_seq, leaf_index, leaf_hash, reason, redacted_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [seq, position, leaf, "retention", timezone.now()],
    )
    run("DELETE FROM audit_accessevent WHERE seq = %s", [seq])


def _plain(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_a_fresh_read_is_not_deleted_under_a_redaction_written_in_the_database(log):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _review_steps(log)
    assert AccessEvent.objects.filter(seq=log).exists()


def test_a_redaction_written_past_the_triggers_is_named_by_verify(log, tmp_path):
    _review_steps(log, run=tamper)
    assert not AccessEvent.objects.filter(seq=log).exists()
    result = verify_log(tmp_path / "mirror")
    assert not result.ok and result.kind == "deleted", str(result)
    position = LogLeaf.objects.get(event_seq=log).idx
    assert f"event {log} at position {position} was deleted under a redaction with no seal" in str(result)
    code, said = verify_command(tmp_path / "mirror")
    assert code == 1 and "BROKEN" in said and "no seal" in said


def test_a_redaction_given_an_old_time_and_another_s_seal_is_refused_and_named(log, tmp_path):
    """The writer copies a genuine redaction's seal and time onto one for Mona's read: the trigger refuses
    the delete (the time is not the event's), and past the triggers the seal does not open."""
    oldest = AccessEvent.objects.order_by("seq").values_list("seq", flat=True).first()
    genuine = event_redact(event_seq=oldest, reason="retention")
    position, leaf = _leaf_of(log)
    forged = (
        "INSERT INTO audit_redaction (event_seq, leaf_index, leaf_hash, reason, redacted_at, at_us, seal) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    values = [log, position, leaf, genuine.reason, genuine.redacted_at, genuine.at_us, genuine.seal]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _plain(forged, values)
        _plain("DELETE FROM audit_accessevent WHERE seq = %s", [log])
    tamper(forged, values)
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [log])
    result = verify_log(tmp_path / "mirror")
    assert not result.ok and result.kind == "deleted", str(result)
    assert f"event {log} at position {position} was deleted under a redaction the system did not make" in str(
        result
    )


@pytest.mark.parametrize("wrong", ["leaf_index", "leaf_hash", "at_us", "seal"])
def test_the_trigger_asks_the_redaction_for_the_event_s_leaf_time_and_seal(db, log_keys, monkeypatch, wrong):
    """An old event, and a redaction row right in all but one thing: the database refuses the delete."""
    written_years_ago(monkeypatch, 7, [event(i) for i in range(1, 4)])
    integrate()
    seq = AccessEvent.objects.order_by("seq").values_list("seq", flat=True)[1]
    position, leaf = _leaf_of(seq)
    row = {
        "event_seq": seq,
        "leaf_index": position,
        "leaf_hash": leaf,
        "reason": "retention",
        "redacted_at": timezone.now(),
        "at_us": AccessEvent.objects.get(seq=seq).at_us,
        "seal": "ab" * 20,
    }
    row[wrong] = {"leaf_index": position + 1, "leaf_hash": "cd" * 32, "at_us": row["at_us"] - 1, "seal": ""}[
        wrong
    ]
    insert = f"INSERT INTO audit_redaction ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})"  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _plain(insert, list(row.values()))
        _plain("DELETE FROM audit_accessevent WHERE seq = %s", [seq])


def _sealed_redaction(seq: int, *, redacted_at) -> None:
    """A redaction sealed with the log's key (what only the system can make), written past the triggers:
    what a fault of the system's own would leave."""
    position, leaf = _leaf_of(seq)
    at_us = AccessEvent.objects.get(seq=seq).at_us
    values = {
        "event_seq": seq,
        "leaf_index": position,
        "leaf_hash": leaf,
        "at_us": at_us,
        "reason": "retention",
        "redacted_us": microseconds(redacted_at),
    }
    tamper(
        "INSERT INTO audit_redaction (event_seq, leaf_index, leaf_hash, reason, redacted_at, at_us, seal) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [seq, position, leaf, "retention", redacted_at, at_us, seals.redaction_seal(values)],
    )
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [seq])


def test_a_sealed_redaction_of_an_event_within_its_period_is_named(log):
    _sealed_redaction(log, redacted_at=timezone.now())
    result = verify_log()
    assert not result.ok and result.kind == "deleted", str(result)
    assert "within the access log's retention period (6 years)" in str(result)


def test_a_redaction_dated_after_the_check_is_named(log):
    """Dated eight years on, Mona's read would look past its period: a redaction can't be from the future."""
    _sealed_redaction(log, redacted_at=timezone.now() + timedelta(days=8 * 366))
    result = verify_log()
    assert not result.ok and result.kind == "deleted", str(result)
    assert "later than this check" in str(result)


def test_a_redaction_that_leaves_an_older_event_held_is_named(db, log_keys, monkeypatch):
    written_years_ago(monkeypatch, 8, [event(1)])
    written_years_ago(monkeypatch, 7, [event(2)])
    integrate()
    older, newer = AccessEvent.objects.order_by("seq").values_list("seq", flat=True)
    with pytest.raises(NotRedactable, match=f"before the older event {older}"):
        event_redact(event_seq=newer, reason="retention")
    _sealed_redaction(newer, redacted_at=timezone.now())
    result = verify_log()
    assert not result.ok and "retention redacts the oldest events first" in str(result), str(result)


def test_the_service_refuses_to_redact_an_event_within_its_period(log):
    with pytest.raises(NotRedactable, match="within the access log's retention period"):
        event_redact(event_seq=log, reason="retention")
    with pytest.raises(NotRedactable, match="retention period"):
        events_redact(before_us=microseconds(timezone.now()), reason="retention")
    assert AccessEvent.objects.filter(seq=log).exists() and not Redaction.objects.exists()


def test_a_retention_redaction_still_verifies_against_the_published_heads(log, tmp_path):
    """The retention run's redaction of the seven-year-old reads: sealed, kept with the events' times, let
    through by the trigger; `audit verify --against` the mirror says OK, and Mona's read stays."""
    cutoff = microseconds(timezone.now() - timedelta(days=6 * 366))
    assert events_redact(before_us=cutoff, reason="retention run 1: schedule item access_log (6 years)") == 10
    assert all(r.seal and r.at_us < cutoff for r in Redaction.objects.all())
    assert AccessEvent.objects.filter(seq=log).exists()
    assert TileReader().leaf(LogLeaf.objects.get(event_seq=log).idx)
    code, said = verify_command(tmp_path / "mirror")
    assert code == 0 and said.startswith("OK") and "10 redacted" in said, said
