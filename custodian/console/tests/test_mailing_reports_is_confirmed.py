"""Mailing the comparison letters sends every home's name, address and report to a vendor: the console asks
first, on a page saying what leaves and for whom, and only the confirmed POST starts the run."""

from unittest import mock

from custodian.console import report_views
from custodian.testing import vendor_with_determination
from custodian.usage.models import ReportRun


def test_compute_and_mail_asks_first_and_only_the_confirmed_post_starts_the_run(console, privacy_officer):
    vendor, _ = vendor_with_determination(
        function="report_mailing", officer=privacy_officer, name="Letters Inc"
    )
    client = console(privacy_officer)
    asked = client.post("/staff/reports/", {"mail_vendor": str(vendor.pk)})
    page = asked.content.decode()
    assert asked.status_code == 200 and "send every home&#x27;s letter to Letters Inc?" in page
    assert "name, mailing address and comparison report" in page and 'name="confirmed" value="1"' in page
    assert f'name="mail_vendor" value="{vendor.pk}"' in page and not ReportRun.objects.exists()
    with mock.patch.object(report_views, "report_run_request", wraps=report_views.report_run_request) as run:
        done = client.post("/staff/reports/", {"mail_vendor": str(vendor.pk), "confirmed": "1"})
    assert done.status_code == 302 and run.call_args.kwargs["mail_vendor"] == vendor
    assert ReportRun.objects.get().mail_vendor == vendor


def test_computing_without_mailing_sends_nothing_and_needs_no_confirmation(console, field_tech):
    with mock.patch.object(report_views, "report_run_request") as run:
        assert console(field_tech).post("/staff/reports/").status_code == 302
    assert run.call_args.kwargs == {"requested_by": field_tech, "mail_vendor": None}


def test_a_vendor_the_page_does_not_offer_is_drawn_again_with_400_and_starts_nothing(
    console, privacy_officer
):
    """Priya sends a vendor the page's choice does not offer (none of report mailing with a determination):
    the page is drawn again with 400 and what letters need, and no run starts."""
    vendor_with_determination(function="report_mailing", officer=privacy_officer, name="Letters Inc")
    drawn = console(privacy_officer).post("/staff/reports/", {"mail_vendor": "999999", "confirmed": "1"})
    assert drawn.status_code == 400 and "Letters go only to a report-mailing vendor" in drawn.content.decode()
    assert not ReportRun.objects.exists()
