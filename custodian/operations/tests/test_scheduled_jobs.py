"""The scheduled jobs: one scheduler queues each job once per due time (even with two schedulers), the
worker runs it under a lease (an overlapping run is skipped, never run twice), each outcome is recorded
with a scrubbed error, every job runs on a real database, and /readyz and IT's console page show it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from custodian.casework.mail_import import ImportReport
from custodian.casework.management.commands import poll_imap
from custodian.operations import jobs as jobs_module
from custodian.operations.jobs import (
    JOBS,
    Job,
    ScheduleError,
    active_jobs,
    job_register,
    job_run,
    jobs_health,
    schedule_overrides,
)
from custodian.operations.models import JobState
from custodian.operations.scheduler import scheduler_tick
from custodian.operations.tests.conftest import read_events
from custodian.testing import ON_POSTGRES

CHICAGO = ZoneInfo("America/Chicago")


def at(day, hour, minute=0, second=0):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=CHICAGO)


@pytest.fixture
def only(monkeypatch):
    """Replace the registry with the given jobs (their runs recorded in `ran`)."""
    ran = []

    def install(*specs):
        made = []
        for name, schedule, *rest in specs:
            action = rest[0] if rest else (lambda name=name: ran.append(name) or f"{name} did 3 things")
            made.append(Job(name, f"the {name} job", schedule, action))
        monkeypatch.setattr(jobs_module, "JOBS", tuple(made))
        return ran

    return install


def test_a_job_is_queued_once_per_due_time_even_with_two_schedulers(db, only):
    only(("hourly", "0 * * * *"), ("minutely", "* * * * *"))
    job_register("hourly", now=at(26, 9, 30))
    job_register("minutely", now=at(26, 9, 30))
    queued_a, queued_b = [], []
    assert scheduler_tick(at(26, 10, 0, 5), enqueue=queued_a.append) == ["hourly", "minutely"]
    # A second scheduler (another host) at the same minute queues nothing more.
    assert scheduler_tick(at(26, 10, 0, 40), enqueue=queued_b.append) == []
    assert scheduler_tick(at(26, 10, 1, 1), enqueue=queued_b.append) == ["minutely"]
    assert queued_a == ["hourly", "minutely"] and queued_b == ["minutely"]


def test_a_job_first_seen_waits_for_its_next_time_and_missed_times_run_once(db, only):
    only(("daily", "30 2 * * *"))
    assert scheduler_tick(at(26, 14)) == []  # first seen at 14:00: today's 02:30 is before it
    assert JobState.objects.get(name="daily").last_scheduled_for is None
    # The scheduler was down for three days: one catch-up run, not three.
    queued = []
    assert scheduler_tick(at(29, 9), enqueue=queued.append) == ["daily"]
    assert scheduler_tick(at(29, 9, 5), enqueue=queued.append) == []
    assert queued == ["daily"]
    assert JobState.objects.get(name="daily").last_scheduled_for == at(29, 2, 30)


def test_queued_jobs_run_through_the_task_queue_and_record_success(db, only):
    ran = only(("minutely", "* * * * *"))
    job_register("minutely", now=at(26, 9))
    scheduler_tick(at(26, 9, 1))  # tests run tasks where they are queued
    state = JobState.objects.get(name="minutely")
    assert ran == ["minutely"]
    assert state.last_outcome == "success" and state.last_summary == "minutely did 3 things"
    assert state.runs == 1 and state.failures == 0 and state.lease_until is None


def test_a_failure_is_recorded_with_its_error_scrubbed_of_personal_data(db, only):
    def fails():
        raise RuntimeError(
            "could not mail zebulon.canary@example.org at /portal/receipts/4711/?x=1 (507) 555-0147"
        )

    only(("flaky", "* * * * *", fails))
    assert job_run("flaky") == "failure"
    state = JobState.objects.get(name="flaky")
    assert state.last_outcome == "failure" and state.failures == 1 and state.last_failure_at
    assert state.last_error.startswith("RuntimeError: could not mail [e-mail] at /portal/receipts/*/")
    for secret in ("zebulon", "4711", "x=1", "555-0147"):
        assert secret not in state.last_error
    assert state.lease_until is None  # the lease is given back: the next run may go


def test_an_overlapping_run_is_skipped_and_a_stale_lease_expires(db, only):
    ran = only(("slow", "* * * * *"))
    job_register("slow")
    JobState.objects.filter(name="slow").update(
        lease_owner="other-host:1:abc", lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert job_run("slow") == "skipped" and ran == []
    assert JobState.objects.get(name="slow").runs == 0
    # The other run died without giving its lease back: once the lease is past, the job runs again.
    JobState.objects.filter(name="slow").update(lease_until=timezone.now() - timedelta(seconds=1))
    assert job_run("slow") == "success" and ran == ["slow"]


def test_schedules_can_be_changed_or_turned_off_and_a_bad_entry_is_named(db, settings):
    settings.CUSTODIAN_SCHEDULE = "bill_run=0 6 5 * *; comparison_reports=off"
    schedules = {job.name: expr for job, expr in active_jobs()}
    assert schedules["bill_run"] == "0 6 5 * *" and "comparison_reports" not in schedules
    assert "poll_imap" not in schedules  # no IMAP host configured
    settings.CUSTODIAN_IMAP_HOST = "imap.example.org"
    assert "poll_imap" in {job.name for job, _ in active_jobs()}
    with pytest.raises(ScheduleError, match="no_such_job"):
        schedule_overrides("no_such_job=* * * * *")
    with pytest.raises(ScheduleError, match="bill_run=every day"):
        schedule_overrides("bill_run=every day")


def test_the_schedule_signs_the_access_log_at_least_hourly():
    by_name = {job.name: job for job in JOBS}
    sign = by_name["audit_sign"].schedule
    fired = jobs_module.CronSim(sign, at(26, 0))
    first, second = next(fired), next(fired)
    assert second - first <= timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_every_job_runs_on_a_real_database(log_keys, settings, monkeypatch):
    """Each job's command and arguments are right: every job runs and succeeds on a small utility (IMAP
    polling against a mailbox with nothing new), and the signing job publishes to the transparency
    directory and the mirror."""

    monkeypatch.setattr(poll_imap, "poll_imap", lambda: ImportReport())
    settings.CUSTODIAN_IMAP_HOST = "imap.example.org"
    settings.CUSTODIAN_LOG_MIRROR_DIR = str(log_keys / "mirror")
    read_events(3)
    outcomes = {job.name: job_run(job.name) for job in JOBS if job.name != "cold_weather_notice"}
    # The Cold Weather Rule notice goes out between August 15 and October 1: run as on its scheduled day.
    with monkeypatch.context() as m:
        m.setattr(timezone, "localdate", lambda *a, **k: date(2026, 8, 20))
        outcomes["cold_weather_notice"] = job_run("cold_weather_notice")
    failed = {n: JobState.objects.get(name=n).last_error for n, o in outcomes.items() if o != "success"}
    assert failed == {}
    summaries = {s.name: s.last_summary for s in JobState.objects.all()}
    assert "covers 3 events" in summaries["audit_sign"] and "mirror" in summaries["audit_sign"]
    assert summaries["poll_imap"] == "0 imported, 0 already imported, 0 skipped"
    assert (log_keys / "mirror" / "checkpoint").is_file()
    assert (log_keys / "transparency" / "checkpoint").is_file()


def test_readyz_names_a_failed_and_a_late_job(db, log_keys, only):
    only(("worker_heartbeat", "* * * * *"), ("nightly", "0 2 * * *"), ("flaky", "* * * * *", lambda: 1 / 0))
    now = timezone.now()
    for name in ("worker_heartbeat", "nightly", "flaky"):
        job_register(name, now=now - timedelta(days=3))
    job_run("worker_heartbeat")
    job_run("flaky")
    health = {h.job.name: h.problem for h in jobs_health()}
    assert health["worker_heartbeat"] == ""
    assert health["flaky"].startswith("last run failed")
    assert health["nightly"].startswith("late: due at")
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert set(body["failed"]) == {"job:flaky", "job:nightly"}
    assert "ZeroDivisionError" not in response.content.decode()  # error texts stay in the console


def test_it_sees_each_jobs_last_success_and_failure_in_the_console(db, log_keys, only, all_staff, console):
    only(("worker_heartbeat", "* * * * *"), ("flaky", "* * * * *", lambda: 1 / 0))
    job_run("worker_heartbeat")
    job_run("flaky")
    page = console(all_staff["it_database"]).get("/staff/operations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-job="flaky"' in html and "ZeroDivisionError: division by zero" in html
    assert 'data-job="worker_heartbeat"' in html and "worker_heartbeat did 3 things" in html
    assert 'data-check="database"' in html
    home = console(all_staff["it_database"]).get("/staff/").content.decode()
    assert 'href="/staff/operations/"' in home  # in the console's navigation for IT, and only for IT
    assert 'href="/staff/operations/"' not in console(all_staff["billing"]).get("/staff/").content.decode()
    assert console(all_staff["billing"]).get("/staff/operations/").status_code == 403


def test_jobs_status_and_run_commands(db, log_keys, only, capsys):
    only(("worker_heartbeat", "* * * * *"))
    call_command("jobs", "run", "worker_heartbeat")
    call_command("jobs", "status")
    out = capsys.readouterr().out
    assert "worker_heartbeat: success (worker" in out and "last success 20" in out


# As in the report runs' test: the worker reopens connections between tasks, which ends a test's transaction
# on PostgreSQL (there the test is transactional); SQLite's in-memory test database keeps its one connection.
@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_the_scheduler_queue_and_worker_run_jobs_and_old_queue_rows_are_pruned(log_keys, only, settings):
    ran = only(
        ("minutely", "* * * * *"), ("task_results_prune", "10 2 * * *", jobs_module._task_results_prune)
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    job_register("minutely", now=now - timedelta(minutes=5))
    assert scheduler_tick(now) == ["minutely"]
    assert ran == [] and DBTaskResult.objects.count() == 1  # queued, not run
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert ran == ["minutely"] and JobState.objects.get(name="minutely").last_outcome == "success"
    DBTaskResult.objects.update(finished_at=now - timedelta(days=8))
    assert job_run("task_results_prune") == "success"
    assert DBTaskResult.objects.count() == 0


def test_page_views_are_destroyed_by_the_retention_run_alone_so_its_record_counts_them():
    # A second scheduled deleter running first would leave the retention run's destruction record at none.
    commands = {job.name for job in JOBS}
    assert "retention_run" in commands
    assert "analytics_purge" not in commands
