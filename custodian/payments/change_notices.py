"""Acting on the bank's notifications of change (NACHA addenda type 98, recorded by `ach_returns`):
collections reads what the bank corrected, through the gate for collecting payments (the corrected data is the
customer's bank data, sealed when the notice was recorded), and either applies the correction to the bank
account on file or records that the notice was handled without a change, and why. Either is done once, by
whom and when kept on the notice.

The NACHA Operating Rules (Subsection 2.12.1) ask the originator to make the change within six banking days
of receiving the notice, or before its next entry to the account, whichever is later: the page shows that
day (`due_on`), counted in the Federal Reserve's banking days (weekdays but its holidays).

Applying the correction writes the corrected bank account through `vault.services.personal_data_record`,
the one writer of a customer's values: sealed, with its provenance (from the customer's bank, under the
automatic payment notice the customer authorised it under, recorded by the clerk) and its event in the
access log, in the transaction that marks the notice acted on. Only the parts the change code names change;
a correction of what we do not keep with the bank account (the holder's name, the individual
identification number, the addenda format) is handled without a change."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from custodian.casework.calendar import add_business_days
from custodian.payments.ach_returns import CHANGE_CODES
from custodian.payments.choices import ChangeNoticeOutcome, NoChangeReason
from custodian.payments.models import AchChangeNotice, Autopay
from custodian.payments.nacha import BankAccount, BankAccountError, bank_account_parse, routing_valid
from custodian.payments.selectors import CHANGE_NOTICES_PURPOSE, acts_on_change_notices
from custodian.vault import gate
from custodian.vault.choices import Channel
from custodian.vault.gate import Actor
from custodian.vault.masking import last_four
from custodian.vault.selectors import value_provenance
from custodian.vault.services import Submission, personal_data_record

PURPOSE = CHANGE_NOTICES_PURPOSE
CATEGORY = "bank_account"
NOTICE = "automatic_payment"
BANKING_DAYS_TO_ACT = 6
# The change codes whose corrected data is part of the bank account we keep (routing number, account
# number, checking or savings); the others correct what we do not keep with it.
APPLICABLE = frozenset({"C01", "C02", "C03", "C05", "C06", "C07"})
ALREADY_ACTED = "this notice was acted on already ({outcome}, {when} by {who}): nothing was changed now"


class ChangeNoticeError(ValueError):
    """A step on a notice that can't be taken; the message says why, in words for the clerk."""


# --- banking days -------------------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The `n`th `weekday` (Monday 0) of the month; n = -1: the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def federal_reserve_holidays(year: int) -> set[date]:
    """The days the Federal Reserve Banks are closed (no ACH settlement): a holiday on a Sunday is kept on
    the Monday after; one on a Saturday is not moved (the banks are open the Friday before)."""
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    days = {d + timedelta(days=1) if d.weekday() == 6 else d for d in fixed}
    days |= {
        _nth_weekday(year, 1, 0, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    }
    return {d for d in days if d.weekday() < 5}


def due_on(notice: AchChangeNotice) -> date:
    """The sixth banking day after the notice was received: the change is made by then (or before the next
    debit of the account, if that is later)."""
    year = notice.received_on.year
    holidays = frozenset(federal_reserve_holidays(year) | federal_reserve_holidays(year + 1))
    return add_business_days(notice.received_on, BANKING_DAYS_TO_ACT, holidays=holidays)


# --- what the bank corrected --------------------------------------------------------------------------------


def corrected_account(held: BankAccount, code: str, corrected: str) -> BankAccount:
    """The bank account on file with the parts `code` names replaced by the bank's corrected data (the
    addenda's 29 characters as recorded; NACHA Operating Rules, Appendix Five). ChangeNoticeError when the
    code corrects nothing we keep or the data is not what the code says."""
    routing, account, savings = held.routing, held.account, held.savings

    def transaction_code(text: str) -> bool:
        if len(text) != 2 or text[0] not in "23" or not text[1].isdigit():
            raise ChangeNoticeError(
                f"the bank's transaction code {text!r} is not one of a checking or savings account"
            )
        return text[0] == "3"

    def account_number(text: str) -> str:
        text = text.strip()
        if not text or len(text) > 17 or not all(c.isalnum() or c == "-" for c in text):
            raise ChangeNoticeError("the bank's corrected account number is not one an entry can carry")
        return text

    if code == "C01":
        account = account_number(corrected)
    elif code == "C02":
        routing = corrected.strip()
    elif code == "C03":
        routing, account = corrected[:9], account_number(corrected[12:29])
    elif code == "C05":
        savings = transaction_code(corrected.strip())
    elif code == "C06":
        account, savings = account_number(corrected[:17]), transaction_code(corrected[20:22])
    elif code == "C07":
        routing, account = corrected[:9], account_number(corrected[9:26])
        savings = transaction_code(corrected[26:28])
    else:
        raise ChangeNoticeError(
            f"change code {code} corrects the {CHANGE_CODES.get(code, 'entry')}, which we do not keep with "
            "the bank account: handle the notice without a change"
        )
    if not routing_valid(routing):
        raise ChangeNoticeError("the bank's corrected routing number fails its check digit")
    return BankAccount(routing, account, savings)


@dataclass(frozen=True)
class Correction:
    """A notice's correction as the clerk sees it: the bank account on file and as corrected, each masked to
    its last four digits (as every staff surface shows bank details), and whether it can be applied."""

    code: str
    changes: str
    held: str  # masked; "" when none is on file
    corrected: str  # masked; "" when the code corrects nothing we keep, or the data can't be read
    applicable: bool
    why_not: str = ""
    replaced_since_debit: bool = False


def _read(notice: AchChangeNotice, actor: Actor, client_ip: str) -> tuple[str, str]:
    """The bank's corrected data and the bank account on file, read through the gate for collecting payments
    (two access events: the sealed notice and the value)."""
    customer_id = notice.debit.account.customer_id
    docs = gate.reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category=CATEGORY,
        purpose=PURPOSE,
        refs=[notice.document_ref],
        client_ip=client_ip,
    )
    if not docs:
        raise ChangeNoticeError(
            "the bank's corrected details are no longer held (the customer's data was deleted): handle the "
            "notice without a change"
        )
    corrected = json.loads(docs[0].content)["corrected_data"]
    held = gate.reveal(
        actor=actor, customer_id=customer_id, fields=[CATEGORY], purpose=PURPOSE, client_ip=client_ip
    ).get(CATEGORY, "")
    return corrected, held


def _replaced_since_debit(notice: AchChangeNotice, actor: Actor) -> bool:
    """Whether the bank account on file was given after the debit the notice is about, other than by a
    notice's correction: the notice then concerns an account no longer on file."""
    provenance = value_provenance(
        fetched_by=actor, customer_id=notice.debit.account.customer_id, fields=[CATEGORY]
    ).get(CATEGORY)
    return (
        provenance is not None
        and provenance.received_at > notice.debit.created_at
        and provenance.channel != Channel.BANK
    )


def _correction(
    notice: AchChangeNotice, actor: Actor, client_ip: str
) -> tuple[Correction, BankAccount | None]:
    code = notice.change_code
    changes = CHANGE_CODES.get(code, "an unknown change code")
    corrected, held_text = _read(notice, actor, client_ip)
    try:
        held = bank_account_parse(held_text)
    except BankAccountError:
        return Correction(
            code, changes, last_four(held_text), "", False, "no bank account is on file to correct"
        ), None
    replaced = _replaced_since_debit(notice, actor)
    try:
        after = corrected_account(held, code, corrected)
    except ChangeNoticeError as exc:
        return Correction(code, changes, last_four(str(held)), "", False, str(exc), replaced), None
    why_not = ""
    if after == held:
        why_not = "the bank account on file already holds the corrected details"
    elif replaced:
        why_not = (
            "the bank account on file was given after the debit the notice is about: the notice concerns the "
            "earlier one"
        )
    shown = Correction(
        code, changes, last_four(str(held)), last_four(str(after)), not why_not, why_not, replaced
    )
    return shown, after


def correction_read(*, notice: AchChangeNotice, actor: Actor, client_ip: str = "") -> Correction:
    """What the bank corrected and what applying it would put on file, masked; read through the gate (the
    reads logged). gate.Denied for staff who may not read the bank account for collecting payments."""
    return _correction(notice, actor, client_ip)[0]


# --- acting on a notice -------------------------------------------------------------------------------------


def _open_for_update(notice_id: int) -> AchChangeNotice:
    notice = (
        AchChangeNotice.objects.select_for_update(of=("self",))
        .select_related("debit__account")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise ChangeNoticeError("no such notice")
    if notice.acted_on is not None:
        raise ChangeNoticeError(
            ALREADY_ACTED.format(
                outcome=notice.get_outcome_display().lower(),
                when=timezone.localtime(notice.acted_on).strftime("%Y-%m-%d %H:%M"),
                who=notice.acted_by.get_username(),
            )
        )
    return notice


def _acted(notice: AchChangeNotice, by, outcome: str, reason: str = "") -> AchChangeNotice:
    notice.acted_on, notice.acted_by, notice.outcome, notice.no_change_reason = (
        timezone.now(),
        by,
        outcome,
        reason,
    )
    notice.save(update_fields=["acted_on", "acted_by", "outcome", "no_change_reason"])
    return notice


def _may_act(by) -> Actor:
    actor = gate.staff_actor(by)
    if not acts_on_change_notices(actor):
        raise ChangeNoticeError(
            "only staff whose support service acts for collecting payments act on a notice"
        )
    return actor


def change_notice_apply(*, notice_id: int, by, client_ip: str = "") -> AchChangeNotice:
    """Put the bank's correction on file: the bank account read through the gate, the parts the change code
    names replaced, written sealed through `personal_data_record` (its event in the access log) and the
    notice marked applied, by `by`, in one transaction, the notice locked from the read to the write.
    Refused (ChangeNoticeError, nothing changed) for a notice acted on already, one whose correction can't
    be applied (`correction_read` says why: the reads behind that answer stay in the access log), or staff
    who do not collect payments."""
    actor = _may_act(by)
    with transaction.atomic():
        notice = _open_for_update(notice_id)
        try:
            correction, after = _correction(notice, actor, client_ip)
        except gate.Denied:
            raise ChangeNoticeError("the bank account can't be read for collecting payments") from None
        if correction.applicable and after is not None:
            personal_data_record(
                customer=notice.debit.account.customer,
                values={CATEGORY: str(after)},
                submission=Submission(
                    channel=Channel.BANK,
                    notice_key=NOTICE,
                    recorded_by=by,
                    recorded_by_label=by.get_username(),
                    note=f"notification of change {notice.change_code} for debit {notice.debit.reference} "
                    "applied",
                ),
            )
            return _acted(notice, by, ChangeNoticeOutcome.APPLIED)
    # Outside the transaction: the reads that found the correction can't be applied were made, and logged.
    raise ChangeNoticeError(f"{correction.why_not}: handle the notice without a change")


@transaction.atomic
def change_notice_close(*, notice_id: int, by, reason: str) -> AchChangeNotice:
    """Record that the notice was handled without a change to the bank account on file, for `reason` (one
    of `NoChangeReason`), by `by`. Refused for a notice acted on already."""
    _may_act(by)
    if reason not in NoChangeReason.values:
        raise ChangeNoticeError("choose why no change is made")
    notice = _open_for_update(notice_id)
    return _acted(notice, by, ChangeNoticeOutcome.NO_CHANGE, reason)


def autopay_active(notice: AchChangeNotice) -> bool:
    return Autopay.objects.filter(account_id=notice.debit.account_id, active=True).exists()
