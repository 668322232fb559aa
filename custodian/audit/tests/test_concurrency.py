"""Several processes append to the access log at once on PostgreSQL: the chain stays one unbroken line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from custodian.audit.chain import verify_chain
from custodian.audit.models import AccessEvent
from custodian.testing import postgres_only

WRITER = """
import django, os, sys
django.setup()
from custodian.audit.chain import append_events
worker, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    batch = 1 + i % 3
    event = {"action": "reveal", "actor_kind": "system", "actor_id": worker, "actor_label": worker,
             "purpose": "billing", "customer_id": str(i), "decision": "allow", "reason": "load"}
    append_events([event] * batch)
"""


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "custodian.settings"}
    workers, per_worker = 6, 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{n}", str(per_worker)], env=env, cwd=settings.BASE_DIR
        )
        for n in range(workers)
    ]
    assert all(p.wait(timeout=240) == 0 for p in procs)
    expected = workers * sum(1 + i % 3 for i in range(per_worker))
    assert AccessEvent.objects.count() == expected
    result = verify_chain()
    assert result.ok, str(result)
    assert result.events == expected
    # The writers really interleaved: the chain is not six runs one after another.
    actors = list(AccessEvent.objects.order_by("seq").values_list("actor_id", flat=True))
    switches = sum(1 for a, b in zip(actors, actors[1:], strict=False) if a != b)
    assert switches > workers
