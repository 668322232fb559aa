"""An event's action is a member of one enum (custodian.audit.actions.Action): every way of writing to the
access log refuses any other string, before anything is written, and the stored value is the member's
string, so older events hash and verify as before."""

import pytest
from django.db import connection, transaction

from custodian.audit.actions import CHANGE_ACTIONS, SINGLE_READS, Action
from custodian.audit.events import (
    append_change,
    append_events,
    append_surviving,
    append_uniform,
    canonical,
    settle_detached,
    write_event,
)
from custodian.audit.models import AccessEvent
from custodian.vault.gate import reveal_many, system_actor

EVENT = {
    "actor_kind": "system",
    "actor_id": "billing_run",
    "actor_label": "billing_run",
    "purpose": "billing",
    "customer_id": "1",
    "categories": "name",
    "decision": "allow",
}


def test_a_free_string_is_refused_by_every_writer(customer):
    before = AccessEvent.objects.count()
    for action in ("export", "Reveal", "", "reveal "):
        with pytest.raises(ValueError, match="not an action the access log knows"):
            append_events([{**EVENT, "action": action}])
        with pytest.raises(ValueError, match="not an action the access log knows"):
            append_uniform({**EVENT, "action": action}, [customer.pk])
        with pytest.raises(ValueError, match="not an action the access log knows"):
            append_surviving([{**EVENT, "action": action}])
        with (
            pytest.raises(ValueError, match="not an action the access log knows"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            write_event(cursor, {**EVENT, "action": action})
    with pytest.raises(ValueError, match="not an action the access log knows"):
        append_events([dict(EVENT)])  # no action at all
    settle_detached()
    assert AccessEvent.objects.count() == before


def test_a_gate_read_naming_a_free_string_reveals_nothing_and_writes_nothing(customer):
    before = AccessEvent.objects.count()
    with pytest.raises(ValueError, match="not an action the access log knows"):
        reveal_many(
            actor=system_actor("billing_run"),
            customer_ids=[customer.pk],
            fields=["name"],
            purpose="billing",
            action="bench_setup",
        )
    settle_detached()
    assert AccessEvent.objects.count() == before


def test_a_change_must_be_a_change_action():
    with pytest.raises(ValueError):
        append_change(action=Action.REVEAL, actor_kind="system", actor_id="x", actor_label="x")
    with pytest.raises(ValueError):
        append_change(action="staff_renamed", actor_kind="system", actor_id="x", actor_label="x")


def test_a_member_is_stored_as_its_string_so_the_leaf_is_unchanged(customer):
    append_events([{**EVENT, "action": Action.VENDOR_EXPORT}, {**EVENT, "action": "vendor_export"}])
    first, second = AccessEvent.objects.order_by("-seq")[:2][::-1]
    assert type(first.action) is str and first.action == second.action == "vendor_export"
    # The leaf text names the same string whether the writer gave the member or its value.
    assert "action=13:vendor_export\n" in canonical({"action": Action.VENDOR_EXPORT})
    assert canonical({"action": Action.VENDOR_EXPORT}) == canonical({"action": "vendor_export"})


def test_every_action_fits_the_column_and_the_groups_are_members():
    width = AccessEvent._meta.get_field("action").max_length
    assert [a for a in Action if len(a) > width] == []
    assert set(Action) >= CHANGE_ACTIONS | SINGLE_READS
    assert not CHANGE_ACTIONS & SINGLE_READS


def test_every_action_fits_the_column_whole():
    """A stored event is cut to its column's length: an action longer than the column would be stored as
    another string, and no reader looking for it would find it."""
    width = AccessEvent._meta.get_field("action").max_length
    assert [a.value for a in Action if len(a.value) > width] == []
