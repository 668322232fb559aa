"""The access log in the database: events committed by writers are integrated into a Merkle tree by the
sequencer; proofs come from its tiles; `audit verify` finds and names every change made behind the
application's back (a modified, swapped, inserted or deleted event), and the database refuses UPDATE,
DELETE, REPLACE and TRUNCATE of the records."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.expressions import RawSQL
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from custodian.audit import merkle
from custodian.audit.events import CANON_FIELDS, append_events, append_uniform, canonical, canonical_sql
from custodian.audit.heads import log_origin
from custodian.audit.log_key import log_seal_keys
from custodian.audit.models import AccessEvent, LogLeaf, PendingEvent
from custodian.audit.seals import SEAL_FIELDS, opens, seal_sql, seal_text
from custodian.audit.tests.conftest import (
    event,
    insert_event_past_the_triggers,
    insert_forged_event,
    insert_old_format_event,
    swap_events,
    tamper,
)
from custodian.audit.tree import TileReader, current_head, integrate, waiting
from custodian.audit.verify import verify_log
from custodian.testing import postgres_only


def leaf_of(position):
    seq = LogLeaf.objects.get(idx=position).event_seq
    text = AccessEvent.objects.filter(seq=seq).values_list(RawSQL(canonical_sql(), []), flat=True).get()
    return merkle.leaf_hash(text.encode())


def test_events_wait_for_the_sequencer_then_form_one_tree(db, log_keys):
    append_events([event(i) for i in range(1, 6)])
    assert waiting() == 5 and current_head().size == 0
    assert integrate() == 5
    append_uniform(event(0), range(6, 300))
    assert integrate(batch=100) == 294
    head = current_head()
    assert head.size == 299 and waiting() == 0
    # The tiles give back the tree whose root is the head's, and proofs that verify against it.
    reader = TileReader()
    assert reader.root(299) == head.root
    for position in (0, 5, 255, 256, 298):
        proof = reader.inclusion_proof(position, 299)
        assert merkle.verify_inclusion(position, 299, leaf_of(position), proof, head.root)
    assert merkle.verify_consistency(5, 299, reader.root(5), head.root, reader.consistency_proof(5, 299))
    result = verify_log()
    assert result.ok, str(result)
    assert (result.size, result.events) == (299, 299)


def test_a_uniform_batch_is_one_event_per_customer_in_order_each_with_its_own_nonce(db):
    append_uniform(event(0), [5, 3, "9", 5000])
    rows = list(AccessEvent.objects.order_by("seq").values_list("customer_id", "nonce", "reason"))
    assert [cid for cid, _, _ in rows] == ["5", "3", "9", "5000"]
    nonces = [nonce for _, nonce, _ in rows]
    assert len(set(nonces)) == 4 and all(len(n) == 32 and n == n.lower() and int(n, 16) >= 0 for n in nonces)
    assert {reason for _, _, reason in rows} == {event(0)["reason"]}


@postgres_only
def test_a_bulk_write_waits_as_one_run_and_is_taken_in_parts(db, log_keys):
    append_uniform(event(0), range(1, 301))
    (first, last), *others = PendingEvent.objects.values_list("first_seq", "last_seq")
    assert (last - first, others) == (299, [])
    assert integrate(batch=100, limit=100) == 100
    assert waiting() == 200 and list(PendingEvent.objects.values_list("first_seq", "last_seq")) == [
        (first + 100, last)
    ]
    assert integrate(batch=70) == 200
    assert waiting() == 0 and not PendingEvent.objects.exists()
    assert [seq for _, seq in LogLeaf.objects.order_by("idx").values_list("idx", "event_seq")] == list(
        range(first, last + 1)
    )
    assert verify_log().ok


@postgres_only
def test_many_single_reads_behind_a_long_log_are_taken_a_batch_at_a_time(db, log_keys):
    """Reads through the gate are one event a statement: one run each. A batch takes whole runs and cuts the
    run that does not fit, wherever it falls, and leaves the rest queued in order."""
    append_uniform(event(0), range(1, 2001))
    assert integrate() == 2000
    for i in range(30):
        append_events([event(i)])
    append_uniform(event(0), range(1, 11))  # a run of ten after the single ones
    assert PendingEvent.objects.count() == 31 and waiting() == 40
    assert integrate(batch=7, limit=7) == 7
    assert PendingEvent.objects.count() == 24 and waiting() == 33
    assert integrate(batch=28, limit=28) == 28  # the 23 single ones left, and five of the ten
    (first, last), *others = PendingEvent.objects.values_list("first_seq", "last_seq")
    assert (last - first, others) == (4, [])
    assert integrate() == 5 and waiting() == 0
    numbers = list(LogLeaf.objects.order_by("idx").values_list("event_seq", flat=True))
    assert numbers == sorted(numbers) and len(set(numbers)) == 2040
    assert verify_log().ok


@postgres_only
def test_events_of_one_statement_numbered_apart_wait_as_runs(db, log_keys):
    """A concurrent writer can take numbers in the middle of a statement's: its events wait as several
    runs, and the numbers in between (another writer's, perhaps not yet committed) are not taken with them."""
    columns = ",".join(CANON_FIELDS)
    row = "(" + ",".join(["%s"] * len(CANON_FIELDS)) + ")"
    values = [1, "", "reveal", "staff", "7", "b", "billing", "billing", "", "1", "name", "allow"]
    values += ["", "", "", "", "", ""]  # no commitment nor seal: written as before them
    start = 10_000_000
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO audit_accessevent ({columns}) VALUES {row}, {row}, {row}",
            [start, *values, "", start + 1, *values, "", start + 5, *values, ""],
        )
    assert list(PendingEvent.objects.order_by("first_seq").values_list("first_seq", "last_seq")) == [
        (start, start + 1),
        (start + 5, start + 5),
    ]
    assert integrate(batch=2) == 3 and waiting() == 0
    assert list(LogLeaf.objects.order_by("idx").values_list("event_seq", flat=True)) == [
        start,
        start + 1,
        start + 5,
    ]
    assert verify_log().ok


@postgres_only
def test_a_forged_queue_that_keeps_the_count_right_is_found(events):
    """An event hidden from the sequencer by replacing its run with a run of numbers that don't exist: the
    count of waiting events stays right, the numbers don't."""
    append_events([event(21)])
    (hidden,) = PendingEvent.objects.values_list("first_seq", flat=True)
    tamper("DELETE FROM audit_pendingevent")
    tamper("INSERT INTO audit_pendingevent (first_seq, last_seq) VALUES (%s, %s)", [900_000_000, 900_000_000])
    result = verify_log()
    assert not result.ok
    assert f"event {hidden} is neither in the tree nor waiting" in str(result)
    assert "queued run 900000000–900000000 holds numbers in the tree or with no event" in str(result)


def test_an_event_numbered_below_the_tree_and_not_in_it_is_found(events):
    """A number given again below the tree's last event (SQLite's counter reset by a table rebuild, or an
    insert with its own number and no queue row) would never be taken by the sequencer: verify names it."""
    insert_event_past_the_triggers(seq=0)
    result = verify_log()  # (on PostgreSQL the insert, past the triggers, was not queued either)
    assert not result.ok and "event 0 is neither in the tree nor waiting" in str(result)


def test_an_intact_log_verifies_by_the_command(events, capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK: 20 events in the tree")


class _named:
    """Names the statement in a failure's report."""

    def __init__(self, sql):
        self.sql = sql

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return self.sql


def test_the_database_refuses_update_delete_replace_and_truncate(events):
    call_command("audit", "sign")
    seq = LogLeaf.objects.get(idx=3).event_seq
    statements = [
        f"UPDATE audit_accessevent SET reason = 'nothing to see' WHERE seq = {seq}",
        f"DELETE FROM audit_accessevent WHERE seq = {seq}",
        "DELETE FROM audit_logleaf",
        "DELETE FROM audit_signedhead",
        "UPDATE audit_tile SET hashes = hashes WHERE level = 0",
        "DELETE FROM audit_tile",
    ]
    if connection.vendor == "postgresql":
        statements += [f"TRUNCATE {t}" for t in ("audit_accessevent", "audit_logleaf", "audit_tile")]
        statements += ["TRUNCATE audit_signedhead CASCADE", "TRUNCATE disclosures_disclosureentry CASCADE"]
        statements += ["TRUNCATE billing_ledgerentry CASCADE"]
    else:  # INSERT OR REPLACE deletes the old row: refused like a DELETE
        statements += ["INSERT OR REPLACE INTO audit_logleaf (idx, event_seq) VALUES (0, 999)"]
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            _named(sql),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert verify_log().ok


def _modify_event_at_4():
    seq = LogLeaf.objects.get(idx=4).event_seq
    tamper("UPDATE audit_accessevent SET customer_id = '999' WHERE seq = %s", [seq])


def _delete_event_at_9():
    seq = LogLeaf.objects.get(idx=9).event_seq
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [seq])


def _delete_leaf_9_and_renumber():
    tamper("DELETE FROM audit_logleaf WHERE idx = 9")
    tamper("UPDATE audit_logleaf SET idx = idx + 1000 WHERE idx > 9")
    tamper("UPDATE audit_logleaf SET idx = idx - 1001 WHERE idx > 1000")


TAMPERINGS = [
    # (what is done to the twenty events, what verification calls it, at which position, words it says)
    pytest.param(_modify_event_at_4, "modified", 4, "", id="a modified event is named"),
    pytest.param(
        lambda: swap_events(7, 12), "swapped", 7, "positions 7 and 12", id="two swapped events, as a swap"
    ),
    pytest.param(
        lambda: insert_forged_event(seq=9000, at=5), "inserted", 5, "", id="an event inserted in the middle"
    ),
    pytest.param(_delete_event_at_9, "deleted", 9, "", id="a deleted event is named"),
    pytest.param(_delete_leaf_9_and_renumber, "deleted", 9, "", id="a deleted and renumbered event"),
]


@pytest.mark.parametrize("tampering, kind, position, says", TAMPERINGS)
def test_a_tampered_event_is_named_with_its_position(events, tampering, kind, position, says):
    tampering()
    result = verify_log()
    assert (result.ok, result.kind, result.position) == (False, kind, position)
    assert says in str(result)


def test_an_event_kept_out_of_the_tree_is_found(events):
    append_events([event(99)])
    if connection.vendor == "postgresql":
        tamper("DELETE FROM audit_pendingevent")  # its place in the sequencer's queue
    else:  # numbered below the events in the tree, where the sequencer does not look
        tamper("UPDATE audit_accessevent SET seq = -seq WHERE seq = (SELECT MAX(seq) FROM audit_accessevent)")
    integrate()
    result = verify_log()
    assert (result.ok, result.kind) == (False, "not in the tree")


def test_the_command_prints_the_break(events, capsys):
    seq = LogLeaf.objects.get(idx=2).event_seq
    tamper("UPDATE audit_accessevent SET reason = 'x' WHERE seq = %s", [seq])
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "BROKEN at position 2: modified" in capsys.readouterr().err


class TestCanonicalFormIsTheSameInPythonAndInTheDatabase(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        reason=st.text(
            alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
        ),
        label=st.text(max_size=20).filter(lambda s: "\x00" not in s),
        committed=st.booleans(),
    )
    def test_same_bytes(self, reason, label, committed):
        """Events that commit to who acted, and events written before commitments (which name them)."""
        if committed:
            append_events([event(1, reason=reason, actor_label=label)])
        else:
            insert_old_format_event(reason=reason, actor_label=label, client_ip=label)
        stored = AccessEvent.objects.order_by("-seq").first()
        assert bool(stored.actor_commitment) == committed
        in_db = (
            AccessEvent.objects.filter(seq=stored.seq)
            .values_list(RawSQL(canonical_sql(), []), flat=True)
            .get()
        )
        assert in_db == canonical({f: getattr(stored, f) for f in CANON_FIELDS})
        # The seal's text likewise, and the seal opens from it.
        sealed = (
            AccessEvent.objects.filter(seq=stored.seq)
            .values_list(RawSQL(seal_sql("", connection.vendor), []), flat=True)
            .get()
        )
        assert sealed == seal_text({f: getattr(stored, f) for f in SEAL_FIELDS})
        assert not committed or opens(log_seal_keys(log_origin())[1], stored.seal, sealed)


@postgres_only
def test_every_append_only_table_refuses_truncate(db):
    """The class, not a list: every table whose rows the append-only trigger guards refuses TRUNCATE too
    (a statement-level trigger; TRUNCATE fires no row trigger)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.prosrc ILIKE '%%append-only%%' AND NOT t.tgisinternal AND (t.tgtype & 1) = 1"
        )
        guarded = sorted(r[0] for r in cur.fetchall())
    assert "audit_accessevent" in guarded and "disclosures_consent" in guarded
    allowed_through = []
    for table in guarded:
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(f"TRUNCATE {table} CASCADE")
        except DatabaseError as exc:
            assert "append-only" in str(exc), table
        else:
            allowed_through.append(table)
    assert not allowed_through, f"TRUNCATE accepted on append-only tables: {allowed_through}"
