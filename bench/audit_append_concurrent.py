"""audit_append_concurrent: access events committed per second by 1, 4 and 16 writer processes on PostgreSQL
(each event written by the gate's writer in its own transaction, as a read writes it; a sequencer process
integrating into the tree at the same time) against bare committed inserts into a twin table by the same
number of processes, in the same run. The top level holds the worst concurrency.

Every process connects and says it is ready before the clock starts (starting Django takes seconds on a
loaded machine), then all count what they commit in the same window."""

import os
import subprocess
import sys
import time

NAME = "audit_append_concurrent"
UNIT = "events/s"
TARGET = 0.5
DATABASES = ["postgresql"]
OURS = (
    "custodian.audit.events.write_event on the driver's cursor inside transaction.atomic, as gate.reveal "
    "writes its event (the queue trigger included), one committed transaction per event, N processes, "
    "with the sequencer integrating beside them"
)
BASELINE = "one INSERT per committed transaction into a twin of the event table (same columns and indexes)"
CONCURRENCY = tuple(int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,4,16").split(","))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = 2  # ours and the baseline alternate, so both see the same disk

WRITER = """
import os, sys, time
import django
django.setup()
from django.db import connection, transaction
from custodian.audit.events import write_event, _INSERT
mode = sys.argv[1]
event = {"action": "reveal", "actor_kind": "staff", "actor_id": str(os.getpid()), "actor_label": "bench",
         "roles": "billing", "purpose": "billing", "customer_id": "1", "categories": "name",
         "decision": "allow", "reason": "granted by support service", "client_ip": "192.0.2.0"}
twin = _INSERT.replace("audit_accessevent", "bench_event_twin")
row = [0, "0" * 32, "reveal", "staff", str(os.getpid()), "bench", "billing", "billing", "", "1", "name",
       "allow", "granted by support service", "192.0.2.0", "", "", ""]
connection.ensure_connection()
print("ready", flush=True)
start, end = (float(x) for x in sys.stdin.readline().split())
while time.time() < start:
    time.sleep(0.001)
count = 0
while time.time() < end:
    with transaction.atomic(), connection.cursor() as wrapper:
        if mode == "ours":
            write_event(wrapper.cursor, event)
        else:
            wrapper.cursor.execute(twin, row)
    count += 1
print(count, flush=True)
"""
SEQUENCER = """
import sys, time
import django
django.setup()
from django.db import connection
from custodian.audit.tree import integrate
connection.ensure_connection()
print("ready", flush=True)
start, end = (float(x) for x in sys.stdin.readline().split())
while time.time() < end:
    integrate()
    time.sleep(0.2)
print(0, flush=True)
"""


def _sample_waits(until: float) -> dict:
    """What the other backends of this database wait on while the writers run (pg_stat_activity, every
    20 ms): a writer queued behind another's row lock shows as wait_event_type 'Lock'."""
    from django.db import connection

    samples: dict[str, int] = {}
    with connection.cursor() as cur:
        while time.time() < until:
            cur.execute(
                "SELECT COALESCE(wait_event_type || ':' || wait_event, 'running'), COUNT(*) "
                "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state = 'active' GROUP BY 1"
            )
            for what, count in cur.fetchall():
                samples[what] = samples.get(what, 0) + count
            time.sleep(0.02)
    return samples


def _run(mode: str, processes: int, env: dict, waits: dict) -> float:
    def spawn(code, *args):
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    procs = [spawn(WRITER, mode) for _ in range(processes)]
    if mode == "ours":
        procs.append(spawn(SEQUENCER))
    for p in procs:
        line = p.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"a {mode} process did not start: {line!r}")
    start = time.time() + 0.5
    for p in procs:
        p.stdin.write(f"{start} {start + SECONDS}\n")
        p.stdin.flush()
    for what, count in _sample_waits(start + SECONDS).items():
        waits[what] = waits.get(what, 0) + count
    counts = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"a {mode} process failed ({p.returncode})")
        counts.append(int(out.strip()))
    return sum(counts) / SECONDS


def measure(db: str) -> dict:
    from django.db import connection

    from custodian.audit.models import AccessEvent
    from custodian.audit.tree import current_head, integrate
    from custodian.audit.verify import verify_log

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_event_twin")
        cur.execute("CREATE TABLE bench_event_twin (LIKE audit_accessevent INCLUDING ALL)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "custodian.settings"}
    by_concurrency = {}
    for processes in CONCURRENCY:
        ours = baseline = 0.0
        waits: dict[str, dict[str, int]] = {"ours": {}, "baseline": {}}
        for _ in range(ROUNDS):
            ours += _run("ours", processes, env, waits["ours"]) / ROUNDS
            baseline += _run("baseline", processes, env, waits["baseline"]) / ROUNDS
        by_concurrency[str(processes)] = {
            "ours": round(ours, 1),
            "baseline": round(baseline, 1),
            "ratio": round(ours / baseline, 4),
            # Samples of the writers' backends by what they were doing; 'Lock:…' would be queueing.
            "backend_samples": {side: dict(sorted(w.items())) for side, w in waits.items()},
        }
        print(f"  {processes} writers: {by_concurrency[str(processes)]}", file=sys.stderr, flush=True)
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
        "seconds_each": SECONDS,
        "rounds": ROUNDS,
        "by_concurrency": by_concurrency,
        "tree_size": events,
        "seconds_to_integrate_what_was_left": round(drain, 3),
    }
