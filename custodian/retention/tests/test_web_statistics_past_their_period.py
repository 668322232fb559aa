"""Website statistics are kept the policy file's days and then deleted, by one rule whichever deletes them:
the daily retention run (its dry run's count and its destruction record) and `analytics_purge` by hand both
count the days back from local midnight, as every retention schedule item is counted. A page view from the
first moment of the first day kept stays; one a second older goes."""

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from custodian.analytics.models import PageView
from custodian.policy.loader import current_policy
from custodian.retention.models import DestructionRecord


def view(at: datetime) -> PageView:
    return PageView.objects.create(
        at=at, path="/", browser="Firefox", os="Linux", device="desktop", ip_prefix="198.51.100.0/24"
    )


@pytest.fixture
def views(db):
    """Page views either side of the cutoff: a day past the period, a second past it, its first moment, and
    a day within it, at local times (America/Chicago)."""
    item = current_policy().retention_schedule["web_analytics"]
    today = timezone.localdate()
    first_kept = item.first_day_kept(today)
    assert first_kept == today - timedelta(days=current_policy().retention["web_analytics_days"])
    midnight = item.first_moment_kept(today)
    noon = time(12)
    return today, {
        "gone": [
            view(timezone.make_aware(datetime.combine(first_kept - timedelta(days=1), noon))),
            view(midnight - timedelta(seconds=1)),
        ],
        "kept": [
            view(midnight),
            view(timezone.make_aware(datetime.combine(first_kept + timedelta(days=1), noon))),
        ],
    }


def test_the_retention_run_counts_records_and_deletes_past_the_days(views, capsys):
    today, kept_or_gone = views
    call_command("retention_run", "--dry-run", "--as-of", today.isoformat())
    assert "web_analytics: 2 page views due" in capsys.readouterr().out
    call_command("retention_run", "--as-of", today.isoformat())
    record = DestructionRecord.objects.get(schedule_item="web_analytics")
    assert (record.count, record.details["page_views"]) == (2, 2)
    assert set(PageView.objects.values_list("pk", flat=True)) == {v.pk for v in kept_or_gone["kept"]}


def test_the_daily_purge_deletes_by_the_same_rule(views, capsys):
    _, kept_or_gone = views
    call_command("analytics_purge")
    assert "deleted 2 page views" in capsys.readouterr().out
    assert set(PageView.objects.values_list("pk", flat=True)) == {v.pk for v in kept_or_gone["kept"]}
