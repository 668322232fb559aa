"""A statement of disagreement travels with the data it concerns (Minn. Stat. § 13.04 subd. 4(a)): every
vendor export whose function receives that data carries the statement beside the customer's row (the bank's
NACHA file, which has no room for it, in a second file encrypted to the bank); an export of other data does
not; the statement is read through the gate, on the record."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from custodian.audit.models import AccessEvent
from custodian.casework.corrections import disagreement_keep
from custodian.customers.models import Customer
from custodian.disclosures.exports import (
    STATEMENT_COLUMN,
    export_dir,
    statements_for_export,
    vendor_export_run,
)
from custodian.disclosures.models import VendorExport
from custodian.disclosures.tests.test_vendor_exports import keys
from custodian.outbox.services import letter_send
from custodian.payments.autopay import ach_export_run
from custodian.testing import challenge_declined, export_rows, export_text, mailing_to, make_vendor
from custodian.testing.billing import POLICY_CHANGE
from custodian.vault.services import Submission

__all__ = ["keys"]  # the fixture shared with the exports' own tests

STATEMENT = "October's reading is twice my usual use; the meter was read wrong."
PORTAL = Submission(channel="portal", notice_key="portal_request", recorded_by_label="the customer")


@pytest.fixture
def disagree(privacy_officer):
    """Dana's challenge was declined by the privacy officer; her statement of disagreement is kept with the
    data, as the portal keeps it."""

    def kept(customer, categories, statement=STATEMENT):
        request = challenge_declined(customer, by=privacy_officer, categories=categories)
        return disagreement_keep(request=request, statement=statement, submission=PORTAL)

    return kept


def test_a_pseudonymous_usage_export_carries_the_statement_on_the_customers_row(
    keys, privacy_officer, customer, other_customer, disagree
):
    disagree(customer, ["meter_usage"])
    vendor = make_vendor("consumption_reports", keys, privacy_officer)
    export = vendor_export_run(requested_by=privacy_officer, vendor=vendor)
    rows = export_rows(export, keys[0])
    carried = [r for r in rows if r[STATEMENT_COLUMN]]
    assert len(rows) == 2 and len(carried) == 1
    assert STATEMENT in carried[0][STATEMENT_COLUMN] and "Meter" in carried[0][STATEMENT_COLUMN]
    assert b"twice my usual" not in (export_dir() / export.file_name).read_bytes()
    # Read through the gate as the disclosures job, for the law's sake, on behalf of the privacy officer.
    read = AccessEvent.objects.get(
        customer_id=str(customer.pk), categories="correspondence", decision="allow"
    )
    assert read.actor_kind == "system" and read.purpose == "legal_obligations"


def test_an_export_of_other_data_does_not_carry_it(keys, privacy_officer, customer, other_customer, disagree):
    disagree(customer, ["meter_usage"])
    export = vendor_export_run(
        requested_by=privacy_officer,
        vendor=make_vendor("mailing", keys, privacy_officer),
        **mailing_to(customer, other_customer),
    )
    assert [r[STATEMENT_COLUMN] for r in export_rows(export, keys[0])] == ["", ""]


def test_a_statement_goes_only_with_the_customers_asked_for(
    privacy_officer, customer, other_customer, disagree
):
    # Bob's statement is on file; a chunk of Alice and a later customer spans his id but does not hold him.
    disagree(other_customer, ["mailing_address"], "My mailing address is the PO box, not the street.")
    later = Customer.objects.create(customer_class="residential")
    assert customer.pk < other_customer.pk < later.pk
    asked = dict(categories=["mailing_address"], requested_by=privacy_officer)
    assert statements_for_export(customer_ids=[customer.pk, later.pk], **asked) == {}
    assert list(statements_for_export(customer_ids=[customer.pk, other_customer.pk], **asked)) == [
        other_customer.pk
    ]


def test_a_printed_letter_carries_a_statement_about_the_mailing_address(
    customer, other_customer, letter_vendor, privacy_officer, disagree
):
    disagree(customer, ["mailing_address"], "My mailing address is the PO box, not the street address.")
    vendor, private_key = letter_vendor
    letter_send(
        to_customer=customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    letter_send(
        to_customer=other_customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    call_command("letters_mail", "--vendor", str(vendor.pk), "--by", privacy_officer.username)
    rows = export_rows(VendorExport.objects.get(vendor=vendor), private_key)
    by_name = {r["name"]: r[STATEMENT_COLUMN] for r in rows}
    assert "PO box" in by_name["Alice Anderson"] and by_name["Bob Brandt"] == ""


def test_the_banks_debit_file_has_the_statements_beside_it(on_autopay, bank, privacy_officer, disagree):
    vendor, private = bank
    disagree(on_autopay[0].customer, ["bank_account"], "I closed that account in March; do not debit it.")
    export = ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    manifest = json.loads((export_dir() / f"{export.file_name}.manifest.json").read_text())
    companion = manifest["statements_of_disagreement"]
    assert companion["count"] == 1
    (row,) = json.loads(
        export_text(
            export,
            private,
            path=export_dir() / companion["file"],
            export_id=f"{export.pk}:statements",
            sealed_key=companion["sealed_key"],
        )
    )
    debits = export_text(export, private)
    assert row["debit_reference"] in debits and "closed that account" in row[STATEMENT_COLUMN]
    assert b"closed that account" not in (export_dir() / companion["file"]).read_bytes()
