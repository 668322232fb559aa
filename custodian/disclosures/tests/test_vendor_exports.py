"""Vendor exports: no transfer without a current determination; only the function's categories (checked
by decrypting the file); pseudonyms where identity isn't needed; marketing mail leaves opted-out customers
out; every customer in the file is accounted for; results are re-identified only inside Custodian."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from custodian.disclosures.exports import (
    ExportInProgress,
    ExportRefused,
    export_dir,
    reidentify,
    vendor_export_run,
)
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, VendorExport
from custodian.disclosures.services import AccountingError, vendor_determine, vendor_register, vendor_revoke
from custodian.disclosures.services.accounting import Accounting
from custodian.testing import determination_approved, export_rows, mailing_to, make_vendor
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.services import Submission, marketing_preference_set

TODAY = timezone.localdate()
RATIONALE = "Mailing bills and safety notices promptly keeps service safe and reliable for the public."


@pytest.fixture
def keys():
    return new_vendor_keypair()


def test_the_mailing_vendor_gets_name_and_mailing_address_and_nothing_else(
    keys, privacy_officer, customer, other_customer
):
    export = vendor_export_run(
        requested_by=privacy_officer,
        vendor=make_vendor("mailing", keys, privacy_officer),
        **mailing_to(customer, other_customer),
    )
    rows = export_rows(export, keys[0])
    assert set(rows[0]) == {"customer_ref", "name", "mailing_address", "statement_of_disagreement"}
    assert {r["name"] for r in rows} == {"Alice Anderson", "Bob Brandt"}
    raw = (export_dir() / export.file_name).read_bytes()
    assert b"Alice" not in raw
    assert DisclosureEntry.objects.filter(basis_kind="vendor_determination").count() == 2
    manifest = json.loads((export_dir() / f"{export.file_name}.manifest.json").read_text())
    assert manifest["rows"] == 2 and manifest["sha256"] == export.sha256


def test_the_consumption_report_vendor_never_gets_names(keys, privacy_officer, customer, other_customer):
    vendor = make_vendor("consumption_reports", keys, privacy_officer)
    export = vendor_export_run(requested_by=privacy_officer, vendor=vendor)
    rows = export_rows(export, keys[0])
    assert set(rows[0]) == {
        "pseudonym",
        "meter_usage",
        "peer_group",
        "statement_of_disagreement",
    }
    text = json.dumps(rows)
    assert (
        "Alice" not in text
        and "Elm Street" not in text
        and str(customer.pk) not in {r["pseudonym"] for r in rows}
    )
    back = reidentify(vendor=vendor, pseudonyms=[r["pseudonym"] for r in rows] + ["forged"])
    assert sorted(back.values()) == sorted([customer.pk, other_customer.pk])
    other_vendor = make_vendor("consumption_reports", new_vendor_keypair(), privacy_officer)
    assert reidentify(vendor=other_vendor, pseudonyms=list(back)) == {}


def test_marketing_mail_leaves_out_opted_out_customers(keys, privacy_officer, customer, other_customer):
    marketing_preference_set(
        customer=other_customer,
        opted_out=True,
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    export = vendor_export_run(
        requested_by=privacy_officer, vendor=make_vendor("mailing", keys, privacy_officer), for_marketing=True
    )
    assert [r["name"] for r in export_rows(export, keys[0])] == ["Alice Anderson"]
    assert list(DisclosureEntry.objects.values_list("customer_id", flat=True)) == [customer.pk]


def test_no_transfer_without_a_current_determination(keys, privacy_officer, customer):
    vendor = make_vendor("mailing", keys, privacy_officer, determine=False)
    with pytest.raises(ExportRefused, match="no current determination"):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor)
    determination_approved(
        vendor=vendor, officer=privacy_officer, rationale=RATIONALE, review_by=TODAY + timedelta(days=1)
    )
    assert (
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer)).status
        == "done"
    )
    # Determinations are append-only: one lapses when its review date passes.
    with (
        mock.patch(
            "custodian.disclosures.services.vendors.timezone.localdate",
            return_value=TODAY + timedelta(days=2),
        ),
        pytest.raises(ExportRefused, match="no current determination"),
    ):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    vendor_revoke(vendor=vendor, revoked_by=privacy_officer)
    with pytest.raises(ExportRefused, match="revoked"):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    assert DisclosureRequest.objects.filter(outcome="refused").count() == 3


def test_only_the_privacy_officer_determines(keys, billing_clerk, privacy_officer):
    vendor = make_vendor("mailing", keys, privacy_officer, determine=False)
    with pytest.raises(AccountingError, match="privacy officer"):
        vendor_determine(
            vendor=vendor, decided_by=billing_clerk, rationale=RATIONALE, review_by=TODAY + timedelta(days=9)
        )


def test_a_tampered_or_truncated_file_does_not_decrypt(keys, privacy_officer, customer):
    export = vendor_export_run(
        requested_by=privacy_officer,
        vendor=make_vendor("mailing", keys, privacy_officer),
        batch=1,
        **mailing_to(customer),
    )
    path = export_dir() / export.file_name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(Exception):  # noqa: B017 (InvalidTag or a cut-short error: either way, refused)
        export_rows(export, keys[0])


def test_an_unfinished_export_is_cleaned_up_before_the_next(keys, privacy_officer, customer, monkeypatch):
    vendor = make_vendor("mailing", keys, privacy_officer)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Accounting, "record", crash)
    with pytest.raises(KeyboardInterrupt):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    monkeypatch.undo()
    stale = VendorExport.objects.get()
    assert stale.status == "running" and not DisclosureEntry.objects.exists()
    done = vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    stale.refresh_from_db()
    assert stale.status == "failed" and not (export_dir() / stale.file_name).exists()
    assert done.status == "done" and DisclosureEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("function", "key", "refusal"),
    [("telemarketing", "new", "vendor function"), ("mailing", "bad", "X25519")],
)
def test_vendor_registration_checks_its_inputs(keys, privacy_officer, function, key, refusal):
    public_key = keys[1] if key == "new" else "not a key"
    with pytest.raises(AccountingError, match=refusal):
        vendor_register(
            registered_by=privacy_officer,
            name="x",
            function=function,
            contact="x",
            contract_start=TODAY,
            contract_end=TODAY,
            public_key=public_key,
        )


def test_an_export_whose_accounting_fails_after_the_file_is_finished_is_failed_and_removed(
    keys, privacy_officer, customer, monkeypatch
):
    vendor = make_vendor("mailing", keys, privacy_officer)

    def refused(self, customer_ids, **kwargs):
        raise RuntimeError("the accounting could not be written")

    monkeypatch.setattr(ExportInProgress, "accounted", refused)
    with pytest.raises(RuntimeError):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    export = VendorExport.objects.get()
    assert export.status == "failed" and not DisclosureEntry.objects.exists()
    assert not (export_dir() / export.file_name).exists()
    assert not (export_dir() / f"{export.file_name}.manifest.json").exists()
