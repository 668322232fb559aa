"""An event's leaf commits to who acted instead of naming them: a customer's receipt of a staff member's read
carries no user name, user id or workstation address and still checks with the standalone verifier;
`audit verify` opens every commitment from the stored columns, so a name or address changed behind the
application's back is found; every writer commits (one event, a list of events, a bulk read of many
customers, a customer's own read); events written before commitments keep their leaves byte for byte."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL

from custodian.audit.events import (
    CANON_FIELDS,
    COMMITTED_FIELDS,
    actor_commitment,
    append_events,
    append_uniform,
    canonical,
    canonical_sql,
    parse_canonical,
    write_event,
)
from custodian.audit.heads import verifier_keys
from custodian.audit.models import AccessEvent
from custodian.audit.receipts import receipt_for
from custodian.audit.tests.conftest import event, insert_old_format_event, tamper
from custodian.audit.tree import integrate
from custodian.audit.verify import verify_log
from custodian.vault.gate import customer_actor, reveal, staff_actor

VERIFIER = Path(settings.BASE_DIR) / "verifier" / "custodian_verify.py"
WORKSTATION = "198.51.100.23"  # a staff member's address, as a home connection would give it


def verify_receipt(receipt: dict, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt))
    key = verifier_keys()[-1].text
    return subprocess.run(
        [sys.executable, str(VERIFIER), "receipt", str(path), "--key", key],
        capture_output=True,
        text=True,
        timeout=60,
    )


def stored_text(seq: int) -> str:
    return AccessEvent.objects.filter(seq=seq).values_list(RawSQL(canonical_sql(), []), flat=True).get()


def opens(e: AccessEvent) -> bool:
    return actor_commitment(e.actor_salt, [getattr(e, f) for f in COMMITTED_FIELDS]) == e.actor_commitment


def test_a_receipt_of_a_staff_read_names_no_one_and_still_checks(billing_clerk, customer, log_keys, tmp_path):
    reveal(
        actor=staff_actor(billing_clerk),
        customer_id=customer.pk,
        fields=["name"],
        purpose="billing",
        client_ip=WORKSTATION,
    )
    read = AccessEvent.objects.get(customer_id=str(customer.pk), actor_kind="staff")
    # The access review still has who it was, and from where.
    assert (read.actor_label, read.actor_id, read.client_ip) == (
        "bill.clerk",
        str(billing_clerk.pk),
        WORKSTATION,
    )

    receipt = receipt_for(read.seq)
    fields = parse_canonical(receipt["event"])
    assert not set(fields) & set(COMMITTED_FIELDS)
    assert fields["actor_commitment"] == read.actor_commitment and opens(read)
    assert fields["roles"] == "billing" and fields["purpose"] == "billing"
    whole = json.dumps(receipt)
    assert "bill.clerk" not in whole and WORKSTATION not in whole and read.actor_salt not in whole

    result = verify_receipt(receipt, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "purpose: billing" in result.stdout and "committed to" in result.stdout
    assert "bill.clerk" not in result.stdout and WORKSTATION not in result.stdout

    # The commitment is in the leaf: naming someone else in the receipt breaks it.
    fields["actor_commitment"] = actor_commitment(read.actor_salt, [read.actor_id, "someone.else", "", ""])
    forged = {**receipt, "event": canonical({"seq": read.seq, **fields})}
    assert verify_receipt(forged, tmp_path).returncode == 1


def test_an_event_from_before_commitments_keeps_its_leaf_and_its_receipt(db, log_keys, tmp_path):
    seq = insert_old_format_event(actor_label="bill.clerk", client_ip=WORKSTATION, on_behalf_of="ann.admin")
    append_events([event(2)])  # a committed one after it
    integrate()
    old = AccessEvent.objects.get(seq=seq)
    assert old.actor_commitment == old.actor_salt == ""
    # The text it always had, byte for byte, in Python and in the database.
    expected = (
        f"seq={len(str(seq))}:{seq}\nat_us=16:1700000000000000\nnonce=32:{'0f' * 16}\naction=6:reveal\n"
        "actor_kind=5:staff\nactor_id=1:7\nactor_label=10:bill.clerk\nroles=7:billing\npurpose=7:billing\n"
        "customer_id=1:1\ncategories=4:name\ndecision=5:allow\nreason=7:granted\n"
        f"client_ip={len(WORKSTATION)}:{WORKSTATION}\non_behalf_of=9:ann.admin\n"
    )
    assert canonical({f: getattr(old, f) for f in CANON_FIELDS}) == expected == stored_text(seq)
    result = verify_log()
    assert result.ok, str(result)
    # Its receipt still carries that text (decisions.md: the leaf is fixed; the receipt must match it).
    receipt = receipt_for(seq)
    assert receipt["event"] == expected
    assert verify_receipt(receipt, tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_label", "someone.else"),
        ("client_ip", "192.0.2.1"),
        ("actor_id", "8"),
        ("actor_salt", "0" * 32),
    ],
)
def test_a_name_or_address_changed_behind_the_application_is_found(db, log_keys, column, value):
    append_events([event(i, client_ip=WORKSTATION) for i in range(1, 11)])
    integrate()
    assert verify_log().ok
    seq = AccessEvent.objects.order_by("seq").values_list("seq", flat=True)[4]
    text = stored_text(seq)
    tamper(f"UPDATE audit_accessevent SET {column} = %s WHERE seq = %s", [value, seq])  # noqa: S608
    assert stored_text(seq) == text  # the leaf alone can't see it
    result = verify_log()
    assert (result.kind, result.position) == ("modified", 4), str(result)
    assert f"event {seq}" in str(result)


def test_every_writer_commits(log_keys, customer):
    enrolment = list(AccessEvent.objects.order_by("seq"))  # the customer's enrolment: changes, logged
    append_events([event(1, client_ip=WORKSTATION), event(2, actor_label="cora.service", actor_id="9")])
    append_uniform(event(0, on_behalf_of="bill.clerk"), range(100, 400))
    with connection.cursor() as cursor:
        write_event(cursor, event(3, client_ip=WORKSTATION))
    reveal(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        fields=["name"],
        purpose="providing_services",
    )
    events = list(AccessEvent.objects.filter(seq__gt=enrolment[-1].seq).order_by("seq"))
    assert len(events) == 2 + 300 + 1 + 1
    every = enrolment + events
    assert all(len(e.actor_commitment) == 64 and len(e.actor_salt) == 32 and opens(e) for e in every)
    # Two people in one list: two salts. One bulk read of 300 customers: one salt, one commitment.
    assert events[0].actor_salt != events[1].actor_salt
    bulk = events[2:302]
    assert len({(e.actor_salt, e.actor_commitment) for e in bulk}) == 1
    assert bulk[0].actor_salt not in (events[0].actor_salt, events[302].actor_salt)
    own = events[-1]
    assert own.actor_kind == "customer" and own.actor_id == str(customer.pk)
    for e in (events[0], bulk[0], events[302], own):
        leaf = parse_canonical(stored_text(e.seq))
        assert leaf["actor_commitment"] == e.actor_commitment and not set(leaf) & set(COMMITTED_FIELDS)
    integrate()
    result = verify_log()
    assert result.ok and result.size == len(every), str(result)
