"""A run in the background (a bill run, a report run) that waits in the queue while the worker's heartbeat is
missing or late is said to wait for nothing, in words, on the page that shows it: not only on IT's operations
page. With the worker answering, the page says nothing of it.

Personas: Fiona the field technician (runs the comparison reports), Bill the billing clerk (runs the
bills)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.billing.models import BillRun
from custodian.operations.models import JobState
from custodian.usage.models import ReportRun

UNATTENDED = "nothing is running queued work"


def worker_answering():
    now = timezone.now()
    JobState.objects.create(
        name="worker_heartbeat",
        registered_at=now - timedelta(hours=1),
        last_started_at=now,
        last_finished_at=now,
        last_success_at=now,
        last_outcome="success",
    )


@pytest.fixture
def pages(field_tech, billing_clerk):
    """The reports page as Fiona sees it and the billing page as Bill does, each with a run queued."""
    ReportRun.objects.create(requested_by=field_tech)
    BillRun.objects.create(requested_by=billing_clerk, cycle="2026-10")
    return [(field_tech, "/staff/reports/"), (billing_clerk, "/staff/billing/")]


def test_a_queued_run_without_a_worker_says_nothing_runs_it(console, pages):
    for user, url in pages:
        html = console(user).get(url).content.decode()
        assert UNATTENDED in html and "no heartbeat: never scheduled" in html and "ask IT" in html, url


def test_a_late_heartbeat_is_said_too(console, pages):
    worker_answering()
    JobState.objects.update(last_started_at=timezone.now() - timedelta(hours=1))
    for user, url in pages:
        assert "no heartbeat: late" in console(user).get(url).content.decode(), url


def test_with_the_worker_answering_a_queued_run_just_waits(console, pages):
    worker_answering()
    for user, url in pages:
        assert UNATTENDED not in console(user).get(url).content.decode(), url
