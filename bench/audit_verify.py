"""audit_verify: events verified per second over 1,000,000 events vs a bare sha256 chain loop over the
same bytes (the same canonical text, read from the same table by the same query)."""

import hashlib
import time

NAME = "audit_verify"
UNIT = "events/s"
TARGET = 0.7
DATABASES = ["sqlite", "postgresql"]
OURS = "custodian.audit.chain.verify_chain: sequence, link, content hash and checkpoint checks"
BASELINE = "the same SELECT of the canonical text, then h = sha256(h + text) per row and nothing else"
EVENTS = 1_000_000


def _fill(count: int) -> None:
    from custodian.audit.chain import append_events

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


def measure(db: str) -> dict:
    from django.db import connection

    from custodian.audit.chain import canonical_sql, verify_chain

    _fill(EVENTS)
    sql = f"SELECT seq, prev_hash, hash, {canonical_sql()} FROM audit_accessevent ORDER BY seq"  # noqa: S608

    def baseline() -> float:
        start = time.perf_counter()
        digest = b""
        sha256 = hashlib.sha256
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(20_000):
                for row in rows:
                    digest = sha256(digest + row[3].encode()).digest()
        return time.perf_counter() - start

    def ours() -> float:
        start = time.perf_counter()
        result = verify_chain()
        assert result.ok and result.events == EVENTS, str(result)
        return time.perf_counter() - start

    ours(), baseline()  # warm the caches for both
    pairs = [(ours(), baseline()) for _ in range(3)]
    return {
        "ours": EVENTS / min(p[0] for p in pairs),
        "baseline": EVENTS / min(p[1] for p in pairs),
        "n": EVENTS,
    }
