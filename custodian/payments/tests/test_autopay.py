"""Automatic payment: the NACHA file's records checked field by field against the record layouts, bank
accounts checked before they are kept, and the debits due sent to the bank as an encrypted export (a
disclosure the privacy officer runs), each bill debited once and posted on the ledger."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill, LedgerEntry
from custodian.disclosures.exports import ExportRefused
from custodian.disclosures.models import DisclosureEntry
from custodian.payments.autopay import (
    AutopayError,
    ach_export_run,
    autopay_enrol,
    autopay_stop,
    debits_due,
)
from custodian.payments.models import AchDebit
from custodian.payments.nacha import (
    BankAccount,
    BankAccountError,
    Debit,
    Origin,
    bank_account_parse,
    nacha_file,
    routing_valid,
)
from custodian.testing import (
    TEST_ROUTING,
    TEST_ROUTING_BAD_CHECK_DIGIT,
    TEST_ROUTING_OTHER,
    export_text,
)
from custodian.testing.billing import AUTOPAY_FORM
from custodian.vault.services import Submission

ORIGIN = Origin(TEST_ROUTING, "FIRST OWATONNA BANK", "1416000000", "OPU")
BAD, GOOD = f"routing {TEST_ROUTING_BAD_CHECK_DIGIT} account 1", f"routing {TEST_ROUTING} account 1"


def test_a_nacha_file_has_the_records_and_totals_of_the_layouts():
    debits = [
        Debit(BankAccount(TEST_ROUTING, "123456789"), Decimal("84.20"), "Alice Anderson", "REF1"),
        Debit(BankAccount(TEST_ROUTING_OTHER, "99-1", savings=True), Decimal("10.05"), "Bob Brandt", "REF2"),
    ]
    text = nacha_file(
        origin=ORIGIN, debits=debits, effective_on=date(2026, 11, 20), created=datetime(2026, 11, 18, 9, 30)
    ).decode()
    lines = text.splitlines()
    assert len(lines) == 10 and all(len(line) == 94 for line in lines)  # blocked by ten with 9s
    header, batch, e1, e2, control, file_control = lines[:6]
    assert lines[6:] == ["9" * 94] * 4
    assert header[:3] == "101" and header[3:13] == " " + TEST_ROUTING and header[13:23] == "1416000000"
    assert header[23:33] == "2611180930" and header[33:40] == "A094101"
    assert batch[:4] == "5225" and batch[50:53] == "PPD" and batch[69:75] == "261120"
    assert batch[79:87] == TEST_ROUTING[:8] and batch[87:94] == "0000001"
    assert e1[:12] == "627" + TEST_ROUTING and e1[12:29] == "123456789        " and e1[29:39] == "0000008420"
    assert e1[39:54] == "REF1           " and e1[54:76] == "ALICE ANDERSON        " and e1[78] == "0"
    assert e1[79:94] == TEST_ROUTING[:8] + "0000001"
    assert e2[:3] == "637" and e2[29:39] == "0000001005" and e2[79:94] == TEST_ROUTING[:8] + "0000002"
    entry_hash = f"{int(TEST_ROUTING[:8]) + int(TEST_ROUTING_OTHER[:8]):010d}"
    assert control[:4] == "8225" and control[4:10] == "000002" and control[10:20] == entry_hash
    assert control[20:32] == "000000009425" and control[32:44] == "0" * 12
    assert file_control[:13] == "9000001000001" and file_control[13:21] == "00000002"
    assert file_control[21:31] == entry_hash and file_control[31:43] == "000000009425"


@pytest.mark.parametrize(
    "text, error",
    [
        (f"routing {TEST_ROUTING_BAD_CHECK_DIGIT} account 1", "check digit"),
        (f"routing {TEST_ROUTING[:8]} account 1", "write the bank account"),
        ("account 123", "write the bank account"),
        (f"routing {TEST_ROUTING} account 123456789012345678", "write the bank account"),
    ],
)
def test_bad_bank_accounts_are_named(text, error):
    with pytest.raises(BankAccountError, match=error):
        bank_account_parse(text)
    assert routing_valid(TEST_ROUTING) and not routing_valid(TEST_ROUTING_BAD_CHECK_DIGIT)


def test_enrolment_checks_the_bank_account_and_the_notice(on_autopay):
    with pytest.raises(AutopayError, match="check digit"):
        autopay_enrol(account_id=on_autopay[2].pk, bank_account=BAD, submission=AUTOPAY_FORM)
    other = Submission(channel="portal", notice_key="portal_profile", recorded_by_label="the customer")
    with pytest.raises(AutopayError, match="own notice"):
        autopay_enrol(account_id=on_autopay[2].pk, bank_account=GOOD, submission=other)


def test_the_debits_due_go_to_the_bank_once_and_are_posted(on_autopay, bank, privacy_officer, billing_clerk):
    vendor, private = bank
    effective = date(2026, 11, 20)  # the bills are due on November 22
    assert len(debits_due(effective_on=effective)) == 2
    with pytest.raises(ExportRefused, match="privacy officer"):
        ach_export_run(vendor=vendor, requested_by=billing_clerk, effective_on=effective)
    export = ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=effective)
    text = export_text(export, private)
    entries = [line for line in text.splitlines() if line.startswith("6")]
    assert [e[:3] for e in entries] == ["627", "637"] and "OSTBY 0" in entries[0]
    for account in on_autopay[:2]:
        bill = Bill.objects.get(account=account)
        debit = AchDebit.objects.get(bill=bill)
        assert debit.amount == bill.total and debit.reference in text
        assert LedgerEntry.objects.get(reference=f"ach:{debit.reference}").amount == -bill.total
    assert "006000000" not in text  # the utility's account numbers are not in the bank's file
    sent = {on_autopay[0].customer_id, on_autopay[1].customer_id}
    accounted = DisclosureEntry.objects.filter(recipient_name=vendor.name)
    assert set(accounted.values_list("customer_id", flat=True)) == sent
    events = AccessEvent.objects.filter(action="vendor_export", actor_kind="vendor")
    assert {e.customer_id for e in events} == {str(c) for c in sent} and {e.purpose for e in events} == {
        "collecting_payments"
    }
    assert ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=effective) is None
    assert autopay_stop(account_id=on_autopay[0].pk) and not autopay_stop(account_id=on_autopay[0].pk)


def test_no_debit_file_until_the_banks_details_are_configured(on_autopay, bank, privacy_officer, settings):
    """Production has no placeholder: the file is refused, naming what to set, before anyone's bank account is
    read; development's placeholders are no bank's (routing 000000000)."""
    vendor, _ = bank
    settings.CUSTODIAN_ACH_BANK_ROUTING = ""
    before = AccessEvent.objects.count()
    with pytest.raises(AutopayError, match="set CUSTODIAN_ACH_BANK_ROUTING"):
        ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    settings.CUSTODIAN_ACH_BANK_ROUTING = TEST_ROUTING_BAD_CHECK_DIGIT
    with pytest.raises(AutopayError, match="not a routing number"):
        ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    assert AccessEvent.objects.count() == before and not AchDebit.objects.exists()
