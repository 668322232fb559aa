"""The web team's statistics: views and unique visitors per day, pages, entry pages, campaigns, browsers, OS,
devices, referrers; date range; CSV; nothing personal anywhere in it; only the web team sees it."""

from datetime import timedelta

from django.db.models import F
from django.test import Client
from django.utils import timezone

from custodian.analytics.models import PageView

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537"
)


def visit(path, **extra):
    Client().get(path, **{"HTTP_USER_AGENT": CHROME, "REMOTE_ADDR": "203.0.113.77", **extra})


def test_the_web_editor_sees_counts_and_downloads_csv(console, web_editor):
    visit("/", HTTP_REFERER="https://www.google.com/search?q=x")
    visit("/privacy/?token=secret")
    visit("/", HTTP_USER_AGENT="Googlebot/2.1")
    client = console(web_editor)
    html = client.get("/staff/web/").content.decode()
    assert "<strong>2</strong> page views" in html and "www.google.com" in html and "/privacy/" in html
    assert ": 2 page views</title>" in html and ".0 page views" not in html  # a count, not an amount
    assert "203.0.113.77" not in html and "secret" not in html
    today = timezone.localdate()
    csv_text = client.get(
        "/staff/web/", {"since": today - timedelta(days=1), "until": today, "format": "csv"}
    ).content.decode()
    assert "pages,/privacy/,1" in csv_text and "browsers,Chrome,2" in csv_text
    assert "203.0.113" not in csv_text
    with_bots = client.get("/staff/web/", {"since": today, "until": today, "bots": "on"}).content.decode()
    assert "<strong>3</strong> page views" in with_bots


def test_a_bad_range_is_explained(console, web_editor):
    response = console(web_editor).get("/staff/web/", {"since": "2026-12-01", "until": "2026-11-01"})
    assert response.status_code == 400 and "start date is after the end date" in response.content.decode()


def test_only_the_web_team(console, billing_clerk, privacy_officer):
    assert console(billing_clerk).get("/staff/web/").status_code == 403
    assert console(privacy_officer).get("/staff/web/").status_code == 403


def test_unique_visitors_entry_pages_and_campaigns(console, web_editor):
    visit("/?utm_source=newsletter&utm_medium=email&utm_campaign=fall")
    visit("/privacy/")
    visit("/contact/", HTTP_USER_AGENT=CHROME.replace("131.0", "130.0"))
    # A visitor who comes back after more than half an hour starts a second visit, the same day: in a day's
    # last hour the visits are an hour earlier, so the one half an hour later is not tomorrow's.
    back = timedelta(hours=1) if timezone.localtime().hour == 23 else timedelta(0)
    PageView.objects.update(at=F("at") - back)
    later = PageView.objects.filter(path="/privacy/").get()
    later.at = timezone.now() - back + timedelta(minutes=31)
    later.save()
    client = console(web_editor)
    html = client.get("/staff/web/").content.decode()
    assert "<strong>2</strong> unique visitors" in html and "<strong>3</strong> page views" in html
    assert "Entry pages" in html and "Unique visitors per day" in html
    assert "<td>newsletter</td><td>email</td><td>fall</td><td>1</td><td>1</td>" in html
    today = timezone.localdate()
    csv_text = client.get("/staff/web/", {"since": today, "until": today, "format": "csv"}).content.decode()
    assert f"visitors,{today.isoformat()},2" in csv_text
    assert "entry_pages,/,1" in csv_text and "entry_pages,/privacy/,1" in csv_text
    assert "entry_pages,/contact/,1" in csv_text
    assert "campaign,newsletter / email / fall,1" in csv_text
