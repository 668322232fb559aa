"""The scheduler: one small loop (`manage.py scheduler`) that queues each job on django.tasks when its time
comes; the background worker (`manage.py db_worker`) runs it. Both keep their state in the database, so
nothing but PostgreSQL is needed (docs/decisions.md: Scheduled jobs).

Each due time is claimed with a conditional UPDATE of the job's row (`last_scheduled_for`), so two
schedulers (on two hosts, or one restarted) queue a job once per due time. A scheduler that was down
queues each missed job once when it comes back, not once per missed time. A job first seen by a scheduler
waits for its next due time.

On SIGTERM or SIGINT the loop ends and the access log's head is signed (as the server does when it stops).
"""

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from custodian.audit.heads import head_sign_at_shutdown
from custodian.operations.jobs import active_jobs, job_register, slot_before
from custodian.operations.models import JobState
from custodian.operations.tasks import scheduled_job

log = logging.getLogger(__name__)


def _enqueue(name: str) -> None:

    scheduled_job.enqueue(name)


def scheduler_tick(now: datetime | None = None, enqueue: Callable[[str], None] = _enqueue) -> list[str]:
    """Queue every job due at `now` that no scheduler has queued for this due time; the names queued."""
    now = now or timezone.now()
    queued = []
    for job, expr in active_jobs():
        state = job_register(job.name, now=now)
        slot = slot_before(expr, now)
        if slot < state.registered_at or (state.last_scheduled_for and slot <= state.last_scheduled_for):
            continue
        claimed = (
            JobState.objects.filter(name=job.name)
            .filter(Q(last_scheduled_for__isnull=True) | Q(last_scheduled_for__lt=slot))
            .update(last_scheduled_for=slot)
        )
        if claimed:
            enqueue(job.name)
            queued.append(job.name)
    if queued:
        log.info("jobs queued", extra={"jobs": queued})
    return queued


def sign_at_shutdown() -> None:
    """What a stopping process does last: sign the access log's head (errors logged, never raised). The
    server's config (deploy/gunicorn.conf.py) and the scheduler both call it."""

    head_sign_at_shutdown()
    log.info("access log head signed at shutdown")


class Scheduler:
    def __init__(self, enqueue: Callable[[str], None] = _enqueue):
        self.stop = threading.Event()
        self.enqueue = enqueue

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop.set())

    def run(self) -> None:
        """Tick at the start of every minute until stopped, then sign the log's head."""
        log.info("scheduler started", extra={"jobs": [job.name for job, _ in active_jobs()]})
        try:
            while not self.stop.is_set():
                close_old_connections()
                try:
                    scheduler_tick(enqueue=self.enqueue)
                except Exception:  # the database restarting, say: try again next minute
                    log.exception("scheduler tick failed")
                now = timezone.now()
                next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
                self.stop.wait((next_minute - now).total_seconds() + 0.05)
        finally:
            log.info("scheduler stopping")
            sign_at_shutdown()
