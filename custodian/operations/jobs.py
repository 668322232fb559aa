"""The scheduled jobs: what runs, when (cron expressions, cronsim), and one runner that records each run.

The scheduler (`manage.py scheduler`, custodian.operations.scheduler) queues a job when its time comes; the
background worker (`manage.py db_worker`) runs it through `job_run`, which

- takes the job's lease first (a conditional UPDATE of its row, so it holds across processes and hosts):
  a run that would overlap one still going is skipped, recorded as such, and never runs twice;
- records the outcome on the job's row: last start, success or failure, a one-line summary of what it did
  (counts), and for a failure the error's type and message scrubbed of personal data
  (custodian.operations.logs.text_redact), shown to IT in the console and on /readyz.

Every job is safe to re-run: each command it calls is (signing, purges, retention, bill runs and IMAP
polling each skip what is already done).

A schedule can be changed or a job turned off with CUSTODIAN_SCHEDULE, e.g.
`bill_run=0 6 5 * *;comparison_reports=off` (checked when the scheduler starts, naming a bad entry).
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

from cronsim import CronSim, CronSimError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import F, Q
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from custodian.audit.heads import head_sign, publish_to
from custodian.operations.logs import text_redact
from custodian.operations.models import JobState

log = logging.getLogger(__name__)


def _command(*args) -> Callable[[], str]:
    """A job that runs a management command; its summary is the command's last line of output."""

    def run() -> str:
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO())
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        return lines[-1] if lines else "done"

    run.__name__ = f"command_{args[0]}"
    return run


def _heartbeat() -> str:
    return f"worker {socket.gethostname()} pid {os.getpid()} alive"


def _audit_sign() -> str:

    head = head_sign()
    if head is None:
        return "the access log is empty: nothing to sign"
    summary = f"head #{head.pk} covers {head.tree_size} events, published to the transparency directory"
    mirror = settings.CUSTODIAN_LOG_MIRROR_DIR
    if mirror:
        result = publish_to(Path(mirror))
        summary += f" and the mirror ({result.heads_written} heads, {result.tiles_written} tiles written)"
    return summary


def _bill_run() -> str:
    """Bill the month that ended: on the schedule's day, the previous month's cycle."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    return _command("bill_run", "--cycle", f"{last_month:%Y-%m}", "--no-progress")()


def _task_results_prune() -> str:
    """Delete the background queue's finished task rows after a week (django-tasks-db's own command); the
    jobs' outcomes are kept on their JobState rows."""

    if not isinstance(task_backends["default"], DatabaseBackend):
        return "tasks run where they are queued: no queue rows to prune"
    return _command("prune_db_task_results", "--min-age-days", "7")()


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    schedule: str  # a cron expression, in the utility's time zone (settings.TIME_ZONE)
    run: Callable[[], str]
    lease: timedelta = timedelta(minutes=30)  # longer than any run should take
    enabled: Callable[[], bool] = field(default=lambda: True)
    grace: timedelta = timedelta(minutes=15)  # late past its time by this much: /readyz says so


def _long(name: str, label: str, schedule: str, run: Callable[[], str], *, hours: int) -> Job:
    """A job that may run for hours (every account, every home): a lease that long, and an hour past its time
    before /readyz calls it late."""
    return Job(name, label, schedule, run, lease=timedelta(hours=hours), grace=timedelta(hours=1))


JOBS: tuple[Job, ...] = (
    Job(
        "worker_heartbeat",
        "The background worker answers (runs every minute; /readyz checks it ran in the last five)",
        "* * * * *",
        _heartbeat,
        lease=timedelta(minutes=1),
        grace=timedelta(minutes=5),
    ),
    Job(
        "audit_integrate",
        "Access log: integrate committed events into the Merkle tree (the sequencer)",
        "* * * * *",
        _command("audit", "integrate"),
        lease=timedelta(minutes=10),
    ),
    Job(
        "audit_sign",
        "Access log: sign the tree's head and publish it with the tiles (every 15 minutes)",
        "*/15 * * * *",
        _audit_sign,
        lease=timedelta(minutes=15),
    ),
    Job(
        "outbox_retry",
        "E-mails: send again those whose temporary failure's wait is over",
        "*/5 * * * *",
        _command("outbox_retry"),
        lease=timedelta(minutes=10),
    ),
    Job(
        "poll_imap",
        "E-mail intake: import new messages from the IMAP inbox (when CUSTODIAN_IMAP_HOST is set)",
        "*/5 * * * *",
        _command("poll_imap"),
        lease=timedelta(minutes=10),
        enabled=lambda: bool(settings.CUSTODIAN_IMAP_HOST),
    ),
    Job(
        "connect_notify",
        "Connect My Data: post the notifications of new data that are due again (ESPI BatchList)",
        "*/5 * * * *",
        _command("connect_notify"),
        lease=timedelta(minutes=10),
    ),
    Job(
        "connect_tokens_clear",
        "Connect My Data: delete expired and revoked OAuth tokens and codes (daily)",
        "50 2 * * *",
        _command("cleartokens"),
    ),
    Job(
        "task_results_prune",
        "Background queue: delete finished task rows older than a week (daily)",
        "10 2 * * *",
        _task_results_prune,
    ),
    _long(
        "retention_run",
        "Retention: destroy what the retention schedule has past its period (daily)",
        "40 2 * * *",
        _command("retention_run"),
        hours=6,
    ),
    _long(
        "bill_notices",
        "Billing: e-mail paperless customers whose new bills were not yet told (daily)",
        "0 7 * * *",
        _command("bill_notices", "--no-progress"),
        hours=2,
    ),
    _long(
        "late_fees",
        "Billing: the tariff's late payment charge on each bill past due and still owed, once a bill (daily)",
        "30 6 * * *",
        _command("late_fees"),
        hours=2,
    ),
    _long(
        "past_due_notices",
        "Collections: a letter for each account past due, once per arrears (its oldest unpaid bill) (daily)",
        "0 8 * * *",
        _command("collection_notices", "past-due", "--no-progress"),
        hours=2,
    ),
    _long(
        "cold_weather_notice",
        "Collections: the yearly Cold Weather Rule notice to every residential customer (August 20)",
        "0 9 20 8 *",
        _command("collection_notices", "cold-weather", "--no-progress"),
        hours=6,
    ),
    _long(
        "comparison_reports",
        "Neighbour comparisons: compute every home's monthly comparison (the 2nd of each month)",
        "0 4 2 * *",
        _command("comparison_reports", "--no-progress"),
        hours=6,
    ),
    _long(
        "bill_run",
        "Billing: bill every account for the month that ended (the 3rd of each month)",
        "0 5 3 * *",
        _bill_run,
        hours=6,
    ),
)


class ScheduleError(ImproperlyConfigured):
    pass


def schedule_overrides(text: str | None = None) -> dict[str, str | None]:
    """CUSTODIAN_SCHEDULE parsed: job name → cron expression, or None for `off`. Names a bad entry."""
    text = settings.CUSTODIAN_SCHEDULE if text is None else text
    names = {j.name for j in JOBS}
    found: dict[str, str | None] = {}
    for entry in filter(None, (e.strip() for e in (text or "").split(";"))):
        name, sep, expr = (part.strip() for part in entry.partition("="))
        if not sep or name not in names:
            raise ScheduleError(
                f"CUSTODIAN_SCHEDULE entry {entry!r}: write JOB=CRON or JOB=off, JOB one of {sorted(names)}"
            )
        if expr.lower() == "off":
            found[name] = None
            continue
        try:
            CronSim(expr, timezone.now())
        except CronSimError as exc:
            raise ScheduleError(f"CUSTODIAN_SCHEDULE entry {entry!r}: {exc}") from None
        found[name] = expr
    return found


def active_jobs() -> list[tuple[Job, str]]:
    """The jobs that run here, each with its schedule (after CUSTODIAN_SCHEDULE)."""
    overrides = schedule_overrides()
    active = []
    for job in JOBS:
        expr = overrides.get(job.name, job.schedule)
        if expr is not None and job.enabled():
            active.append((job, expr))
    return active


def job_by_name(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def slot_before(expr: str, moment: datetime) -> datetime:
    """The last time the schedule fired at or before `moment` (local time of the utility)."""
    local = timezone.localtime(moment).replace(second=0, microsecond=0)
    return next(CronSim(expr, local + timedelta(minutes=1), reverse=True))


def slot_after(expr: str, moment: datetime) -> datetime:
    return next(CronSim(expr, timezone.localtime(moment)))


def job_register(name: str, *, now: datetime | None = None) -> JobState:
    state, _ = JobState.objects.get_or_create(name=name, defaults={"registered_at": now or timezone.now()})
    return state


def _scrub(text: str, limit: int) -> str:
    text = " ".join(text_redact(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def job_run(name: str) -> str:
    """Run one job now, under its lease, and record the outcome: `success`, `failure` or `skipped` (a run
    of the same job is still going)."""
    job = job_by_name(name)
    job_register(name)
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:80]
    started = timezone.now()
    taken = (
        JobState.objects.filter(name=name)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=started))
        .update(lease_owner=owner, lease_until=started + job.lease, last_started_at=started)
    )
    if not taken:
        log.warning("job skipped: a run of it is still going", extra={"job": name})
        return "skipped"
    clock = time.perf_counter()
    outcome, summary, error = "success", "", ""
    try:
        summary = _scrub(job.run() or "done", 300)
    except Exception as exc:  # recorded and shown; the worker goes on with the next job
        outcome, error = "failure", _scrub(f"{type(exc).__name__}: {exc}", 500)
    finished = timezone.now()
    changes = {
        "last_finished_at": finished,
        "last_outcome": outcome,
        "last_duration_ms": round((time.perf_counter() - clock) * 1000),
        "runs": F("runs") + 1,
        "lease_owner": "",
        "lease_until": None,
    }
    if outcome == "success":
        changes |= {"last_success_at": finished, "last_summary": summary}
        log.info("job done", extra={"job": name, "summary": summary})
    else:
        changes |= {"last_failure_at": finished, "last_error": error, "failures": F("failures") + 1}
        log.error("job failed", extra={"job": name, "error": error})
    JobState.objects.filter(name=name, lease_owner=owner).update(**changes)
    return outcome


@dataclass(frozen=True)
class JobHealth:
    job: Job
    schedule: str
    state: JobState | None
    problem: str  # empty when healthy

    @property
    def ok(self) -> bool:
        return not self.problem


def job_health(job: Job, expr: str, state: JobState | None, now: datetime) -> JobHealth:
    """Whether a job is as it should be: a scheduler has seen it, its last run did not fail, and it started
    after the last time it was due (allowing its grace), counting from when a scheduler first saw it."""
    if state is None:
        return JobHealth(job, expr, None, "never scheduled: is the scheduler running?")
    if state.last_outcome == "failure":
        when = timezone.localtime(state.last_failure_at)
        return JobHealth(job, expr, state, f"last run failed at {when:%Y-%m-%d %H:%M}")
    due = slot_before(expr, now - job.grace)
    if due >= state.registered_at and (state.last_started_at is None or state.last_started_at < due):
        return JobHealth(
            job, expr, state, f"late: due at {timezone.localtime(due):%Y-%m-%d %H:%M}, not started"
        )
    return JobHealth(job, expr, state, "")


def jobs_health(now: datetime | None = None) -> list[JobHealth]:
    now = now or timezone.now()
    states = {s.name: s for s in JobState.objects.all()}
    return [job_health(job, expr, states.get(job.name), now) for job, expr in active_jobs()]
