"""`/healthz` (the process is up) and `/readyz` (everything it depends on is working), answered by a
middleware placed first, before host validation, the HTTPS redirect, sessions and analytics: a load
balancer or a monitor probing by address over plain HTTP gets the answer, and a probe is never counted as
a visit.

`/readyz` checks the database (one query), the keyring (the master keyring, the blind-index key and the
access log's signing key can be read), the interval store (a file can be written and removed), the
background worker (it ran its heartbeat job in the last five minutes) and every scheduled job (a scheduler
has seen it, its last run did not fail, it is not late). It answers 200 when all pass, otherwise 503, with
the name of each check and, for each that failed, a short reason; and `warnings`, what works but needs
staff's attention (no card processor configured, retention items not confirmed), which never fails it.
Error texts stay in the console (/staff/operations/): this page is public.

django-health-check was weighed: each of these checks would be our own plugin anyway, its database check
writes rows to a table of its own, and it answers a failure with 500, which a load balancer can't tell from
a crash. Five short functions say the same more plainly.
"""

import json
import os
import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from custodian.audit import log_key
from custodian.audit.heads import log_origin
from custodian.operations.advisories import advisories
from custodian.operations.jobs import jobs_health
from custodian.vault.keys import key_files_check


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "unreachable"
    return ""


def check_keyring() -> str:

    try:
        key_files_check()
        log_key.log_signer(log_origin())
    except Exception:
        return "a key file can't be read"
    return ""


def check_interval_store() -> str:
    directory = settings.CUSTODIAN_INTERVAL_DIR
    probe = directory / f".readyz-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError:
        return "not writable"
    return ""


HEARTBEAT = "worker_heartbeat"


def readiness() -> dict[str, str]:
    """Check name → "" when it passes, or a short reason (nothing personal, nothing secret)."""

    checks = {
        "database": check_database(),
        "keyring": check_keyring(),
        "interval_store": check_interval_store(),
    }
    if checks["database"]:
        checks["worker"] = "unknown: the database is unreachable"
        return checks
    try:
        health = jobs_health()
    except Exception:
        checks["worker"] = checks["jobs"] = "unknown: the jobs' state can't be read"
        return checks
    checks["worker"] = worker_problem(health)
    for item in health:
        if item.job.name != HEARTBEAT:
            checks[f"job:{item.job.name}"] = item.problem
    return checks


def worker_problem(health: list | None = None) -> str:
    """Why the background worker may not be running queued work: its heartbeat job did not run in time, or is
    turned off; "" when it ran in time. `health`: the jobs' health already read (`jobs_health`)."""
    health = jobs_health() if health is None else health
    beat = next((item for item in health if item.job.name == HEARTBEAT), None)
    if beat is None:
        return "heartbeat job turned off"
    return beat.problem and f"no heartbeat: {beat.problem}"


def queued_unattended(runs) -> str:
    """For a page that shows runs in the background (custodian.background): when one of them waits in the
    queue and the worker's heartbeat is missing or late, why nothing will start it; "" otherwise. Only IT's
    operations page said so before, and a run would show "Queued" with no progress for ever."""
    if not any(run.status == "queued" for run in runs):
        return ""
    return worker_problem()


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body, indent=1) + "\n", status=status, content_type="application/json")
    add_never_cache_headers(response)
    return response


def healthz() -> HttpResponse:
    return _answer(200, {"status": "ok", "pid": os.getpid(), "time": timezone.now().isoformat()})


def readyz() -> HttpResponse:
    checks = readiness()
    failed = [name for name, problem in checks.items() if problem]
    body = {
        "status": "failing" if failed else "ok",
        "failed": failed,
        "checks": {name: problem or "ok" for name, problem in checks.items()},
        # What works but needs someone's attention (custodian.operations.advisories): never a failure.
        "warnings": advisories(),
    }
    response = _answer(503 if failed else 200, body)
    response._has_been_logged = True  # a probe's 503 is its answer, not a server error to log each time
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthMiddleware:
    """Answers the two probes before anything else runs (see the module's note)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe()
        return self.get_response(request)
