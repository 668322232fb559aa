"""audit_verify: events verified per second over 1,000,000 events vs a bare sha256 chain loop over the
same bytes (the same canonical text, read from the same table by the same query)."""

import hashlib
import time

from bench.harness import best_of

NAME = "audit_verify"
UNIT = "events/s"
TARGET = 0.7
DATABASES = ["sqlite", "postgresql"]
OURS = (
    "custodian.audit.verify.verify_log: every leaf from its event, against the tiles; the tree's roots "
    "against the head row and every signed head; the tile levels above the leaves"
)
BASELINE = "the same SELECT of the leaves' canonical text in tree order, then sha256(0x00 + text) per row"
EVENTS = 1_000_000


def _fill(count: int) -> None:
    from custodian.audit.events import append_events
    from custodian.audit.heads import head_sign

    batch = 20_000
    for start in range(0, count, batch):
        append_events(
            {
                "action": "reveal",
                "actor_kind": "staff",
                "actor_id": str(i % 40),
                "actor_label": f"staff.member{i % 40}",
                "roles": "billing",
                "purpose": "billing",
                "customer_id": str(i % 100_000 + 1),
                "categories": "mailing_address,name",
                "decision": "allow",
                "reason": "granted by support service",
                "client_ip": "192.0.2.0",
            }
            for i in range(start, min(start + batch, count))
        )
    head_sign()  # integrates every event into the tree, then signs its head


def measure(db: str) -> dict:
    from django.db import connection

    from custodian.audit.events import canonical_sql
    from custodian.audit.verify import verify_log

    _fill(EVENTS)
    sql = (
        f"SELECT l.idx, l.event_seq, {canonical_sql('e')} FROM audit_logleaf l "  # noqa: S608
        "LEFT JOIN audit_accessevent e ON e.seq = l.event_seq ORDER BY l.idx"
    )

    def baseline() -> float:
        start = time.perf_counter()
        sha256 = hashlib.sha256
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(20_000):
                for row in rows:
                    sha256(b"\x00" + row[2].encode()).digest()
        return time.perf_counter() - start

    def ours() -> float:
        start = time.perf_counter()
        result = verify_log()
        assert result.ok and result.size == EVENTS, str(result)
        return time.perf_counter() - start

    ours(), baseline()  # warm the caches for both
    ours_t, base_t = best_of(3, ours, baseline)
    return {"ours": EVENTS / ours_t, "baseline": EVENTS / base_t, "n": EVENTS}
