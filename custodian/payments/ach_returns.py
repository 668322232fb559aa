"""Returned automatic payments: the bank's file of debits the customers' banks sent back (NACHA return
entries, each with its addenda record of type 99 and the return reason code), matched to our debits by the
opaque reference we put in each entry, and posted: the payment reversed on the ledger (the bill is owed
again), and automatic payment stopped where the reason says the bank account can't or may not be debited
again (closed, not found, invalid, authorization revoked or never given, frozen).

The same file carries notifications of change (entries with an addenda record of type 98: a change code and
the corrected data), which the rules require the utility to act on before its next debit: each is recorded
for collections against its debit, the corrected data (the customer's bank data) sealed in the vault, never
kept in clear; the returns in the file are posted with them.

Reading the file needs no personal data: it carries our references, amounts and reason codes (the bank
account numbers in it are the customers' own, which we do not read or keep, but for a notification of
change's corrected data, sealed as it is read). Each return is posted once:
the same file, or one that repeats an entry, changes nothing the second time. A line that is not what a
return file holds is reported with its number, and nothing of the file is posted.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from custodian.billing.models import LedgerEntry
from custodian.billing.services import ledger_post
from custodian.payments.models import AchChangeNotice, AchDebit, AchReturn, Autopay
from custodian.payments.nacha import RECORD
from custodian.policy.loader import current_policy
from custodian.vault.choices import Channel
from custodian.vault.gate import policy_decision, staff_actor
from custodian.vault.services import Submission, document_seal

# Return reason codes (NACHA Operating Rules, Appendix Four) after which the account is not debited again.
STOP_AUTOPAY = {
    "R02": "account closed",
    "R03": "no account, or unable to locate the account",
    "R04": "invalid account number",
    "R05": "unauthorized debit to a consumer account",
    "R07": "authorization revoked by the customer",
    "R10": "customer advises the debit was not authorized",
    "R16": "account frozen",
    "R20": "non-transaction account",
    "R29": "corporate customer advises not authorized",
}
REASONS = {
    "R01": "insufficient funds",
    "R06": "returned at the originator's request",
    "R08": "payment stopped",
    "R09": "uncollected funds",
    **STOP_AUTOPAY,
}

# Change codes of a notification of change (NACHA Operating Rules, Appendix Five): what the corrected data is.
CHANGE_CODES = {
    "C01": "account number",
    "C02": "routing number",
    "C03": "routing number and account number",
    "C04": "account holder's name",
    "C05": "transaction code (checking or savings)",
    "C06": "account number and transaction code",
    "C07": "routing number, account number and transaction code",
    "C09": "individual identification number",
    "C13": "addenda format",
}


class ReturnFileError(ValueError):
    """A return file that can't be read; the message names the line."""


@dataclass(frozen=True)
class ReturnEntry:
    line: int
    reference: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class ChangeNotice:
    """A notification of change: the debit's reference, the change code and the corrected data as the bank
    wrote it (the customer's bank data: sealed when recorded, never kept in clear)."""

    line: int
    reference: str
    code: str
    corrected: str


@dataclass
class ReturnsReport:
    posted: int = 0
    already_posted: int = 0
    unknown: int = 0
    autopay_stopped: int = 0
    notices_recorded: int = 0
    notices_already: int = 0


def returns_parse(data: bytes) -> list[ReturnEntry | ChangeNotice]:
    """The return entries and notifications of change of a NACHA file: each entry detail record (6)
    followed by its return addenda (7, type 99) or its notification of change (7, type 98). Refused whole,
    naming the line, when a record is not 94 characters of ASCII or an entry has neither."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise ReturnFileError("the file is not ASCII text, as a NACHA file is") from None
    lines = [line.rstrip("\r") for line in text.split("\n")]
    entries, pending = [], None
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if len(line) != RECORD:
            raise ReturnFileError(f"line {number}: a record is {RECORD} characters, this one {len(line)}")
        kind = line[0]
        if kind not in "156789":
            raise ReturnFileError(f"line {number}: record type {kind!r} is not one of a NACHA file")
        if pending is not None and kind != "7":
            raise ReturnFileError(f"line {pending[0]}: a returned entry without its addenda (type 99 or 98)")
        if kind == "6":
            amount = line[29:39]
            if not amount.isdigit():
                raise ReturnFileError(f"line {number}: the amount {amount!r} is not ten digits")
            pending = (number, line[39:54].strip(), Decimal(int(amount)) / 100)
        elif kind == "7":
            if pending is None:
                continue  # addenda of an entry that is not a return: nothing to post
            if line[1:3] == "98":
                code = line[3:6]
                if not (code[0] == "C" and code[1:].isdigit()):
                    raise ReturnFileError(f"line {number}: {code!r} is not a change code")
                # The corrected data: positions 36 to 64 of the addenda record.
                entries.append(ChangeNotice(pending[0], pending[1], code, line[35:64].strip()))
                pending = None
                continue
            if line[1:3] != "99":
                raise ReturnFileError(
                    f"line {number}: addenda type {line[1:3]!r}; a return's is 99, a notification of "
                    "change's 98"
                )
            reason = line[3:6]
            if not (reason[0] == "R" and reason[1:].isdigit()):
                raise ReturnFileError(f"line {number}: {reason!r} is not a return reason code")
            entries.append(ReturnEntry(pending[0], pending[1], pending[2], reason))
            pending = None
    if pending is not None:
        raise ReturnFileError(f"line {pending[0]}: a returned entry without its addenda (type 99 or 98)")
    return entries


def may_post_returns(user) -> bool:
    """Collections staff (payments are collected for collecting payments)."""
    return (
        user is not None
        and policy_decision(current_policy(), staff_actor(user), "collecting_payments", ["bills"]).allowed
    )


@transaction.atomic
def returns_post(*, entries: list[ReturnEntry], by, received_on=None) -> ReturnsReport:
    """Post each return once: the payment reversed (the amount owed again), the reason kept, automatic
    payment stopped where the reason says so; record each notification of change once, its corrected data
    sealed. References we never sent are counted, not posted."""
    if not may_post_returns(by):
        raise ReturnFileError("only collections staff post returned payments")
    received_on = received_on or timezone.localdate()
    report = ReturnsReport()
    for entry in entries:
        debit = AchDebit.objects.select_for_update().filter(reference=entry.reference).first()
        if debit is None:
            report.unknown += 1
            continue
        if isinstance(entry, ChangeNotice):
            _change_notice_record(entry, debit=debit, by=by, received_on=received_on, report=report)
            continue
        if AchReturn.objects.filter(debit=debit).exists():
            report.already_posted += 1
            continue
        if entry.amount != debit.amount:
            raise ReturnFileError(
                f"line {entry.line}: the return of {entry.amount} does not match the debit of {debit.amount}"
            )
        AchReturn.objects.create(
            debit=debit, reason_code=entry.reason, received_on=received_on, recorded_by=by
        )
        ledger_post(
            account_id=debit.account_id,
            kind=LedgerEntry.Kind.PAYMENT_REVERSAL,
            amount=debit.amount,
            posted_on=received_on,
            reference=f"ach-return:{debit.reference}",
            memo=f"Automatic payment returned by the bank: {REASONS.get(entry.reason, entry.reason)}"[:200],
        )
        report.posted += 1
        if entry.reason in STOP_AUTOPAY:
            report.autopay_stopped += Autopay.objects.filter(account_id=debit.account_id, active=True).update(
                active=False, stopped_at=timezone.now()
            )
    return report


def _change_notice_record(notice: ChangeNotice, *, debit, by, received_on, report: ReturnsReport) -> None:
    if AchChangeNotice.objects.filter(debit=debit, change_code=notice.code).exists():
        report.notices_already += 1
        return
    ref = f"ach-change-notice:{debit.reference}:{notice.code}"
    document_seal(
        customer_id=debit.account.customer_id,
        category="bank_account",
        ref=ref,
        content=json.dumps(
            {
                "change_code": notice.code,
                "changes": CHANGE_CODES.get(notice.code, "unknown change code"),
                "corrected_data": notice.corrected,
            }
        ).encode(),
        media_type="application/json",
        submission=Submission(
            channel=Channel.BANK,
            notice_key="automatic_payment",
            recorded_by=by,
            recorded_by_label="the customer's bank (notification of change)",
            note=f"notification of change {notice.code} for debit {debit.reference}",
        ),
    )
    AchChangeNotice.objects.create(
        debit=debit, change_code=notice.code, document_ref=ref, received_on=received_on, recorded_by=by
    )
    report.notices_recorded += 1
