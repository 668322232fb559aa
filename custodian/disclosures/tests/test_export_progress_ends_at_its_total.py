"""An export's progress bar counts the customers the export goes through, and its total is the export's own:
the bar ends at 100 % when the file is written, never short of it and never past it. The command used to
guess the total beforehand (every customer on file, or the numbers typed), so the bill-mailing export run
again, once the bills were sent, showed 0 of every customer, and a list naming a customer twice never
reached its end.

Personas: Priya, the privacy officer, running the exports from the command line: the bills of three homes
in Ostby to Prairie Print & Mail (once, after a run that died midway, and once more with nothing left to
send: it says so, and records no export and writes no file, from the command line and from the console),
and a planned-outage notice to two of the homes, one of them named twice."""

import io

import pytest
from django.core.management import call_command

from custodian.billing.mailing import BILL_MAILING
from custodian.disclosures import exports
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.testing import vendor_with_determination
from custodian.testing.progress import bars_drawn, ended_at_its_total


@pytest.fixture
def bar(monkeypatch):
    return bars_drawn(monkeypatch)


def exported(vendor, *args) -> str:
    out = io.StringIO()
    call_command("vendor_export", "--vendor", str(vendor.pk), "--by", "priya.privacy", *args, stdout=out)
    return out.getvalue()


def test_the_bills_after_a_run_that_died_and_once_more_with_nothing_to_send(
    town, privacy_officer, bar, monkeypatch
):
    vendor, _ = vendor_with_determination(
        function=BILL_MAILING, officer=privacy_officer, name="Prairie Print & Mail", days=365
    )
    real, chunks = exports.statements_for_export, []

    def dies_on_the_second_chunk(**kwargs):
        chunks.append(1)
        if len(chunks) == 2:
            raise RuntimeError("killed")
        return real(**kwargs)

    monkeypatch.setattr(exports, "statements_for_export", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError, match="killed"):
        exported(vendor, "--batch", "1")
    assert VendorExport.objects.get().status == "running" and bar[0].n == 1

    monkeypatch.setattr(exports, "statements_for_export", real)
    assert "done: 6 bills for 3 customers," in exported(vendor, "--batch", "1")
    assert ended_at_its_total(bar[1], 3)
    assert DisclosureEntry.objects.filter(recipient_name=vendor.name).count() == 3

    # Every bill is sent: the next run says there is nothing to send, shows no bar, and records no export and
    # writes no file.
    files = sorted(p.name for p in exports.export_dir().iterdir())
    assert exported(vendor) == (
        "Nothing to send to Prairie Print & Mail: every bill is sent already: no export recorded, no file "
        "written.\n"
    )
    assert len(bar) == 2
    assert VendorExport.objects.filter(status="done").count() == 1
    assert sorted(p.name for p in exports.export_dir().iterdir()) == files
    assert DisclosureEntry.objects.filter(recipient_name=vendor.name).count() == 3


def test_the_console_says_there_is_nothing_to_send(town, privacy_officer, console):
    vendor, _ = vendor_with_determination(
        function=BILL_MAILING, officer=privacy_officer, name="Prairie Print & Mail", days=365
    )
    exports.vendor_export_run(vendor=vendor, requested_by=privacy_officer)
    url = f"/staff/privacy/disclosures/vendors/{vendor.pk}/export/"
    page = console(privacy_officer).post(url, {"confirmed": "1"}, follow=True).content.decode()
    said = "Nothing to send to Prairie Print &amp; Mail: every bill is sent already: no export recorded."
    assert said in page
    assert VendorExport.objects.count() == 1


def test_a_customer_named_twice_is_counted_once(town, privacy_officer, bar):
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer)
    named = f"{town[0].pk},{town[1].pk},{town[0].pk}"
    said = exported(vendor, "--mailing", "A planned outage notice", "--customers", named)
    assert "done: 2 customers," in said
    assert ended_at_its_total(bar[0], 2)


def test_the_service_tells_its_total_before_it_counts(town, privacy_officer):
    vendor, _ = vendor_with_determination(
        function=BILL_MAILING, officer=privacy_officer, name="Prairie Print & Mail", days=365
    )
    told, counted = [], []
    export = exports.vendor_export_run(
        vendor=vendor,
        requested_by=privacy_officer,
        batch=2,
        progress=lambda n: counted.append((len(told), n)),
        progress_total=told.append,
    )
    assert told == [export.customers] == [3]
    assert [n for _, n in counted] == [2, 1] and all(after == 1 for after, _ in counted)
