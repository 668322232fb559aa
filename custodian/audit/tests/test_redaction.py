"""An event's content can be removed (past its retention) while its leaf stays: the log still verifies,
proofs and receipts issued before still check, and the database refuses a removal that isn't recorded.
The events here were written seven years ago (the access log keeps them six)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodian.audit import merkle
from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent, LogLeaf, Redaction
from custodian.audit.receipts import receipt_for
from custodian.audit.redaction import NotRedactable, event_redact, events_redact, retention_cutoff_us
from custodian.audit.tests.conftest import tamper, written_years_ago
from custodian.audit.tree import TileReader, current_head, integrate
from custodian.audit.verify import verify_log
from custodian.testing import read_event as event

VERIFIER = Path(settings.BASE_DIR) / "verifier" / "custodian_verify.py"


@pytest.fixture
def events(db, log_keys, monkeypatch):
    """Twenty events written seven years ago, integrated into the tree."""
    written_years_ago(monkeypatch, 7, [event(i) for i in range(1, 21)])
    integrate()


def test_a_redacted_event_keeps_its_leaf_and_old_receipts_still_check(events, tmp_path):
    seq = LogLeaf.objects.get(idx=6).event_seq
    receipt = receipt_for(seq)
    (tmp_path / "receipt.json").write_text(json.dumps(receipt))
    head_before = current_head()

    event_redact(event_seq=seq, reason="access events are kept 7 years")
    assert not AccessEvent.objects.filter(seq=seq).exists()
    assert Redaction.objects.get(event_seq=seq).leaf_index == 6
    assert current_head() == head_before
    result = verify_log()
    assert result.ok and result.redacted == 1, str(result)
    # The receipt the customer kept still checks, and a fresh proof for the position still verifies.
    checked = subprocess.run(
        [sys.executable, str(VERIFIER), "receipt", str(tmp_path / "receipt.json")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    reader = TileReader()
    proof = reader.inclusion_proof(6, head_before.size)
    assert merkle.verify_inclusion(6, head_before.size, reader.leaf(6), proof, head_before.root)
    with pytest.raises(NotRedactable):
        event_redact(event_seq=seq, reason="again")


def test_an_event_is_not_removed_without_its_redaction(events):
    seq = LogLeaf.objects.get(idx=3).event_seq
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM audit_accessevent WHERE seq = {seq}")


def test_a_redaction_that_hides_another_leaf_is_found(events):
    seq = LogLeaf.objects.get(idx=8).event_seq
    event_redact(event_seq=seq, reason="retention")
    tamper("UPDATE audit_redaction SET leaf_hash = %s WHERE event_seq = %s", ["ab" * 32, seq])
    result = verify_log()
    assert (result.ok, result.position) == (False, 8)


def test_events_past_their_retention_are_redacted_in_bulk(events):
    append_events([event(i) for i in range(21, 26)])  # today's: kept
    integrate()
    cutoff = retention_cutoff_us(timezone.now())
    older = AccessEvent.objects.filter(at_us__lt=cutoff).count()
    assert older == 20
    head = current_head()
    assert events_redact(before_us=cutoff, reason="retention run") == older > 0
    assert events_redact(before_us=cutoff, reason="retention run") == 0  # re-run: nothing left
    assert current_head() == head
    result = verify_log()
    assert result.ok and result.redacted == older, str(result)
    assert AccessEvent.objects.count() == 5


def test_the_check_reads_the_redactions_once(events):
    """The leaves the redactions stand for and the redactions' own checks (seal, period, oldest first) are
    made from one read of the table (beside the check of its rows' shape, which reads only what it checks)."""
    events_redact(before_us=retention_cutoff_us(timezone.now()), reason="retention run")
    with CaptureQueriesContext(connection) as queries:
        result = verify_log()
    assert result.ok and result.redacted == 20, str(result)
    read = f'"{Redaction._meta.db_table}"."leaf_hash"'  # the column as the ORM names it, not the shape check
    reads = [q["sql"] for q in queries.captured_queries if read in q["sql"]]
    assert len(reads) == 1, reads


def test_an_event_written_after_the_newest_was_redacted_is_still_integrated(events):
    """A redacted event's number is never given again (on SQLite the events waiting are those numbered above
    the tree's last event: a number given again would never be integrated)."""
    newest = LogLeaf.objects.order_by("-idx").values_list("event_seq", flat=True).first()
    event_redact(event_seq=newest, reason="retention")
    append_events([event(21)])
    assert AccessEvent.objects.get(customer_id="21").seq > newest
    assert integrate() == 1
    result = verify_log()
    assert result.ok and result.size == 21, str(result)
