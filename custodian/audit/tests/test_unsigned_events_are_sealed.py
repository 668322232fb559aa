"""Events written since the last signed head can't be changed, stripped of their seal or (on SQLite) deleted
unnoticed by whoever can write the database: each event is sealed as it is written with a key outside the
database, and `audit verify` checks every seal, signed or waiting, even after the changed version was signed
in and published. As the review found it: after `audit sign` and `audit publish --to DIR`, the billing clerk
reads a customer's name for billing; someone with the database's keys drops the triggers and makes the event
say another customer and another purpose (or deletes it, and one more event is written); `audit sign`; both
`audit verify` and `audit verify --against DIR` must fail and name the event."""

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from custodian.audit import seals
from custodian.audit.events import COMMITTED_FIELDS, TEXT_FIELDS, actor_commitment, append_events
from custodian.audit.heads import head_sign, log_origin, publish_to
from custodian.audit.log_key import log_key_rotate
from custodian.audit.models import AccessEvent
from custodian.audit.seals import SEAL_FIELDS, active_key, forget_key, opens, seal_text
from custodian.audit.tests.conftest import event, insert_event_past_the_triggers, tamper
from custodian.audit.tree import integrate
from custodian.audit.verify import verify_log
from custodian.testing import ON_POSTGRES
from custodian.vault.gate import reveal, staff_actor

sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="PostgreSQL skips numbers on a rollback: a gap there proves nothing"
)


def clerk_reads(billing_clerk, customer) -> AccessEvent:
    """The billing clerk reads the customer's name for billing (after the last signed head)."""
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
    return AccessEvent.objects.filter(actor_kind="staff").latest("seq")


def verify_fails_naming(seq: int, mirror: Path, kind: str = "modified") -> None:
    for against in (None, mirror):
        result = verify_log(against)
        assert not result.ok, str(result)
        named = [f.kind for f in result.findings if f"event {seq} " in f"{f.detail} "]
        assert kind in named, str(result)


def test_every_event_is_sealed_with_its_whole_content(published, billing_clerk, customer):
    read = clerk_reads(billing_clerk, customer)
    keys = {read.seal[:8]: _seal_key()}
    values = {f: getattr(read, f) for f in SEAL_FIELDS}
    assert len(read.seal) == 40 and opens(keys, read.seal, seal_text(values))
    # Every field counts, who acted in clear included; the seal is in the leaf.
    for name in SEAL_FIELDS:
        assert not opens(keys, read.seal, seal_text({**values, name: f"{values[name]}x"})), name
    assert all(len(e.seal) == 40 for e in AccessEvent.objects.all())
    integrate()
    assert verify_log(published).ok


@pytest.mark.parametrize(
    "change",
    [
        {"customer_id": "6", "purpose": "providing_services"},  # the review's change
        {"categories": "name,bank_account"},
        {"decision": "deny"},
        {"at_us": 1_700_000_000_000_000},
        {"reason": "granted under request 12"},
    ],
)
def test_an_unsigned_event_changed_then_signed_in_is_found(published, billing_clerk, customer, change):
    read = clerk_reads(billing_clerk, customer)
    sets = ", ".join(f"{column} = %s" for column in change)
    tamper(f"UPDATE audit_accessevent SET {sets} WHERE seq = %s", [*change.values(), read.seq])  # noqa: S608
    # Found while it waits for the tree, and after the changed version was signed in.
    assert any(f"event {read.seq} (not in the tree yet)" in f.detail for f in verify_log().findings)
    head_sign()
    publish_to(published)
    verify_fails_naming(read.seq, published)


def test_who_acted_changed_with_a_commitment_recomputed_is_found(published, billing_clerk, customer):
    """The commitment's salt is in the database: whoever can write it can name someone else behind a new
    commitment that opens. The seal is made with a key the database does not hold."""
    read = clerk_reads(billing_clerk, customer)
    who = [read.actor_id, "ann.admin", read.client_ip, read.on_behalf_of]
    assert [getattr(read, f) for f in COMMITTED_FIELDS][1] == "bill.clerk"
    tamper(
        "UPDATE audit_accessevent SET actor_label = %s, actor_commitment = %s WHERE seq = %s",
        ["ann.admin", actor_commitment(read.actor_salt, who), read.seq],
    )
    head_sign()
    verify_fails_naming(read.seq, published)


def test_a_seal_removed_or_made_up_is_found(published, billing_clerk, customer, monkeypatch):
    monkeypatch.setattr(seals, "UPGRADE_GRACE_US", 0)  # long after the release that seals was rolled out
    read = clerk_reads(billing_clerk, customer)
    later = clerk_reads(billing_clerk, customer)
    tamper(
        "UPDATE audit_accessevent SET customer_id = '6', seal = '' WHERE seq = %s",
        [read.seq],
    )
    tamper(
        "UPDATE audit_accessevent SET customer_id = '6', seal = %s WHERE seq = %s",
        [later.seal[:8] + "0" * 32, later.seq],
    )
    head_sign()
    verify_fails_naming(read.seq, published)
    verify_fails_naming(later.seq, published)
    assert "has no seal" in str(verify_log())


def test_events_the_code_before_seals_writes_during_the_upgrade_are_accepted(published, monkeypatch):
    """Hosts upgraded one at a time: a process still running the code before seals writes events without
    one after the first sealed events. For an hour after the first sealed event they are accepted; an
    unsealed event past that hour is named."""
    row = event(21)
    columns = ["at_us", "nonce", *TEXT_FIELDS]  # as that code wrote them: no commitment, no seal
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO audit_accessevent ({','.join(columns)}) VALUES ({','.join(['%s'] * len(columns))})",  # noqa: S608
            [time.time_ns() // 1000, "0f" * 16, *(row.get(f, "") for f in TEXT_FIELDS)],
        )
        cur.execute("SELECT MAX(seq) FROM audit_accessevent")
        (old,) = cur.fetchone()
    append_events([event(21)])
    head_sign()
    publish_to(published)
    assert verify_log(published).ok, str(verify_log(published))
    monkeypatch.setattr(seals, "UPGRADE_GRACE_US", 0)
    verify_fails_naming(old, published)


def test_an_event_written_past_the_application_is_found(published):
    """No seal can be made without the key: an event inserted straight into the table has none."""
    last = AccessEvent.objects.latest("seq").seq
    insert_event_past_the_triggers(seq=last + 1, reason="forged")
    head_sign()
    verify_fails_naming(last + 1, published)


def test_a_copy_of_a_sealed_event_under_a_new_number_is_found(published, billing_clerk, customer):
    """The seal leaves the number out, so a copy of a genuine event opens its seal: a second read in the staff
    member's name. The seal covers the event's random nonce, so two events with one seal are a copy."""
    read = clerk_reads(billing_clerk, customer)
    columns = [f.column for f in AccessEvent._meta.concrete_fields if f.column != "seq"]
    copy = read.seq + 1000
    tamper(
        f"INSERT INTO audit_accessevent (seq, {', '.join(columns)}) "  # noqa: S608 (the model's own columns)
        f"SELECT %s, {', '.join(columns)} FROM audit_accessevent WHERE seq = %s",
        [copy, read.seq],
    )
    for against in (None, published):
        result = verify_log(against)
        named = [f.kind for f in result.findings if f"event {copy} is a copy of event {read.seq}" in f.detail]
        assert named == ["inserted"], str(result)


def test_a_seal_removed_from_a_signed_event_breaks_the_tree(published):
    """The seal is in the leaf: taking it off an event already signed changes the leaf."""
    first = AccessEvent.objects.earliest("seq")
    tamper("UPDATE audit_accessevent SET seal = '' WHERE seq = %s", [first.seq])
    result = verify_log(published)
    assert (result.kind, result.position) == ("modified", 0), str(result)


@sqlite_only
def test_an_unsigned_event_deleted_leaves_a_gap_that_is_named(published, billing_clerk, customer):
    read = clerk_reads(billing_clerk, customer)
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [read.seq])
    append_events([event(99)])
    assert AccessEvent.objects.latest("seq").seq == read.seq + 1
    head_sign()
    publish_to(published)
    verify_fails_naming(read.seq, published, kind="deleted")


def test_the_verify_command_names_the_event_and_exits_1(published, billing_clerk, customer, capsys):
    read = clerk_reads(billing_clerk, customer)
    tamper("UPDATE audit_accessevent SET customer_id = '6' WHERE seq = %s", [read.seq])
    call_command("audit", "sign")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--against", str(published))
    assert exit_.value.code == 1
    assert f"event {read.seq} at position" in capsys.readouterr().err


def test_events_sealed_before_a_key_rotation_still_verify(published, billing_clerk, customer):
    before = clerk_reads(billing_clerk, customer)
    log_key_rotate(log_origin())  # as another process would: this one still seals with the old key
    stale = clerk_reads(billing_clerk, customer)
    forget_key()
    after = clerk_reads(billing_clerk, customer)
    assert before.seal[:8] == stale.seal[:8] != after.seal[:8]
    doc = json.loads(Path(settings.CUSTODIAN_LOG_SIGNING_KEYS).read_text())
    assert doc["keys"][0]["private"] == "" and doc["keys"][0]["seal"]
    head_sign(force=True)
    publish_to(published)
    assert verify_log(published).ok, str(verify_log(published))
    tamper("UPDATE audit_accessevent SET purpose = 'marketing' WHERE seq = %s", [stale.seq])
    verify_fails_naming(stale.seq, published)


def _seal_key() -> bytes:
    return active_key()[1]


def test_the_seal_key_is_not_in_the_database(published, billing_clerk, customer):
    secret = _seal_key()
    clerk_reads(billing_clerk, customer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_accessevent")
        dump = repr(cursor.fetchall())
    assert secret.hex() not in dump and base64.b64encode(secret).decode() not in dump


def test_the_seal_is_the_standard_hmac():
    """The seal's HMAC-SHA256, its key's padded blocks hashed once, is the one `hmac` computes, for keys
    shorter than a block, a block long and longer (hashed first), and a key changed in between."""
    for key in (b"k" * 16, bytes(range(32)), b"\xff" * 64, bytes(range(100))):
        for data in (b"", b"at_us=16:1764331200000000\n", "é".encode() * 300):
            assert seals.hmac_sha256_hex(key, data) == hmac.new(key, data, hashlib.sha256).hexdigest()
