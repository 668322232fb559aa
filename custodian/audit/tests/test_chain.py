"""The access log is append-only and hash-chained: any modified, deleted, inserted or reordered event,
and a truncated tail, is found by `audit verify`, which names the position and the kind of break."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.expressions import RawSQL
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from custodian.audit.chain import CANON_FIELDS, append_events, canonical, canonical_sql, verify_chain
from custodian.audit.models import AccessEvent, ChainHead, Checkpoint


def event(i, **extra):
    return {
        "action": "reveal",
        "actor_kind": "staff",
        "actor_id": "7",
        "actor_label": "bill.clerk",
        "roles": "billing",
        "purpose": "billing",
        "customer_id": str(i),
        "categories": "name",
        "decision": "allow",
        "reason": "granted",
        **extra,
    }


@pytest.fixture
def log(db):
    append_events([event(i) for i in range(1, 11)])
    return AccessEvent.objects.order_by("seq")


def tamper(sql, params=()):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
            try:
                cur.execute(sql, params)
            finally:
                cur.execute("SET session_replication_role = DEFAULT")
        else:
            triggers = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name LIKE 'audit_%'"
            ).fetchall()
            for name, _ in triggers:
                cur.execute(f"DROP TRIGGER {name}")
            try:
                cur.execute(sql, params)
            finally:
                for _, ddl in triggers:
                    cur.execute(ddl)


def test_an_intact_log_verifies(log):
    result = verify_chain()
    assert result.ok and result.events == 10


def test_the_database_refuses_update_and_delete(log):
    call_command("audit", "checkpoint")
    for sql in (
        "UPDATE audit_accessevent SET reason = 'nothing to see' WHERE seq = 3",
        "DELETE FROM audit_accessevent WHERE seq = 3",
        "DELETE FROM audit_checkpoint",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert verify_chain().ok


def test_a_modified_event_is_found(log):
    tamper("UPDATE audit_accessevent SET customer_id = '999' WHERE seq = 4")
    result = verify_chain()
    assert (result.ok, result.position, result.kind) == (False, 4, "modified")


def test_a_deleted_event_is_found(log):
    tamper("DELETE FROM audit_accessevent WHERE seq = 6")
    result = verify_chain()
    assert (result.ok, result.position, result.kind) == (False, 6, "deleted")


def test_an_inserted_event_is_found(log):
    # Make room at 5 by shifting later events up, then insert a forged one (all with recomputed hashes
    # would need the chain rewritten from 5 on; a forger who does that is caught by the head and checkpoints).
    tamper("UPDATE audit_accessevent SET seq = seq + 100 WHERE seq >= 5")
    tamper("UPDATE audit_accessevent SET seq = seq - 99 WHERE seq >= 105")
    row = AccessEvent.objects.get(seq=4)
    tamper(
        "INSERT INTO audit_accessevent ("
        + ",".join(CANON_FIELDS)
        + ",prev_hash,hash) VALUES ("
        + ",".join(["%s"] * (len(CANON_FIELDS) + 2))
        + ")",
        [
            5,
            row.at_us,
            "reveal",
            "staff",
            "7",
            "bill.clerk",
            "billing",
            "billing",
            "",
            "1",
            "name",
            "allow",
            "forged",
            "",
            "",
            "",
            "",
            row.hash,
            "f" * 64,
        ],
    )
    result = verify_chain()
    assert (result.ok, result.position, result.kind) == (False, 5, "modified")


def test_reordered_events_are_found(log):
    tamper("UPDATE audit_accessevent SET seq = 1000 WHERE seq = 7")
    tamper("UPDATE audit_accessevent SET seq = 7 WHERE seq = 8")
    tamper("UPDATE audit_accessevent SET seq = 8 WHERE seq = 1000")
    result = verify_chain()
    assert not result.ok and result.position == 7


def test_a_rewritten_chain_is_caught_by_the_head(log):
    tamper("DELETE FROM audit_accessevent WHERE seq >= 9")
    result = verify_chain()
    assert (result.ok, result.kind, result.position) == (False, "truncated", 9)


def test_a_truncated_tail_is_caught_by_a_checkpoint_even_when_the_head_is_rewritten(log):
    call_command("audit", "checkpoint")
    append_events([event(11)])
    tamper("DELETE FROM audit_accessevent WHERE seq >= 8")
    eight = AccessEvent.objects.get(seq=7)
    ChainHead.objects.filter(pk=1).update(last_seq=7, last_hash=eight.hash)
    result = verify_chain()
    assert (result.ok, result.kind) == (False, "truncated")
    assert "checkpoint records position 10" in result.detail


def test_checkpoints_are_written_periodically(db, settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 4
    append_events([event(i) for i in range(1, 4)])
    append_events([event(i) for i in range(4, 10)])
    assert list(Checkpoint.objects.order_by("seq").values_list("seq", flat=True)) == [
        8
    ]  # one per append: the last mark
    append_events([event(10)])
    assert list(Checkpoint.objects.order_by("seq").values_list("seq", flat=True)) == [8]
    append_events([event(i) for i in range(11, 13)])
    assert list(Checkpoint.objects.order_by("seq").values_list("seq", flat=True)) == [8, 12]
    assert verify_chain().ok


def test_the_command_prints_ok_or_the_break(log, capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK: 10 events")
    tamper("UPDATE audit_accessevent SET reason = 'x' WHERE seq = 2")
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
    )
    def test_same_bytes(self, reason, label):
        (row,) = append_events([event(1, reason=reason, actor_label=label)])
        in_db = (
            AccessEvent.objects.filter(seq=row["seq"])
            .values_list(RawSQL(canonical_sql(), []), flat=True)
            .get()
        )
        stored = AccessEvent.objects.get(seq=row["seq"])
        assert in_db == canonical({f: getattr(stored, f) for f in CANON_FIELDS})
        assert verify_chain().ok


def test_uniform_bulk_events_form_the_same_chain(db):
    from custodian.audit.chain import append_uniform

    append_events([event(1)])
    common = event(0)
    append_uniform(common, [2, 3, 4])
    append_events([event(5)])
    assert verify_chain().ok
    rows = list(AccessEvent.objects.order_by("seq").values_list("customer_id", "purpose", "actor_label"))
    assert rows == [(str(i), "billing", "bill.clerk") for i in range(1, 6)]


def test_reads_log_with_debug_on_whatever_cursor_the_caller_holds(
    db, settings, customer, privacy_officer, open_request
):
    from custodian.vault.gate import reveal, reveal_documents, staff_actor

    settings.DEBUG = True  # Django's debug cursor formats every statement it logs
    req = open_request(customer, "privacy_officer", kind="data_access")
    actor = staff_actor(privacy_officer)
    reveal(
        actor=actor, customer_id=customer.pk, fields=["name"], purpose="legal_obligations", request_id=req.pk
    )
    reveal_documents(
        actor=actor,
        customer_id=customer.pk,
        category="correspondence",
        ref_prefix="",
        purpose="legal_obligations",
        request_id=req.pk,
    )
    assert verify_chain().ok and AccessEvent.objects.count() == 2
