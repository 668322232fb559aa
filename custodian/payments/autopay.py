"""Automatic payment by bank account: the customer's authorization (portal), and the NACHA file of the debits
due, sent to the utility's bank (the policy file's `ach_origination` vendor function) as an encrypted export.

The export is a disclosure like the others: only the privacy officer runs it, only to a bank with a current
determination; the names and bank accounts are read through the gate as the bank, for collecting payments
(one access event per customer), and every customer in the file is in their accounting of disclosures. Each
bill is debited once (`AchDebit`), posted on the ledger as a payment under an opaque reference.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import balance_of, ledger_post
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
    bill: Bill
    amount: Decimal


def debits_due(*, effective_on: date) -> list[DueDebit]:
    """The current bills of accounts on automatic payment due by `effective_on` + LEAD_DAYS and not yet
    debited: each for what the account still owes of it."""
    accounts = Autopay.objects.filter(active=True).values("account_id")
    bills = (
        Bill.objects.filter(
            account_id__in=accounts,
            is_current=True,
            total__gt=0,
            due_on__lte=effective_on + timedelta(days=LEAD_DAYS),
            ach_debit__isnull=True,
        )
        .select_related("account")
        .order_by("account_id", "due_on", "pk")
    )
    out, taken = [], {}
    for bill in bills:
        owed = balance_of(bill.account_id) - taken.get(bill.account_id, Decimal("0.00"))
        amount = min(bill.total, owed)
        if amount > 0:
            out.append(DueDebit(bill, amount))
            taken[bill.account_id] = taken.get(bill.account_id, Decimal("0.00")) + amount
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
