"""Several processes write to the access log at once on PostgreSQL while sequencers integrate: one tree,
every event in it exactly once, no gap, and writers never wait for a head row."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from custodian.audit.models import AccessEvent, LogLeaf
from custodian.audit.seals import active_key
from custodian.audit.tree import integrate
from custodian.audit.verify import verify_log
from custodian.testing import postgres_only

WRITER = """
import django, sys
django.setup()
from custodian.audit.events import append_events
worker, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    event = {"action": "reveal", "actor_kind": "system", "actor_id": worker, "actor_label": worker,
             "purpose": "billing", "customer_id": str(i), "decision": "allow", "reason": "load"}
    append_events([event] * (1 + i % 3))
"""
SEQUENCER = """
import django, sys, time
django.setup()
from custodian.audit.tree import integrate
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    integrate(batch=50)
    time.sleep(0.01)
"""


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sequencers_make_one_tree(log_keys):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    # The writers seal with the test's log key file, which verify reads (made before they start).
    active_key()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "custodian.settings",
        "CUSTODIAN_LOG_SIGNING_KEYS": str(settings.CUSTODIAN_LOG_SIGNING_KEYS),
    }
    workers, per_worker = 6, 60

    def run(code, *args):
        return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=settings.BASE_DIR)

    sequencers = [run(SEQUENCER, "8") for _ in range(2)]
    writers = [run(WRITER, f"w{n}", str(per_worker)) for n in range(workers)]
    assert all(p.wait(timeout=240) == 0 for p in writers + sequencers)
    integrate()
    expected = workers * sum(1 + i % 3 for i in range(per_worker))
    assert AccessEvent.objects.count() == expected
    positions = sorted(LogLeaf.objects.values_list("idx", flat=True))
    assert positions == list(range(expected))  # no gap, nothing twice
    result = verify_log()
    assert result.ok, str(result)
    assert result.size == expected
    # The writers really interleaved.
    order = list(LogLeaf.objects.order_by("idx").values_list("event_seq", flat=True))
    actors = dict(AccessEvent.objects.values_list("seq", "actor_id"))
    switches = sum(1 for a, b in zip(order, order[1:], strict=False) if actors[a] != actors[b])
    assert switches > workers
