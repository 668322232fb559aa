"""Bulk generation from the console: a run in the background (django.tasks) with its progress recorded,
one run at a time, letters mailed only by the privacy officer through a vendor with a determination. Each
stage's progress ends at its own total (the homes read, then the customers the letters go to), never short
of it or past it."""

import pytest
from django.core.management import call_command

from custodian.audit.models import AccessEvent
from custodian.demo.services import demo_customers_ensure, demo_intervals_ensure
from custodian.testing import ON_POSTGRES, make_vendor
from custodian.usage.models import PeerGroupMonth, ReportRun
from custodian.usage.reports import RunRefused, report_run_request
from custodian.vault.export_crypto import new_vendor_keypair


@pytest.fixture
def town(db):
    demo_customers_ensure(count=200, seed=8)
    demo_intervals_ensure(count=200, seed=8)


def test_a_field_technician_computes_the_reports_and_sees_the_run(town, console, field_tech):
    client = console(field_tech)
    assert "Compute the reports now" in client.get("/staff/reports/").content.decode()
    assert client.post("/staff/reports/").status_code == 302
    run = ReportRun.objects.get()
    assert (run.status, run.requested_by, run.done, run.total) == ("done", field_tech, run.total, run.total)
    assert "homes compared" in run.summary and PeerGroupMonth.objects.exists()
    page = client.get("/staff/reports/").content.decode()
    assert "<progress" in page and run.summary in page
    assert "Mail the letters" not in page  # only the privacy officer sends letters


def test_the_privacy_officer_mails_the_letters_through_the_vendor(town, console, privacy_officer):
    vendor = make_vendor("report_mailing", new_vendor_keypair(), privacy_officer)
    client = console(privacy_officer)
    assert vendor.name in client.get("/staff/reports/").content.decode()
    client.post("/staff/reports/", {"mail_vendor": str(vendor.pk), "confirmed": "1"})
    run = ReportRun.objects.get()
    assert run.status == "done" and run.export is not None
    assert f"{run.export.rows} letters sent" in run.summary


def test_each_stage_of_a_run_ends_at_its_own_total(town, console, privacy_officer, monkeypatch):
    """What the console's bar shows at every save of the run: for each stage, the last count is its total."""
    vendor = make_vendor("report_mailing", new_vendor_keypair(), privacy_officer)
    shown, save = [], ReportRun.save

    def recorded(run, *args, **kwargs):
        save(run, *args, **kwargs)
        shown.append((run.stage, run.total, run.done))

    monkeypatch.setattr(ReportRun, "save", recorded)
    console(privacy_officer).post("/staff/reports/", {"mail_vendor": str(vendor.pk), "confirmed": "1"})
    run = ReportRun.objects.get()
    assert run.status == "done" and all(done <= total for _, total, done in shown)
    last = {}
    for stage, total, done in shown:
        last[stage] = (total, done)
    reading, letters = last["reading usage through the gate"], last[f"writing letters for {vendor.name}"]
    assert reading[0] == reading[1] > 0
    assert letters[0] == letters[1] == run.export.rows


def test_a_marketer_does_not_run_reports(console, marketer):
    assert console(marketer).get("/staff/reports/").status_code == 403
    assert console(marketer).post("/staff/reports/").status_code == 403
    assert not ReportRun.objects.exists()


def test_one_run_at_a_time_and_only_to_a_report_mailing_vendor(db, field_tech, privacy_officer):
    ReportRun.objects.create(requested_by=field_tech, status=ReportRun.Status.RUNNING)
    with pytest.raises(RunRefused, match="already queued or running"):
        report_run_request(requested_by=field_tech)
    ReportRun.objects.update(status=ReportRun.Status.DONE)
    mailing = make_vendor("mailing", new_vendor_keypair(), privacy_officer)
    with pytest.raises(RunRefused, match="does not mail comparison reports"):
        report_run_request(requested_by=privacy_officer, mail_vendor=mailing)


# The worker closes and reopens database connections between tasks, as it must in production. On PostgreSQL
# that ends a test's own transaction, so there the data is committed for it (a transactional test); SQLite's
# in-memory test database keeps its one connection open and can't be flushed past the append-only triggers.
@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_the_database_queue_and_its_worker_run_a_queued_run(town, field_tech, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = report_run_request(requested_by=field_tech)
    assert run.status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run.refresh_from_db()
    assert run.status == "done" and run.done == run.total > 0


def test_the_disclosure_desk_sends_report_letters_through_a_report_run(town, console, privacy_officer):
    vendor = make_vendor("report_mailing", new_vendor_keypair(), privacy_officer)
    response = console(privacy_officer).post(
        f"/staff/privacy/disclosures/vendors/{vendor.pk}/export/", {"confirmed": "1"}
    )
    assert response.status_code == 302 and response.url == "/staff/reports/"
    run = ReportRun.objects.get()
    assert run.mail_vendor == vendor and run.status == "done" and run.export.vendor == vendor


def test_the_service_checks_who_runs_and_who_mails(db, marketer, field_tech, privacy_officer):
    vendor = make_vendor("report_mailing", new_vendor_keypair(), privacy_officer)
    with pytest.raises(RunRefused, match="run reports"):
        report_run_request(requested_by=marketer)
    with pytest.raises(RunRefused, match="only the privacy officer"):
        report_run_request(requested_by=field_tech, mail_vendor=vendor)
    assert not ReportRun.objects.exists()


def test_a_run_names_who_started_it_in_the_access_log(town, console, field_tech):
    console(field_tech).post("/staff/reports/")
    reads = AccessEvent.objects.filter(actor_kind="system", actor_id="comparison_reports")
    assert reads.exists() and set(reads.values_list("on_behalf_of", flat=True)) == {"fiona.field"}
