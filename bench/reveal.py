"""reveal: gate reveals per second (decision + decrypt + access-log append, committed) vs bare single-row
inserts, each committed, into a table of the access log's shape — same database, same run."""

import itertools
import time

NAME = "reveal"
UNIT = "operations/s"
TARGET = 0.7
DATABASES = ["sqlite", "postgresql"]
OURS = (
    "gate.reveal: a billing clerk reads name + mailing address for billing, one transaction each (the event "
    "and its place in the sequencer's queue commit with the read)"
)
BASELINE = (
    "INSERT of one row into a twin of the access-log table, one committed transaction each (raw cursor)"
)


def measure(db: str) -> dict:
    from django.db import connection, transaction

    from custodian.audit.events import CANON_FIELDS
    from custodian.demo.personas import STAFF_PERSONAS
    from custodian.demo.services import demo_customers_ensure, demo_staff_ensure
    from custodian.staff.selectors import services_of  # noqa: F401  (actor built once, as a request would)
    from custodian.vault.gate import reveal, staff_actor

    demo_staff_ensure()
    demo_customers_ensure(count=200, seed=1)
    from django.contrib.auth import get_user_model

    from custodian.customers.models import Customer

    clerk = get_user_model().objects.get(
        username=next(p.username for p in STAFF_PERSONAS if "billing" in p.services)
    )
    actor = staff_actor(clerk)
    ids = list(Customer.objects.values_list("pk", flat=True))
    # The clerk reads 200 customers without a request: past the policy file's hourly limit the gate would
    # hold the reads, so the privacy officer's approval is in force, as it would be for such a run.
    from datetime import timedelta

    from django.utils import timezone

    from custodian.vault.models import ReadHold

    officer = get_user_model().objects.get(
        username=next(p.username for p in STAFF_PERSONAS if "privacy_officer" in p.services)
    )
    ReadHold.objects.create(
        user=clerk,
        purpose="billing",
        customers_in_hour=0,
        threshold=0,
        status=ReadHold.Status.APPROVED,
        decided_by=officer,
        decided_at=timezone.now(),
        decision_note="benchmark run",
        approved_until=timezone.now() + timedelta(hours=2),
    )

    with connection.cursor() as cur:
        # Same columns and the same indexes as the access log: the baseline pays the same index upkeep.
        cur.execute("CREATE TABLE bench_event_twin AS SELECT * FROM audit_accessevent WHERE 1 = 0")
        cur.execute("CREATE UNIQUE INDEX bench_twin_seq ON bench_event_twin (seq)")  # the event's key
        for n, cols in enumerate(["customer_id, seq", "actor_kind, actor_id, seq", "purpose, seq", "at_us"]):
            cur.execute(f"CREATE INDEX bench_twin_{n} ON bench_event_twin ({cols})")
    columns = [*CANON_FIELDS, "actor_salt"]
    insert = (
        f"INSERT INTO bench_event_twin ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    )

    n = 4000
    fields = ["name", "mailing_address"]
    positions = itertools.count(1)

    def ours(count):
        start = time.perf_counter()
        for i in range(count):
            cid = ids[i % len(ids)]
            reveal(actor=actor, customer_id=cid, fields=fields, purpose="billing", client_ip="::1")
        return time.perf_counter() - start

    def baseline(count):
        start = time.perf_counter()
        for i in range(count):
            row = [
                next(positions),
                0,
                "0" * 32,
                "reveal",
                "staff",
                "1",
                "bill.clerk",
                "billing",
                "billing",
                "",
                str(ids[i % len(ids)]),
                "mailing_address,name",
                "allow",
                "granted by support service",
                "::1",
                "",
                "",
                "",
                "0" * 64,
                "0" * 40,  # the seal
                "0" * 32,
            ]
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(insert, row)
        return time.perf_counter() - start

    # Disk flush times drift a lot on shared machines: alternate short slices of each, so both see
    # the same conditions, and total the time over all slices.
    ours(100), baseline(100)
    slices, per_slice = 40, n // 40
    ours_time = baseline_time = 0.0
    for _ in range(slices):
        ours_time += ours(per_slice)
        baseline_time += baseline(per_slice)
    total = slices * per_slice
    return {"ours": total / ours_time, "baseline": total / baseline_time, "n": total}
