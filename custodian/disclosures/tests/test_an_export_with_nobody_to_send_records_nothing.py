"""An export with nobody to send to records nothing, as a bill-mailing export with every bill sent already: no
export, no file, no disclosure and no accounting entry, and the member of staff who ran it is told in words
why nobody was sent, by the service, the command line and the console (a message, not an error).

Personas: Priya, the privacy officer, running a marketing mailing when every customer opted out of marketing
(Alice and Bob both did), and mailing the neighbour comparisons when no home has a comparison to mail (none
was computed yet, or none could be drawn)."""

import io

import pytest
from django.core.management import call_command

from custodian.disclosures import exports
from custodian.disclosures.exports import REPORT_MAILING, ExportRows, NothingToSend, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, VendorExport
from custodian.testing import make_vendor
from custodian.usage.models import ReportRun
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.services import Submission, marketing_preference_set

OPTED_OUT = (
    "Nothing to send to {name}: every customer opted out of marketing or gave their details under a notice "
    "that did not name it: no export recorded"
)
NO_REPORT = "Nothing to send to {name}: no customer has a report to send: no export recorded"


@pytest.fixture(autouse=True)
def _files_before():
    """The export folder is shared by the tests of a run: what another test wrote there is not ours."""
    global FILES_BEFORE
    FILES_BEFORE = set(exports.export_dir().iterdir())


FILES_BEFORE: set = set()


def nothing_recorded() -> bool:
    return (
        not VendorExport.objects.exists()
        and not DisclosureEntry.objects.exists()
        and not DisclosureRequest.objects.filter(outcome="disclosed").exists()
        and set(exports.export_dir().iterdir()) == FILES_BEFORE
    )


@pytest.fixture
def everyone_opted_out(customer, other_customer, privacy_officer):
    for who in (customer, other_customer):
        marketing_preference_set(
            customer=who, opted_out=True, submission=Submission(channel="portal", notice_key="portal_profile")
        )
    return make_vendor("mailing", new_vendor_keypair(), privacy_officer)


@pytest.fixture
def report_vendor(customer, privacy_officer):
    return make_vendor(REPORT_MAILING, new_vendor_keypair(), privacy_officer)


def test_a_marketing_mailing_to_nobody_records_nothing_and_says_why(everyone_opted_out, privacy_officer):
    with pytest.raises(NothingToSend) as refused:
        vendor_export_run(vendor=everyone_opted_out, requested_by=privacy_officer, for_marketing=True)
    assert refused.value.told() == OPTED_OUT.format(name=everyone_opted_out.name) + ", no file written."
    assert nothing_recorded()


def test_the_command_line_says_so_without_an_error(everyone_opted_out):
    out = io.StringIO()
    args = ["--vendor", str(everyone_opted_out.pk), "--by", "priya.privacy", "--marketing"]
    call_command("vendor_export", *args, stdout=out)
    assert out.getvalue() == OPTED_OUT.format(name=everyone_opted_out.name) + ", no file written.\n"
    assert nothing_recorded()


def test_the_disclosure_desk_says_so_as_a_message(everyone_opted_out, privacy_officer, console):
    url = f"/staff/privacy/disclosures/vendors/{everyone_opted_out.pk}/export/"
    sent = {"confirmed": "1", "for_marketing": "on"}
    page = console(privacy_officer).post(url, sent, follow=True).content.decode()
    assert OPTED_OUT.format(name=everyone_opted_out.name) + "." in page
    assert "Export refused" not in page
    assert nothing_recorded()


def test_mailing_the_comparisons_with_no_home_to_mail_records_nothing(report_vendor, privacy_officer):
    with pytest.raises(NothingToSend, match="no customer has a report to send"):
        vendor_export_run(vendor=report_vendor, requested_by=privacy_officer)
    assert nothing_recorded()


def test_homes_whose_report_could_not_be_drawn_leave_nothing_recorded(
    report_vendor, privacy_officer, customer, monkeypatch
):
    """Eligible, yet no row made: the export begun is taken back whole, its file with it."""
    drawn = exports.rows_of_function(REPORT_MAILING)
    none_drawn = ExportRows(
        header=drawn.header, eligible=lambda ids: ids, rows=lambda **_: [], row_words=drawn.row_words
    )
    monkeypatch.setitem(exports._ROWS, REPORT_MAILING, none_drawn)
    with pytest.raises(NothingToSend, match="no customer has a report to send"):
        vendor_export_run(vendor=report_vendor, requested_by=privacy_officer)
    assert nothing_recorded()


def test_the_comparison_command_says_so_without_an_error(report_vendor):
    out = io.StringIO()
    call_command(
        "comparison_reports", "--mail-to", str(report_vendor.pk), "--by", "priya.privacy", stdout=out
    )
    assert out.getvalue().endswith(NO_REPORT.format(name=report_vendor.name) + ", no file written.\n")
    assert nothing_recorded()


def test_the_console_s_report_run_is_done_and_says_nobody_was_mailed(report_vendor, privacy_officer, console):
    client = console(privacy_officer)
    client.post("/staff/reports/", {"mail_vendor": str(report_vendor.pk), "confirmed": "1"})
    run = ReportRun.objects.get()
    assert run.status == "done" and run.export is None
    assert run.summary.endswith("; no letters mailed. " + NO_REPORT.format(name=report_vendor.name) + ".")
    page = client.get("/staff/reports/").content.decode()
    assert "no letters mailed. " + NO_REPORT.format(name=report_vendor.name).replace("&", "&amp;") in page
    assert nothing_recorded()
