"""The privacy officer's access review: the latest events first without asking, a page at a time, filtered by
staff member (by name), customer, purpose, decision and dates, downloadable as CSV; and the unusual-access
flags open their events and can be marked reviewed with a note, which the access log records."""

import csv
import io
import re
import time
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from custodian.audit import events
from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import CHANGE_LABELS
from custodian.console import privacy_views
from custodian.incidents import selectors as flags
from custodian.incidents.models import FlagReview
from custodian.testing import read_event
from custodian.testing.connect import REGISTRATION, apps_authorised, apps_read

DAY_NS = 86_400 * 10**9
SOLAR = REGISTRATION["purpose"]


def _read_names(console, clerk, customer, times=1):
    client = console(clerk)
    for _ in range(times):
        client.post(f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"})


def test_the_review_starts_with_the_latest_events_in_words(console, privacy_officer, billing_clerk, customer):
    _read_names(console, billing_clerk, customer)
    html = console(privacy_officer).get("/staff/privacy/access/").content.decode()
    assert "bill.clerk" in html and "Billing" in html and "Allowed" in html
    console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name", "email"], "purpose": "billing"}
    )
    html = console(privacy_officer).get("/staff/privacy/access/").content.decode()
    assert "E-mail address" in html and not re.search(r"<td>[^<]*\bemail\b", html, re.IGNORECASE), html
    assert "No events" not in html


def test_filters_by_staff_member_by_name_and_pages(
    console, privacy_officer, billing_clerk, service_rep, customer, monkeypatch
):
    _read_names(console, billing_clerk, customer, times=3)
    officer = console(privacy_officer)
    form = officer.get("/staff/privacy/access/").content.decode()
    assert f'<option value="{billing_clerk.pk}">Bill Hanson</option>' in form  # by name, not by number
    mine = officer.get("/staff/privacy/access/", {"staff": billing_clerk.pk}).content.decode()
    assert "bill.clerk" in mine and "cora.service" not in mine
    monkeypatch.setattr(privacy_views, "ACCESS_PAGE", 2)
    first = officer.get("/staff/privacy/access/", {"staff": billing_clerk.pk}).content.decode()
    assert 'aria-label="Page 2"' in first and "1–2 of" in first
    second = officer.get("/staff/privacy/access/", {"staff": billing_clerk.pk, "page": 2}).content.decode()
    assert "3–" in second
    refused = officer.get("/staff/privacy/access/", {"actor_id": "3"})
    assert refused.status_code == 400 and "Say who the number is" in refused.content.decode()
    none = officer.get("/staff/privacy/access/", {"staff": billing_clerk.pk, "decision": "deny"})
    assert "No events match these filters" in none.content.decode()


def test_the_filtered_events_download_as_csv(console, privacy_officer, billing_clerk, customer):
    _read_names(console, billing_clerk, customer)
    response = console(privacy_officer).get(
        "/staff/privacy/access/", {"staff": billing_clerk.pk, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["position", "when", "who"]
    assert rows[1][2] == "bill.clerk" and rows[1][7] == "billing" and rows[1][10] == str(customer.pk)
    assert all(r[2] == "bill.clerk" for r in rows[1:])


def test_a_flag_opens_its_events_and_is_marked_reviewed_with_a_note(
    console, privacy_officer, billing_clerk, customer, monkeypatch
):
    _read_names(console, billing_clerk, customer)
    monkeypatch.setattr(flags, "UNUSUAL_DISTINCT_CUSTOMERS", 1)
    officer = console(privacy_officer)
    page = officer.get("/staff/privacy/").content.decode()
    assert f"/staff/privacy/access/?staff={billing_clerk.pk}&amp;since=" in page
    assert "Mark reviewed" in page
    flag = {"kind": "read many customers one at a time without a request", "actor_kind": "staff"}
    flag["actor_id"] = str(billing_clerk.pk)
    empty = officer.post("/staff/privacy/flags/review/", {**flag, "note": " "}, follow=True)
    assert "say what the review found" in empty.content.decode().lower()
    assert not FlagReview.objects.exists()
    done = officer.post(
        "/staff/privacy/flags/review/", {**flag, "note": "The October bill run's exceptions."}, follow=True
    ).content.decode()
    assert "marked reviewed" in done and "Reviewed</strong> by Priya Halvorsen" in done
    assert "The October bill run&#x27;s exceptions." in done and "Mark reviewed" not in done
    event = AccessEvent.objects.filter(action="flag_reviewed").get()
    assert event.actor_label == "priya.privacy" and "bill.clerk" in event.reason
    # A review stands for the reads it saw: more of them after it raise the flag again.
    FlagReview.objects.update(count=0)
    assert "Mark reviewed" in officer.get("/staff/privacy/").content.decode()


def _read_on(customer, days_ago: int, label: str, purpose: str, monkeypatch):
    """An access event `days_ago` days back: `label` read the customer's name for `purpose`."""
    at_ns = time.time_ns() - days_ago * DAY_NS
    with monkeypatch.context() as m:
        m.setattr(events, "time", SimpleNamespace(time_ns=lambda: at_ns))
        events.append_events([read_event(customer.pk, actor_label=label, purpose=purpose)])


def test_filters_by_dates_and_by_purpose(console, privacy_officer, customer, monkeypatch):
    _read_on(customer, 10, "ten.days.ago", "billing", monkeypatch)
    _read_on(customer, 3, "three.days.ago", "billing", monkeypatch)
    _read_on(customer, 0, "today.reader", "contacting_customers", monkeypatch)
    officer = console(privacy_officer)
    today = timezone.localdate()

    def readers(**filters) -> set[str]:
        html = officer.get("/staff/privacy/access/", {"customer_id": customer.pk, **filters}).content.decode()
        return {r for r in ("ten.days.ago", "three.days.ago", "today.reader") if r in html}

    assert readers() == {"ten.days.ago", "three.days.ago", "today.reader"}
    week_ago, yesterday = today - timedelta(days=7), today - timedelta(days=1)
    assert readers(since=week_ago) == {"three.days.ago", "today.reader"}
    assert readers(until=week_ago) == {"ten.days.ago"}
    assert readers(since=week_ago, until=yesterday) == {"three.days.ago"}
    assert readers(until=today) == {"ten.days.ago", "three.days.ago", "today.reader"}  # the whole last day
    assert readers(purpose="billing") == {"ten.days.ago", "three.days.ago"}
    assert readers(purpose="contacting_customers") == {"today.reader"}
    assert readers(purpose="billing", since=week_ago) == {"three.days.ago"}


def test_an_apps_read_is_told_by_the_customers_authorisation_as_she_reads_it(
    console, privacy_officer, customer
):
    """The review tells an app's read as the customer's "who has seen or changed my data" does: by her
    authorisation and the purpose she authorised the app for, not the utility's purpose the gate let it read
    under."""
    apps_read(customer, apps_authorised(customer), 6)
    review = console(privacy_officer).get("/staff/privacy/access/", {"customer_id": customer.pk}).content
    reads = re.findall(r'<tr id="event-\d+">(.*?)</tr>', review.decode().replace("&#x27;", "'"), re.S)
    apps = [r for r in reads if "Third party" in r]
    assert len(apps) == 6
    for read in apps:
        assert "Your authorization in My account, given on" in read and f"for: {SOLAR}" in read
        assert "Providing or improving utility services" not in read


def test_reading_the_log_is_itself_in_the_log(console, privacy_officer, billing_clerk, customer):
    """Who watches is watched: each page of the review and each download is an event, for the customer it
    was filtered to (who sees it in "who has seen or changed my data"), naming the filters and not a value."""
    _read_names(console, billing_clerk, customer, times=2)
    officer = console(privacy_officer)
    officer.get("/staff/privacy/access/", {"customer_id": customer.pk})
    page = AccessEvent.objects.get(action=Action.ACCESS_LOG_REVIEWED)
    assert page.actor_label == "priya.privacy" and page.customer_id == str(customer.pk)
    assert page.reason == f"page 1; filters: customer_id {customer.pk}"

    file = officer.get("/staff/privacy/access/", {"customer_id": customer.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(file.content.decode())))[1:]
    download = AccessEvent.objects.get(action=Action.ACCESS_LOG_DOWNLOADED)
    assert download.customer_id == str(customer.pk)
    assert download.reason == f"downloaded {len(rows)} events; filters: customer_id {customer.pk}"
    assert str(download.seq) not in {r[0] for r in rows}  # a file never holds its own event
    assert Action.ACCESS_LOG_REVIEWED in CHANGE_LABELS and Action.ACCESS_LOG_DOWNLOADED in CHANGE_LABELS

    officer.get("/staff/privacy/access/")
    unfiltered = AccessEvent.objects.filter(action=Action.ACCESS_LOG_REVIEWED).order_by("-seq").first()
    assert not unfiltered.customer_id and unfiltered.reason == "page 1; filters: none"
