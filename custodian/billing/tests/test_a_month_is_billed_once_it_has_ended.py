"""A bill run is for a month that has ended in the utility's time zone: before then its readings are
incomplete, and its bills would be issued, charged and shown on a day that has not come. The service, the
console's form (at its cycle field) and the command all refuse it; a bill is not issued on a future day."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from custodian.billing import services
from custodian.billing.models import Bill, BillRun, LedgerEntry
from custodian.billing.runs import bill_run_request
from custodian.billing.services import BillingError, bill_run, cycle_ended_check
from custodian.testing.billing import YEAR, billing_day, household


@pytest.fixture
def home(db):
    return household(
        "Month End", "0020000555", {**YEAR, "2026-11": {"electric": 700.0, "gas": 50.0, "water": 5000.0}}
    )


def test_the_month_not_ended_is_refused_by_the_service(home, monkeypatch):
    billing_day(monkeypatch, date(2026, 11, 28))
    with pytest.raises(BillingError, match=r"^cycle: 2026-11 has not ended.*2026-12-01"):
        bill_run(cycle="2026-11")
    # its last day is not enough: the month ends at midnight
    billing_day(monkeypatch, date(2026, 11, 30))
    with pytest.raises(BillingError, match="has not ended"):
        bill_run(cycle="2026-11")
    assert not Bill.objects.exists() and not LedgerEntry.objects.exists()
    billing_day(monkeypatch, date(2026, 12, 1))
    assert bill_run(cycle="2026-11") == 1
    bill = Bill.objects.get()
    assert bill.issued_on == date(2026, 12, 1) and bill.estimated_services == ""


def test_a_bill_is_not_issued_on_a_future_day(home, monkeypatch):
    billing_day(monkeypatch, date(2026, 11, 28))
    with pytest.raises(BillingError, match=r"^issued_on: .*\(2026-12-01\)"):
        bill_run(cycle="2026-10", issued_on=date(2026, 12, 1))
    assert not Bill.objects.exists()
    assert bill_run(cycle="2026-10", issued_on=date(2026, 11, 2)) == 1


def test_the_month_ends_in_the_utility_s_time_zone(monkeypatch):
    # 03:00 UTC on December 1 is 21:00 on November 30 in Owatonna: November has not ended there.
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    assert services.utility_today() == date(2026, 11, 30)
    with pytest.raises(BillingError, match="has not ended"):
        cycle_ended_check("2026-11")
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    assert cycle_ended_check("2026-11") == "2026-11"


def test_the_command_refuses_the_month_not_ended(home, monkeypatch):
    billing_day(monkeypatch, date(2026, 11, 28))
    with pytest.raises(CommandError, match="cycle: 2026-11 has not ended"):
        call_command("bill_run", "--cycle", "2026-11", "--no-progress")
    assert not Bill.objects.exists()


def test_the_console_names_the_cycle_field_and_queues_nothing(home, billing_clerk, console, monkeypatch):
    billing_day(monkeypatch, date(2026, 11, 28))
    with pytest.raises(BillingError, match="has not ended"):
        bill_run_request(cycle="2026-11", requested_by=billing_clerk)
    response = console(billing_clerk).post("/staff/billing/", {"cycle": "2026-11"})
    page = response.content.decode()
    assert response.status_code == 400 and not BillRun.objects.exists() and not Bill.objects.exists()
    assert "Not started: 2026-11 has not ended" in page and "queued" not in page
    # the error is the cycle field's, tied to it, with the cycle as typed
    assert '<span class="usa-error-message" id="id_cycle_error">2026-11 has not ended' in page
    assert 'value="2026-11"' in page
