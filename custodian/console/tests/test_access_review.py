"""The privacy officer's access review: the latest events first without asking, a page at a time, filtered by
staff member (by name), customer, purpose, decision and dates, downloadable as CSV; and the unusual-access
flags open their events and can be marked reviewed with a note, which the access log records."""

import csv
import io

from custodian.audit.models import AccessEvent
from custodian.console import privacy_views
from custodian.incidents import selectors as flags
from custodian.incidents.models import FlagReview


def _read_names(console, clerk, customer, times=1):
    client = console(clerk)
    for _ in range(times):
        client.post(f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"})


def test_the_review_starts_with_the_latest_events_in_words(console, privacy_officer, billing_clerk, customer):
    _read_names(console, billing_clerk, customer)
    html = console(privacy_officer).get("/staff/privacy/access/").content.decode()
    assert "bill.clerk" in html and "Billing" in html and "Allowed" in html
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
