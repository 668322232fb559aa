import pytest
from django.db import connection

from custodian.audit.events import append_events


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


def tamper(sql, params=()):
    """Run SQL as someone with the database's keys would: past the append-only triggers."""
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


@pytest.fixture
def log_keys(settings, tmp_path):
    """A log key file and a transparency directory of the test's own."""
    settings.CUSTODIAN_LOG_SIGNING_KEYS = tmp_path / "keys" / "log-signing-keys.json"
    settings.CUSTODIAN_TRANSPARENCY_DIR = tmp_path / "transparency"
    return tmp_path


@pytest.fixture
def events(db, log_keys):
    """Twenty events, integrated into the tree."""
    from custodian.audit.tree import integrate

    append_events([event(i) for i in range(1, 21)])
    integrate()
