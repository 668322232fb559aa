"""Automatic payment by bank account: the customer's authorization (portal), and the NACHA file of the debits
due, sent to the utility's bank (the policy file's `ach_origination` vendor function) as an encrypted export.

The export is a disclosure like the others: only the privacy officer runs it, only to a bank with a current
determination; the names and bank accounts are read through the gate as the bank, for collecting payments
(one access event per customer), and every customer in the file is in their accounting of disclosures.

Each part of a month is debited once, by its own due date (`debits_due`, reading what the month asks as
`billing.arrears` reads it): what a bill asked by its due date, and a correction's increase by the
increase's due date, a second debit of that bill (`AchDebit`: one per bill and due date). So a customer on
automatic payment is debited for an amount only when it is due and, paid so, is never past due for it. Each
debit is posted on the ledger as a payment under an opaque reference.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from custodian.billing.arrears import (
    ZERO,
    billed,
    cycle_parts,
    months_not_yet_due,
    months_of,
    not_yet_due_asked,
    past_due_from,
)
from custodian.billing.models import Bill, LedgerEntry, cents
from custodian.billing.services import ledger_post
from custodian.customers.models import Account
from custodian.disclosures.exports import (
    STATEMENT_COLUMN,
    export_admit,
    export_open,
    export_values,
    statements_for_export,
)
from custodian.disclosures.models import Vendor, VendorExport
from custodian.payments.models import AchDebit, Autopay
from custodian.payments.nacha import (
    BankAccountError,
    Debit,
    Origin,
    bank_account_parse,
    nacha_file,
    routing_valid,
)
from custodian.policy.loader import current_policy
from custodian.vault.gate import vendor_actor
from custodian.vault.services import Submission, personal_data_record

ACH_ORIGINATION = "ach_origination"
NOTICE = "automatic_payment"
# Debits are collected this many days before a bill's due date at the latest.
LEAD_DAYS = 2


class AutopayError(ValueError):
    pass


def origin() -> Origin:
    """The utility as originator: its bank's routing number and name and the company id the bank assigned,
    from settings (CUSTODIAN_ACH_BANK_ROUTING, CUSTODIAN_ACH_BANK_NAME, CUSTODIAN_ACH_COMPANY_ID). Refused,
    naming what is missing, until they are set; development's placeholders are no bank's."""
    routing = settings.CUSTODIAN_ACH_BANK_ROUTING or ""
    missing = [
        name
        for name, value in (
            ("CUSTODIAN_ACH_BANK_ROUTING", routing),
            ("CUSTODIAN_ACH_BANK_NAME", settings.CUSTODIAN_ACH_BANK_NAME),
            ("CUSTODIAN_ACH_COMPANY_ID", settings.CUSTODIAN_ACH_COMPANY_ID),
        )
        if not value
    ]
    if missing:
        raise AutopayError(f"the bank's details are not configured: set {', '.join(missing)}")
    if not routing_valid(routing):
        raise AutopayError("CUSTODIAN_ACH_BANK_ROUTING is not a routing number (nine digits, check digit)")
    return Origin(
        bank_routing=routing,
        bank_name=settings.CUSTODIAN_ACH_BANK_NAME,
        company_id=settings.CUSTODIAN_ACH_COMPANY_ID,
        company_name=current_policy().utility.get("short_name", "UTILITY"),
    )


@transaction.atomic
def autopay_enrol(*, account_id: int, bank_account: str, submission: Submission) -> Autopay:
    """The customer authorizes automatic payment of this account from this bank account: the bank account is
    checked (format, routing check digit) and sealed in the vault with the `automatic_payment` notice."""
    account = Account.objects.select_related("customer").filter(pk=account_id, closed_on__isnull=True).first()
    if account is None:
        raise AutopayError(gettext("no such open account"))
    if submission.notice_key != NOTICE:
        raise AutopayError(gettext("automatic payment is authorized under its own notice"))
    try:
        parsed = bank_account_parse(bank_account)
    except BankAccountError as exc:
        raise AutopayError(str(exc)) from None
    personal_data_record(
        customer=account.customer, values={"bank_account": str(parsed)}, submission=submission
    )
    autopay, _ = Autopay.objects.update_or_create(
        account=account,
        defaults={
            "enrolled_at": timezone.now(),
            "notice_version": current_policy().notices[NOTICE].version,
            "active": True,
            "stopped_at": None,
        },
    )
    return autopay


def autopay_stop(*, account_id: int) -> bool:
    return bool(
        Autopay.objects.filter(account_id=account_id, active=True).update(
            active=False, stopped_at=timezone.now()
        )
    )


@dataclass(frozen=True)
class DueDebit:
    """A part of a month to debit: on the month's current bill, what the month asks by `due_on` and was not
    debited yet."""

    bill: Bill
    amount: Decimal
    due_on: date


def debits_due(*, effective_on: date) -> list[DueDebit]:
    """What accounts on automatic payment owe by `effective_on` + LEAD_DAYS and was not debited yet, a debit
    per month: what the month asks by its due dates up to then (`arrears.cycle_parts`, the one rule: the
    bill's due date for what it asked first, a correction's increase by its own due date, on budget billing
    the level amount and a settlement asked with the bill), less what was debited for the month before
    (returned or not: a returned debit is not sent again, the bill is then the customer's to pay), never
    more than the account owes by then. So a bill corrected upward after its debit is debited again for its
    increase only when the increase falls due, and a correction issued before the debit is debited for what
    was asked first by the bill's due date, then for its increase."""
    horizon = effective_on + timedelta(days=LEAD_DAYS)
    accounts = Autopay.objects.filter(active=True).values("account_id")
    debited = AchDebit.objects.filter(account_id=OuterRef("account_id"), bill__cycle=OuterRef("cycle"))
    # The months with a due date by the horizon not yet debited (one query), each read whole below.
    current = {
        (b.account_id, b.cycle): b
        for b in Bill.objects.filter(account_id__in=accounts, is_current=True)
        .filter(
            Q(due_on__lte=horizon) & ~Exists(debited.filter(due_on=OuterRef("due_on")))
            | Q(increase_due_on__lte=horizon) & ~Exists(debited.filter(due_on=OuterRef("increase_due_on")))
        )
        .select_related("account")
    }
    if not current:
        return []
    cycles = sorted({c for _, c in current})
    months = months_of(billed(Bill.objects.filter(account_id__in=accounts, cycle__in=cycles)))
    sent: dict[tuple[int, str], Decimal] = {}
    for account_id, cycle, amount in (
        AchDebit.objects.filter(account_id__in=accounts, bill__cycle__in=cycles)
        .values("account_id", "bill__cycle")
        .annotate(s=Sum("amount"))
        .values_list("account_id", "bill__cycle", "s")
    ):
        sent[(account_id, cycle)] = cents(amount)
    # Never more than the account owes by the horizon: its balance less what its bills ask after it (credits
    # pay the oldest debt first), so a month paid by hand never draws a debit of a bill not yet due.
    after = horizon + timedelta(days=1)
    later = not_yet_due_asked(
        billed(months_not_yet_due(Bill.objects.filter(account_id__in=accounts), on=after)), on=after
    )
    owed = {
        a: past_due_from(cents(s), later.get(a, ZERO))
        for a, s in LedgerEntry.objects.filter(account_id__in=accounts)
        .values("account_id")
        .annotate(s=Sum("amount"))
        .values_list("account_id", "s")
    }
    out = []
    # Each account's newest month first: the debit is the month's that falls due (an older month unpaid, or
    # paid by hand before automatic payment began, has only what the account owes by then left for it).
    newest_first = sorted(sorted(current, key=lambda k: k[1], reverse=True), key=lambda k: k[0])
    for key in newest_first:
        parts = [p for p in cycle_parts(months.get(key, [])) if p.due_on <= horizon]
        if not parts:
            continue
        asked = sum((p.amount for p in parts), ZERO) - sent.get(key, ZERO)
        amount = min(asked, owed.get(key[0], ZERO))
        if amount > 0:
            out.append(DueDebit(current[key], amount, parts[-1].due_on))
            owed[key[0]] -= amount
    return out


def ach_export_run(*, vendor: Vendor, requested_by, effective_on: date) -> VendorExport | None:
    """The NACHA file of the debits due, encrypted to the bank. Returns None when nothing is due."""
    function, determination, record = export_admit(
        vendor=vendor,
        requested_by=requested_by,
        only_function=ACH_ORIGINATION,
        wrong_function=f"the debits go only to a vendor of the {ACH_ORIGINATION!r} function",
    )
    bank_origin = origin()  # the bank's details configured, before anyone's data is read
    due = debits_due(effective_on=effective_on)
    if not due:
        return None
    cats = sorted(function.categories)
    fields = [current_policy().categories[c].field for c in cats]
    actor = vendor_actor(str(vendor.pk), function.key, vendor.name, on_behalf_of=requested_by)
    customer_ids = sorted({d.bill.customer_id for d in due})
    values = export_values(actor, function, customer_ids=customer_ids, fields=fields)
    debits, kept = [], []
    for d in due:
        mine = values.get(d.bill.customer_id, {})
        try:
            account = bank_account_parse(mine.get("bank_account", ""))
        except BankAccountError:
            continue  # no usable bank account on file: the bill is paid another way
        reference = secrets.token_hex(7).upper()[:15]
        debits.append(Debit(account, d.amount, mine.get("name", ""), reference))
        kept.append((d, reference))
    if not debits:
        return None
    body = nacha_file(origin=bank_origin, debits=debits, effective_on=effective_on, created=timezone.now())
    run = export_open(
        admitted=(function, determination, record), vendor=vendor, requested_by=requested_by, prefix="ach"
    )
    export, writer = run.export, run.writer
    with writer:
        writer.write(body, last=True)
    # A NACHA file has no room for a statement of disagreement: those go beside it, by debit reference.
    disputed = statements_for_export(
        customer_ids=sorted({d.bill.customer_id for d, _ in kept}), categories=cats, requested_by=requested_by
    )
    run.statements_attach(
        [
            {"debit_reference": reference, STATEMENT_COLUMN: disputed[d.bill.customer_id]}
            for d, reference in kept
            if d.bill.customer_id in disputed
        ]
    )
    run.close(rows=len(kept), format="NACHA PPD debits")
    sent = sorted({d.bill.customer_id for d, _ in kept})
    with transaction.atomic():
        for d, reference in kept:
            AchDebit.objects.create(
                bill=d.bill,
                account=d.bill.account,
                due_on=d.due_on,
                amount=d.amount,
                reference=reference,
                effective_on=effective_on,
                export=export,
            )
            ledger_post(
                account_id=d.bill.account_id,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-d.amount,
                posted_on=effective_on,
                reference=f"ach:{reference}",
                memo="Automatic payment, thank you",
            )
        run.accounted(customer_ids=sent, rows=len(kept), reason=f"ACH debits export {export.pk}")
    return export
