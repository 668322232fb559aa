import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from custodian.audit import events as event_writers
from custodian.audit.events import CANON_FIELDS, TEXT_FIELDS, append_events
from custodian.audit.heads import head_sign, publish_to
from custodian.audit.models import LogLeaf
from custodian.audit.tree import integrate
from custodian.testing import read_event as event


def tamper(sql, params=(), tables="audit_%"):
    """Run SQL as someone with the database's keys would: past the append-only triggers (on SQLite, those
    of the tables named like `tables` are dropped for it and put back)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
            try:
                cur.execute(sql, params)
            finally:
                cur.execute("SET session_replication_role = DEFAULT")
        else:
            triggers = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name LIKE %s", [tables]
            ).fetchall()
            for name, _ in triggers:
                cur.execute(f"DROP TRIGGER {name}")
            try:
                cur.execute(sql, params)
            finally:
                for _, ddl in triggers:
                    cur.execute(ddl)


def verify_command(mirror) -> tuple[int, str]:
    """`manage.py audit verify --against mirror` as an auditor runs it: its exit code and what it printed
    (the findings on stderr when it fails)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--against", str(mirror), stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, out.getvalue()


def written_years_ago(monkeypatch, years: int, events: list[dict]) -> None:
    """`events` written (one bulk write) `years` years of 366 days ago, as the clock then gave their time."""
    then = int((timezone.now() - timedelta(days=366 * years)).timestamp() * 1e9)
    with monkeypatch.context() as patched:
        patched.setattr(event_writers, "time", SimpleNamespace(time_ns=lambda: then))
        append_events(events)


def counter_set_back() -> None:
    """The events' counter set back to the last event, as a restored backup or a thorough attacker leaves it
    (on SQLite it otherwise shows the newest events were deleted; PostgreSQL's is only told)."""
    if connection.vendor == "sqlite":
        tamper(
            "UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX(seq), 0) FROM audit_accessevent) "
            "WHERE name = 'audit_accessevent'"
        )


def swap_events(first, second):
    """Swap the events at two positions of the tree, as an attacker reordering the log would."""

    a, b = (LogLeaf.objects.get(idx=i).event_seq for i in (first, second))
    tamper("UPDATE audit_logleaf SET event_seq = -1 WHERE idx = %s", [first])
    tamper("UPDATE audit_logleaf SET event_seq = %s WHERE idx = %s", [a, second])
    tamper("UPDATE audit_logleaf SET event_seq = %s WHERE idx = %s", [b, first])


def insert_event_past_the_triggers(*, seq, reason=""):
    """An event numbered `seq` written straight into the table, past the triggers (not queued)."""
    tamper(
        "INSERT INTO audit_accessevent ("
        + ",".join(CANON_FIELDS)
        + ") VALUES ("
        + ",".join(["%s"] * len(CANON_FIELDS))
        + ")",
        [seq, 1, "", "reveal", "staff", "7", "bill.clerk", "billing", "billing", "", "1", "name", "allow"]
        + [reason, "", "", "", "", "", ""],
    )


def insert_old_format_event(**fields) -> int:
    """An event as writers wrote it before commitments (none, and no salt), through the ordinary INSERT:
    `fields` over `event(1)`'s. Its number."""
    row = event(1, **fields)
    columns = ["at_us", "nonce", *TEXT_FIELDS]
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO audit_accessevent ({','.join(columns)}) VALUES ({','.join(['%s'] * len(columns))})",  # noqa: S608
            [1_700_000_000_000_000, "0f" * 16, *(row.get(f, "") for f in TEXT_FIELDS)],
        )
        cur.execute("SELECT MAX(seq) FROM audit_accessevent")
        return cur.fetchone()[0]


def insert_forged_event(*, seq, at):
    """A forged event (sequence number `seq`) put at position `at`, every later position moved up one."""
    insert_event_past_the_triggers(seq=seq, reason="forged")
    # Out of the way and back, one more than before: no two leaves ever hold the same position.
    shift = 1_000_000
    tamper("UPDATE audit_logleaf SET idx = idx + %s WHERE idx >= %s", [shift, at])
    tamper("UPDATE audit_logleaf SET idx = idx - %s WHERE idx >= %s", [shift - 1, shift])
    tamper("INSERT INTO audit_logleaf (idx, event_seq) VALUES (%s, %s)", [at, seq])


@pytest.fixture
def events(db, log_keys):
    """Twenty events, integrated into the tree."""

    append_events([event(i) for i in range(1, 21)])
    integrate()


@pytest.fixture
def published(db, log_keys, tmp_path):
    """Events signed and published to an auditor's mirror: the state the reviews started from."""
    append_events([event(i) for i in range(1, 21)])
    head_sign()
    mirror = tmp_path / "mirror"
    publish_to(mirror)
    return mirror
