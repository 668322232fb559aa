"""Attacks by someone who can rewrite the whole database (a DBA, a stolen backup) against heads published
outside it: each is found by `audit verify --against DIR`, named, with the first position that differs.
The attacker recomputes every hash the database holds (leaves, tiles, the head row) but has no log key."""

import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from custodian.audit import merkle
from custodian.audit.events import actor_commitment, append_events, canonical_sql
from custodian.audit.heads import head_sign, log_origin
from custodian.audit.log_key import log_verifier_keys
from custodian.audit.models import AccessEvent, LogLeaf, SignedHead, Tile, TreeHead
from custodian.audit.tests.conftest import counter_set_back, event, insert_forged_event, swap_events, tamper
from custodian.audit.tree import TILE_HEIGHT, TILE_WIDTH, integrate
from custodian.audit.verify import verify_log
from custodian.outbox.models import OutboundMessage


@pytest.fixture
def published(db, log_keys, tmp_path):
    """300 events (a full tile and more), signed and published to an auditor's directory."""
    append_events([event(i) for i in range(1, 301)])
    call_command("audit", "publish", "--to", str(tmp_path / "mirror"))
    return tmp_path / "mirror"


def rebuild_tree():
    """What a thorough attacker does after changing events: recompute every leaf, tile and the head."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT l.idx, {canonical_sql('e')} FROM audit_logleaf l "
            "JOIN audit_accessevent e ON e.seq = l.event_seq ORDER BY l.idx"
        )
        leaves = [merkle.leaf_hash(text.encode()) for _, text in cur.fetchall()]
    rng, levels = merkle.CompactRange(), {0: list(leaves)}

    def keep(height, _index, digest):
        if height % TILE_HEIGHT == 0:
            levels.setdefault(height // TILE_HEIGHT, []).append(digest)

    for leaf in leaves:
        rng.append(leaf, keep)
    tamper("DELETE FROM audit_tile")
    for level, hashes in levels.items():
        for first in range(0, len(hashes), TILE_WIDTH):
            tamper(
                "INSERT INTO audit_tile (level, idx, hashes) VALUES (%s, %s, %s)",
                [level, first // TILE_WIDTH, b"".join(hashes[first : first + TILE_WIDTH])],
            )
    TreeHead.objects.filter(pk=1).update(
        size=rng.size, root=rng.root().hex(), right_edge=",".join(h.hex() for h in rng.hashes)
    )


def event_at(position):
    return LogLeaf.objects.get(idx=position).event_seq


def verify_against(mirror):
    result = verify_log(mirror)
    assert not result.ok
    return result.kind, result.position


def test_an_untouched_log_is_consistent_with_what_was_published(published, capsys):
    append_events([event(1000)])
    call_command("audit", "verify", "--against", str(published))
    assert "OK: 300 events in the tree" in capsys.readouterr().out


def test_deleting_the_tail_and_fixing_the_head(published):
    tamper(
        "DELETE FROM audit_accessevent WHERE seq IN (SELECT event_seq FROM audit_logleaf WHERE idx >= 295)"
    )
    tamper("DELETE FROM audit_logleaf WHERE idx >= 295")
    rebuild_tree()
    # The database's own signed head (300 events) is still there: the tail was cut, with a trace left.
    assert verify_against(published) == ("truncated", 295)


def test_deleting_the_last_five_and_every_trace_in_the_database(published):
    tamper(
        "DELETE FROM audit_accessevent WHERE seq IN (SELECT event_seq FROM audit_logleaf WHERE idx >= 295)"
    )
    tamper("DELETE FROM audit_logleaf WHERE idx >= 295")
    tamper("DELETE FROM audit_signedhead")
    counter_set_back()
    rebuild_tree()
    assert verify_log().ok  # by itself, the database is consistent again
    assert verify_against(published) == ("rolled back", 295)


def test_deleting_past_a_signed_head_with_its_heads(published):
    append_events([event(i) for i in range(301, 320)])
    head_sign()
    tamper(
        "DELETE FROM audit_accessevent WHERE seq IN (SELECT event_seq FROM audit_logleaf WHERE idx >= 250)"
    )
    tamper("DELETE FROM audit_logleaf WHERE idx >= 250")
    tamper("DELETE FROM audit_signedhead")
    rebuild_tree()
    # The events' counter, the one trace left on SQLite, names the tail deleted; set back, the rollback.
    assert verify_against(published) == ("truncated" if connection.vendor == "sqlite" else "rolled back", 250)
    counter_set_back()
    assert verify_against(published) == ("rolled back", 250)


@pytest.mark.parametrize("own_heads", ["kept", "deleted"])
def test_editing_an_event_and_recomputing_everything(published, own_heads):
    # The salt is in the database: the attacker recomputes the commitment to the names put in, too.
    edited = AccessEvent.objects.get(seq=event_at(100))
    commitment = actor_commitment(
        edited.actor_salt, [edited.actor_id, "someone.else", "", edited.on_behalf_of]
    )
    tamper(
        "UPDATE audit_accessevent SET actor_label = 'someone.else', client_ip = '', actor_commitment = %s "
        "WHERE seq = %s",
        [commitment, edited.seq],
    )
    rebuild_tree()
    if own_heads == "deleted":  # the signed heads the database held can't be re-signed: gone with them
        tamper("DELETE FROM audit_signedhead")
        # The tree is consistent again, but the event no longer matches the seal it was written with.
        alone = verify_log().findings
        assert [f.kind for f in alone] == ["modified"] and f"event {edited.seq} " in alone[0].detail
    assert verify_against(published) == ("modified", 100)


def test_deleting_an_event_renumbering_and_recomputing(published):
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [event_at(200)])
    tamper("DELETE FROM audit_logleaf WHERE idx = 200")
    tamper("UPDATE audit_logleaf SET idx = idx + 10000 WHERE idx > 200")
    tamper("UPDATE audit_logleaf SET idx = idx - 10001 WHERE idx > 10000")
    rebuild_tree()
    assert verify_against(published) == ("deleted", 200)


def test_deleting_event_3000_of_a_longer_log_renumbering_and_recomputing(db, log_keys, tmp_path):
    """Past the first tiles: position 3000 lies in the twelfth leaf tile, under a tile of level 1."""
    append_events([event(i) for i in range(1, 3201)])
    call_command("audit", "publish", "--to", str(tmp_path / "mirror"))
    assert Tile.objects.filter(level=1).exists()
    deleted = event_at(3000)
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [deleted])
    tamper("DELETE FROM audit_logleaf WHERE idx = 3000")
    tamper("UPDATE audit_logleaf SET idx = idx + 100000 WHERE idx > 3000")
    tamper("UPDATE audit_logleaf SET idx = idx - 100001 WHERE idx > 100000")
    tamper("DELETE FROM audit_signedhead")
    rebuild_tree()
    # By itself the database is consistent again, but on SQLite, where no number is skipped, the gap shows.
    alone = verify_log().findings
    if connection.vendor == "sqlite":
        assert [f.kind for f in alone] == ["deleted"] and f"event {deleted} is missing" in alone[0].detail
    else:
        assert alone == []
    assert verify_against(tmp_path / "mirror") == ("deleted", 3000)
    # The auditor holding only the mailed checkpoint (no mirror of the tiles) still sees the rewrite.
    result = verify_log(tmp_path / "mirror" / "checkpoint")
    assert (result.ok, result.kind) == (False, "rolled back")


def test_inserting_an_event_and_recomputing(published):
    insert_forged_event(seq=900000, at=40)
    rebuild_tree()
    assert verify_against(published) == ("inserted", 40)


def test_reordering_events_and_recomputing(published):
    swap_events(10, 11)
    rebuild_tree()
    assert verify_against(published) == ("swapped", 10)


def test_moving_events_around_and_recomputing(published):
    a, b, c = event_at(60), event_at(61), event_at(62)
    tamper("UPDATE audit_logleaf SET event_seq = -event_seq WHERE idx IN (60, 61, 62)")
    for position, seq in ((60, b), (61, c), (62, a)):
        tamper("UPDATE audit_logleaf SET event_seq = %s WHERE idx = %s", [seq, position])
    rebuild_tree()
    tamper("DELETE FROM audit_signedhead")
    assert verify_against(published) == ("reordered", 60)


def test_truncating_the_log(published):
    tamper(
        "DELETE FROM audit_accessevent WHERE seq IN (SELECT event_seq FROM audit_logleaf WHERE idx >= 280)"
    )
    tamper("DELETE FROM audit_logleaf WHERE idx >= 280")
    assert verify_against(published) == ("truncated", 280)


def test_deleting_the_head(published):
    tamper("DELETE FROM audit_treehead")
    assert verify_against(published)[0] == "head missing"


def test_restoring_an_old_backup(db, log_keys, tmp_path):
    append_events([event(i) for i in range(1, 50)])
    head_sign()
    backup = {
        "leaves": list(LogLeaf.objects.values_list("idx", "event_seq")),
        "tiles": [(t.level, t.idx, bytes(t.hashes)) for t in Tile.objects.all()],
        "head": TreeHead.objects.values("size", "root", "right_edge").get(pk=1),
        "heads": list(SignedHead.objects.values_list("pk", flat=True)),
    }
    append_events([event(i) for i in range(50, 90)])
    call_command("audit", "publish", "--to", str(tmp_path / "mirror"))
    # The old copy comes back: everything after it is gone, and what remains is consistent with itself.
    tamper("DELETE FROM audit_accessevent WHERE seq > %s", [max(seq for _, seq in backup["leaves"])])
    tamper("DELETE FROM audit_pendingevent")
    tamper("DELETE FROM audit_logleaf WHERE idx >= %s", [len(backup["leaves"])])
    tamper("DELETE FROM audit_tile")
    for level, idx, hashes in backup["tiles"]:
        tamper("INSERT INTO audit_tile (level, idx, hashes) VALUES (%s, %s, %s)", [level, idx, hashes])
    TreeHead.objects.filter(pk=1).update(**backup["head"])
    tamper("DELETE FROM audit_signedhead WHERE id > %s", [max(backup["heads"])])
    counter_set_back()  # the backup's own counter
    assert verify_log().ok  # by itself, the old copy looks fine
    assert verify_against(tmp_path / "mirror") == ("rolled back", 49)


def test_a_single_published_checkpoint_file_catches_a_rewrite(published, tmp_path):
    checkpoint = tmp_path / "checkpoint-from-the-mail"
    shutil.copy(published / "checkpoint", checkpoint)
    tamper("UPDATE audit_accessevent SET reason = 'routine' WHERE seq = %s", [event_at(7)])
    rebuild_tree()
    tamper("DELETE FROM audit_signedhead")
    result = verify_log(checkpoint)
    assert (result.ok, result.kind) == (False, "rewritten")


def test_the_signer_refuses_to_sign_a_rewritten_log(published):
    tamper("UPDATE audit_accessevent SET reason = 'routine' WHERE seq = %s", [event_at(7)])
    rebuild_tree()
    append_events([event(5000)])
    with pytest.raises(Exception, match="does not extend"):
        call_command("audit", "sign")


def test_heads_signed_before_a_key_rotation_still_verify(published, capsys):
    first_key = log_verifier_keys_now()[-1]
    call_command("audit", "rotate-key")
    keys = log_verifier_keys_now()
    assert len(keys) == 2 and keys[0].public == first_key.public and keys[0].retired
    append_events([event(i) for i in range(400, 410)])
    call_command("audit", "publish", "--to", str(published))
    latest = SignedHead.objects.order_by("-pk").first()
    assert latest.key_hash == keys[1].hash.hex() and latest.tree_size == 310
    assert SignedHead.objects.filter(key_hash=first_key.hash.hex()).exists()
    call_command("audit", "verify", "--against", str(published))
    assert "OK: 310 events" in capsys.readouterr().out
    assert (published / "log-keys.txt").read_text().count("\n") == 2


def log_verifier_keys_now():
    return log_verifier_keys(log_origin())


def test_a_head_not_signed_by_the_log_key_is_named(published):
    forged = (published / "checkpoint").read_text().replace("\n300\n", "\n299\n")
    (published / "heads" / "99999999.checkpoint").write_text(forged)
    assert verify_against(published)[0] == "forged head"


def test_publishing_never_overwrites_a_published_head(published):
    first = sorted((published / "heads").iterdir())[0]
    first.write_text("something else\n")
    with pytest.raises(Exception, match="refusing to overwrite"):
        call_command("audit", "publish", "--to", str(published))


def test_publish_mails_the_latest_head_to_the_privacy_officer_and_auditors(published, settings, mailoutbox):
    settings.CUSTODIAN_LOG_AUDITOR_EMAILS = ["auditor@example.org"]
    call_command("audit", "publish", "--to", str(published), "--mail")
    assert sorted(m.to[0] for m in mailoutbox) == ["auditor@example.org", "privacy@owatonnautilities.com"]
    latest = SignedHead.objects.order_by("-pk").first()
    assert all(latest.note in m.body for m in mailoutbox)
    assert (
        OutboundMessage.objects.filter(template="log_head", sent_by_label="system:audit_publish").count() == 2
    )


def test_sign_is_safe_to_repeat(published):
    before = SignedHead.objects.count()
    call_command("audit", "sign")
    call_command("audit", "sign")
    assert SignedHead.objects.count() == before
    integrate()
