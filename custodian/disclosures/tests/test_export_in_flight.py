"""On PostgreSQL, outside a caller's transaction, an export reads two chunks at once and enters its
accounting on a connection of its own as it writes: the same file, in the same order, as one chunk after
another; every customer in the file logged and accounted for; and a chunk that fails leaves no accounting
entry and no finished file, and a re-run completes the export."""

import pytest
from django.db import transaction

import custodian.disclosures.exports as exports
from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.disclosures.exports import export_dir, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, VendorExport
from custodian.disclosures.services.accounting import disclosure_entries_record
from custodian.staff.services import staff_member_create
from custodian.testing import export_text, postgres_only, vendor_with_determination
from custodian.vault.services import Submission, personal_data_record_many

NOTICE = "A notice of a planned outage"


@pytest.fixture
def mailing_list():
    """Seventeen customers with names and mailing addresses, committed (no test transaction around them),
    a privacy officer and a mailing vendor with a current determination."""
    customers = Customer.objects.bulk_create([Customer(customer_class="residential") for _ in range(17)])
    personal_data_record_many(
        items=[
            (c.pk, {"name": f"Neighbour {i}", "mailing_address": f"{i} Elm Street, Owatonna, MN 55060"})
            for i, c in enumerate(customers)
        ],
        submission=Submission(channel="paper", notice_key="account_application"),
    )
    officer = staff_member_create(
        username="po", password="p" * 16, full_name="Pat Ortiz", services=["privacy_officer"]
    )
    vendor, private = vendor_with_determination(function="mailing", officer=officer, name="Acme Mailing")
    return [c.pk for c in customers], officer, vendor, private


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_chunks_in_flight_write_the_file_one_chunk_at_a_time_would(mailing_list):
    ids, officer, vendor, private = mailing_list
    together = vendor_export_run(
        vendor=vendor, requested_by=officer, batch=3, mailing=NOTICE, customer_ids=ids
    )
    assert together.status == "done" and together.rows == 17
    lines = export_text(together, private).splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [str(c) for c in ids]  # in order, each once
    assert sorted(DisclosureEntry.objects.values_list("customer_id", flat=True)) == ids
    logged = AccessEvent.objects.filter(action="vendor_export").values_list("customer_id", flat=True)
    assert sorted(int(c) for c in logged) == ids
    with transaction.atomic():  # inside a transaction: one chunk after another on its connection
        alone = vendor_export_run(
            vendor=vendor, requested_by=officer, batch=3, mailing=NOTICE, customer_ids=ids
        )
    assert export_text(alone, private).splitlines() == lines
    assert DisclosureEntry.objects.count() == 34


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_chunk_failing_in_flight_leaves_no_entries_and_a_re_run_completes(mailing_list, monkeypatch):
    ids, officer, vendor, private = mailing_list
    real, calls = exports.statements_for_export, {"n": 0}

    def fails_on_the_fourth_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("killed")
        return real(**kwargs)

    monkeypatch.setattr(exports, "statements_for_export", fails_on_the_fourth_chunk)
    with pytest.raises(KeyboardInterrupt):
        vendor_export_run(vendor=vendor, requested_by=officer, batch=3, mailing=NOTICE, customer_ids=ids)
    failed = VendorExport.objects.get()
    assert failed.status == "running" and not (export_dir() / failed.file_name).exists()
    assert not DisclosureEntry.objects.exists()
    assert not DisclosureRequest.objects.filter(outcome="disclosed").exists()

    monkeypatch.setattr(exports, "statements_for_export", real)
    done = vendor_export_run(vendor=vendor, requested_by=officer, batch=3, mailing=NOTICE, customer_ids=ids)
    failed.refresh_from_db()
    assert failed.status == "failed" and done.status == "done" and done.rows == 17
    assert sorted(DisclosureEntry.objects.values_list("customer_id", flat=True)) == ids


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_accounting_entry_that_cannot_be_entered_fails_the_export(mailing_list, monkeypatch):
    """The entries' foreign keys are checked as they go in: an entry for no customer fails the export before
    it is marked done, and nothing of it is entered."""
    ids, officer, vendor, _ = mailing_list
    monkeypatch.setattr(exports, "reveal_many", lambda **kw: {c: {} for c in kw["customer_ids"]})
    with pytest.raises(Exception, match="foreign key"):
        vendor_export_run(
            vendor=vendor, requested_by=officer, customer_ids=[*ids, max(ids) + 1000], batch=5, mailing=NOTICE
        )
    export = VendorExport.objects.get()
    assert export.status == "running" and not DisclosureEntry.objects.exists()
    # Refused before the file was finished: no file under its own name, no manifest.
    assert not (exports.export_dir() / export.file_name).exists()
    assert not (exports.export_dir() / f"{export.file_name}.manifest.json").exists()


def test_an_entry_keeps_tabs_line_breaks_and_backslashes_as_given(db, customer, privacy_officer):
    disclosure_entries_record(
        customer_ids=[customer.pk],
        recipient_name="Tab\tand\\back",
        recipient_address="Line one\nLine two\r\nC:\\mail",
        categories=["name"],
        purpose="mailing",
        basis_kind="vendor_determination",
        basis_ref="determination 1",
        approved_by=privacy_officer,
    )
    entry = DisclosureEntry.objects.get()
    assert entry.recipient_name == "Tab\tand\\back"
    assert entry.recipient_address == "Line one\nLine two\r\nC:\\mail"
    assert entry.approved_by_id == privacy_officer.pk
