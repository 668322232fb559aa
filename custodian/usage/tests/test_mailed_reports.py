"""The neighbour comparison for mail: a PDF per home whose group may be shown, generated in bulk and sent
through the report-mailing vendor's export (a current determination, only name, mailing address and the
report, every recipient accounted for)."""

import base64
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from custodian.customers.models import Customer
from custodian.demo.services import demo_customers_ensure, demo_intervals_ensure
from custodian.disclosures.exports import NothingToSend, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.testing import export_rows, make_vendor
from custodian.usage.comparison import ComparisonData
from custodian.usage.inputs import comparison_inputs
from custodian.usage.mailing import with_a_comparison
from custodian.usage.models import PeerGroupMonth
from custodian.usage.services import store_group_aggregates
from custodian.vault.export_crypto import new_vendor_keypair


@pytest.fixture
def neighbourhood(db):
    """20 demo homes with hourly readings, peer groups computed, and one home left out of any group."""

    demo_customers_ensure(count=60, seed=5)
    demo_intervals_ensure(count=60, seed=5)
    data = comparison_inputs()
    # One group for the test: every eligible home in one ZIP / type / fuel / size band.
    premises = [(p[0], p[1], "single_family", "gas", "55060", 1500, *p[6:]) for p in data.premises]
    store_group_aggregates(ComparisonData(premises, data.monthly, monthly_use=data.monthly_use))
    return data


def test_reports_go_to_the_report_mailing_vendor_as_addressed_pdfs(neighbourhood, privacy_officer):
    keys = new_vendor_keypair()
    vendor = make_vendor("report_mailing", keys, privacy_officer)
    export = vendor_export_run_with_progress(vendor, privacy_officer)
    rows = export_rows(export, keys[0])
    assert rows and set(rows[0]) == {
        "customer_ref",
        "name",
        "mailing_address",
        "report_month",
        "report_pdf_base64",
        "statement_of_disagreement",
    }
    eligible = {p[0] for p in neighbourhood.premises if p[1] == "residential" and not (p[6] or p[7] or p[8])}
    assert {int(r["customer_ref"]) for r in rows} <= eligible
    sample = rows[0]
    text = PdfReader(io.BytesIO(base64.b64decode(sample["report_pdf_base64"]))).pages[0].extract_text()
    assert sample["name"].split()[0] in text and "Your home energy report for" in text
    words = " ".join(text.split())
    assert "similar homes nearby" in words and "Tips for you" in words and "$" in words
    # Every customer in the file is in the accounting of disclosures, under the vendor's determination.
    entries = DisclosureEntry.objects.filter(recipient_name=vendor.name)
    assert sorted(int(e.customer_id) for e in entries) == sorted(int(r["customer_ref"]) for r in rows)
    assert {e.categories for e in entries} == {"mailing_address,meter_usage,name"}


def test_each_letter_is_in_the_language_the_customer_keeps(neighbourhood, privacy_officer):
    keys = new_vendor_keypair()
    vendor = make_vendor("report_mailing", keys, privacy_officer)
    spanish = sorted(with_a_comparison([p[0] for p in neighbourhood.premises]))[0]
    Customer.objects.filter(pk=spanish).update(language="es")
    rows = {
        int(r["customer_ref"]): r
        for r in export_rows(vendor_export_run(vendor=vendor, requested_by=privacy_officer), keys[0])
    }
    assert spanish in rows and len(rows) > 1

    def words(row):
        return " ".join(
            PdfReader(io.BytesIO(base64.b64decode(row["report_pdf_base64"]))).pages[0].extract_text().split()
        )

    assert "Su informe de energía del hogar de" in words(rows[spanish]) and "Consejos para usted" in words(
        rows[spanish]
    )
    assert "Your home energy report for" not in words(rows[spanish])
    english = next(cid for cid in rows if cid != spanish)
    assert "Your home energy report for" in words(rows[english]) and "Tips for you" in words(rows[english])


def vendor_export_run_with_progress(vendor, officer):
    seen = []
    export = vendor_export_run(vendor=vendor, requested_by=officer, batch=7, progress=seen.append)
    assert sum(seen) >= export.rows and len(seen) > 1  # progress in batches
    return export


def test_a_home_whose_group_may_not_be_shown_gets_no_report(neighbourhood, privacy_officer):
    PeerGroupMonth.objects.all().delete()
    keys = new_vendor_keypair()
    vendor = make_vendor("report_mailing", keys, privacy_officer)
    # Nobody to send a report to: no export is recorded (nor a file written, nor anyone accounted).
    with pytest.raises(NothingToSend, match="no customer has a report to send"):
        vendor_export_run(vendor=vendor, requested_by=privacy_officer)
    assert not VendorExport.objects.exists() and not DisclosureEntry.objects.exists()


def test_bulk_generation_mails_every_report_from_one_command(db, privacy_officer, capsys):
    demo_customers_ensure(count=40, seed=6)
    demo_intervals_ensure(count=40, seed=6)
    keys = new_vendor_keypair()
    vendor = make_vendor("report_mailing", keys, privacy_officer)
    call_command("comparison_reports", "--no-progress", "--mail-to", str(vendor.pk), "--by", "priya.privacy")
    out = capsys.readouterr().out
    # 40 demo homes spread over many small groups: none may be shown, so no report leaves and no export is
    # recorded.
    assert f"Nothing to send to {vendor.name}: no customer has a report to send: no export recorded" in out
    assert not VendorExport.objects.exists()
    with pytest.raises(Exception, match="no report-mailing vendor"):
        call_command("comparison_reports", "--no-progress", "--mail-to", "999999", "--by", "priya.privacy")
