"""Returned automatic payments: the bank's return file read (entries and their type-99 addenda, or type 98
for a notification of change, `test_notifications_of_change.py`; bad lines named and nothing posted), each
return matched to our debit by its reference and posted once (the payment reversed, the bill owed again),
automatic payment stopped where the reason says the account can't be debited again; only collections staff
post them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from custodian.billing.models import LedgerEntry
from custodian.billing.services import balance_of
from custodian.payments.ach_returns import ReturnFileError, returns_parse, returns_post
from custodian.payments.autopay import ach_export_run
from custodian.payments.models import AchDebit, AchReturn, Autopay
from custodian.testing import TEST_ROUTING


def _return_entry(debit: AchDebit, reason: str) -> list[str]:
    """A return entry as the bank sends it: the debit's entry (transaction code 26, a returned checking debit)
    and its addenda of type 99 with the reason code and the original entry's trace number."""
    cents = f"{int(debit.amount * 100):010d}"
    entry = "626" + TEST_ROUTING + "5550001".ljust(17) + cents + debit.reference.ljust(15)
    entry += "OSTBY".ljust(22) + "  " + "1" + TEST_ROUTING[:8] + "0000001"
    addenda = "799" + reason + TEST_ROUTING[:8] + "0000001" + " " * 6 + TEST_ROUTING[:8]
    addenda += " " * 44 + TEST_ROUTING[:8] + "0000009"
    assert len(entry) == len(addenda) == 94
    return [entry, addenda]


def _file(*entries: list[str]) -> bytes:
    header = (
        "101 "
        + TEST_ROUTING
        + " 1416000000"
        + "2611250930A094101"
        + "UTILITY'S BANK".ljust(23)
        + "OPU".ljust(23)
    )
    header = header.ljust(94)
    lines = [header] + [line for e in entries for line in e] + ["9".ljust(94, "0")]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def debits(on_autopay, bank, privacy_officer):  # noqa: F811
    vendor, _ = bank
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    return list(AchDebit.objects.order_by("account_id"))


def test_a_returned_debit_is_owed_again_and_posted_once(debits, collections_agent):
    insufficient, closed = debits
    owed_before = [balance_of(d.account_id) for d in debits]
    data = _file(_return_entry(insufficient, "R01"), _return_entry(closed, "R02"))
    report = returns_post(entries=returns_parse(data), by=collections_agent, received_on=date(2026, 11, 25))
    assert (report.posted, report.autopay_stopped, report.unknown) == (2, 1, 0)
    for debit, before in zip(debits, owed_before, strict=True):
        assert balance_of(debit.account_id) == before + debit.amount
        reversal = LedgerEntry.objects.get(reference=f"ach-return:{debit.reference}")
        assert reversal.kind == "payment_reversal" and reversal.amount == debit.amount
    assert Autopay.objects.get(account_id=insufficient.account_id).active  # R01: try again next bill
    assert not Autopay.objects.get(account_id=closed.account_id).active  # R02: the account is closed
    assert AchReturn.objects.get(debit=closed).reason_code == "R02"
    again = returns_post(entries=returns_parse(data), by=collections_agent)
    assert (again.posted, again.already_posted) == (0, 2)
    assert LedgerEntry.objects.filter(kind="payment_reversal").count() == 2


def test_a_reference_we_never_sent_is_counted_not_posted(debits, collections_agent):
    stranger = AchDebit(reference="NOTOURS0000001", amount=debits[0].amount)
    report = returns_post(entries=returns_parse(_file(_return_entry(stranger, "R03"))), by=collections_agent)
    assert (report.posted, report.unknown) == (0, 1)
    assert not LedgerEntry.objects.filter(kind="payment_reversal").exists()


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda lines: lines[:2] + lines[3:], "without its addenda"),
        (lambda lines: [lines[0], lines[1][:90], *lines[2:]], "line 2: a record is 94 characters"),
        (lambda lines: [lines[0], lines[1], "797" + lines[2][3:], *lines[3:]], "addenda type '97'"),
        (lambda lines: [lines[0], lines[1], "798X01" + lines[2][6:], *lines[3:]], "not a change code"),
        (lambda lines: [lines[0], lines[1], "799X01" + lines[2][6:], *lines[3:]], "not a return reason code"),
        (lambda lines: [lines[0], "3" + lines[1][1:], *lines[2:]], "record type '3'"),
    ],
)
def test_a_bad_file_is_named_by_its_line_and_nothing_is_posted(debits, collections_agent, mangle, message):
    lines = _file(_return_entry(debits[0], "R01")).decode().splitlines()
    with pytest.raises(ReturnFileError, match=message):
        returns_post(entries=returns_parse(("\n".join(mangle(lines)) + "\n").encode()), by=collections_agent)
    assert not LedgerEntry.objects.filter(kind="payment_reversal").exists()


def test_only_collections_staff_post_returns_and_the_command_says_what_it_did(
    debits, billing_clerk, collections_agent, tmp_path
):
    entries = returns_parse(_file(_return_entry(debits[0], "R01")))
    with pytest.raises(ReturnFileError, match="only collections staff"):
        returns_post(entries=entries, by=billing_clerk)
    path = tmp_path / "returns.ach"
    path.write_bytes(_file(_return_entry(debits[0], "R01")))
    with pytest.raises(CommandError, match="only collections staff"):
        call_command("ach_returns", str(path), "--by", billing_clerk.username)
    out = StringIO()
    call_command("ach_returns", str(path), "--by", collections_agent.username, stdout=out)
    assert out.getvalue().startswith("1 returned payments posted")
