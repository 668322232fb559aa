"""audit_append_concurrent: access events committed per second by 1, 4 and 16 writer processes on PostgreSQL
(each event in its own transaction, as a read writes it; a sequencer process integrating into the tree at
the same time) against bare committed inserts into a twin table by the same number of processes, in the
same run. The top level holds the worst concurrency."""

import os
import subprocess
import sys
import time

NAME = "audit_append_concurrent"
UNIT = "events/s"
TARGET = 0.5
DATABASES = ["postgresql"]
OURS = (
    "custodian.audit.events.write_event, one committed transaction per event (the queue trigger included), "
    "N processes, with the sequencer integrating beside them"
)
BASELINE = "one INSERT per committed transaction into a twin of the event table (same columns and indexes)"
CONCURRENCY = (1, 4, 16)
SECONDS = 6.0

WRITER = """
import os, sys, time
import django
django.setup()
from django.db import connection, transaction
from custodian.audit.events import write_event, _INSERT
mode, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
event = {"action": "reveal", "actor_kind": "staff", "actor_id": str(os.getpid()), "actor_label": "bench",
         "roles": "billing", "purpose": "billing", "customer_id": "1", "categories": "name",
         "decision": "allow", "reason": "granted by support service", "client_ip": "192.0.2.0"}
twin = _INSERT.replace("audit_accessevent", "bench_event_twin")
row = [0, "0" * 32, "reveal", "staff", "1", "bench", "billing", "billing", "", "1", "name", "allow",
       "granted by support service", "192.0.2.0", "", "", ""]
connection.ensure_connection()
while time.time() < start:
    time.sleep(0.001)
count = 0
while time.time() < end:
    with transaction.atomic(), connection.cursor() as cursor:
        if mode == "ours":
            write_event(cursor.cursor, event)
        else:
            cursor.cursor.execute(twin, row)
    count += 1
print(count)
"""
SEQUENCER = """
import sys, time
import django
django.setup()
from custodian.audit.tree import integrate
end = float(sys.argv[1])
while time.time() < end:
    integrate()
    time.sleep(0.2)
"""


def _run(mode: str, processes: int, env: dict) -> float:
    start = time.time() + 2.0
    end = start + SECONDS
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, mode, str(start), str(end)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    sequencer = None
    if mode == "ours":
        sequencer = subprocess.Popen([sys.executable, "-c", SEQUENCER, str(end)], env=env)
    total = sum(int(p.communicate(timeout=120)[0].strip()) for p in procs)
    if sequencer is not None:
        sequencer.wait(timeout=120)
    return total / SECONDS


def measure(db: str) -> dict:
    from django.db import connection

    from custodian.audit.models import AccessEvent
    from custodian.audit.tree import current_head, integrate
    from custodian.audit.verify import verify_log

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_event_twin (LIKE audit_accessevent INCLUDING ALL)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "custodian.settings"}
    by_concurrency = {}
    for processes in CONCURRENCY:
        ours = baseline = 0.0
        for _ in range(2):  # alternate, so both see the same disk
            ours += _run("ours", processes, env) / 2
            baseline += _run("baseline", processes, env) / 2
        by_concurrency[str(processes)] = {
            "ours": round(ours, 1),
            "baseline": round(baseline, 1),
            "ratio": round(ours / baseline, 4),
        }
    started = time.perf_counter()
    integrate()
    drain = time.perf_counter() - started
    events = AccessEvent.objects.count()
    assert current_head().size == events, "every committed event is in the tree"
    assert verify_log().ok
    worst = min(by_concurrency.values(), key=lambda f: f["ratio"])
    return {
        "ours": worst["ours"],
        "baseline": worst["baseline"],
        "n": events,
        "by_concurrency": by_concurrency,
        "tree_size": events,
        "seconds_to_integrate_what_was_left": round(drain, 3),
    }
