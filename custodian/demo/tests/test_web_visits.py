"""The demo's month of website visits: the web team's dashboard is not empty on a new demo, and a re-run
adds nothing."""

from datetime import timedelta

from django.utils import timezone

from custodian.analytics.models import PageView
from custodian.analytics.selectors import dashboard
from custodian.demo.web_visits import demo_web_visits_ensure


def test_a_month_of_visits_fills_the_dashboard_once(db):
    added = demo_web_visits_ensure(seed=1)
    assert added == PageView.objects.count() > 1000
    assert demo_web_visits_ensure(seed=1) == 0 and PageView.objects.count() == added

    today = timezone.localdate()
    data = dashboard(since=today - timedelta(days=30), until=today)
    assert data["total"] == added and 0 < data["visitors"] < added
    assert all(n > 0 for _, n in data["visitors_per_day"][:-1])  # every day up to yesterday
    assert data["entry_pages"][0]["path"] == "/"
    assert {c["utm_campaign"] for c in data["campaigns"]} == {"cold-weather-rule", "paperless"}
    assert not PageView.objects.filter(path__startswith="/portal/").exists()  # not a page that is counted
