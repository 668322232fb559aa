"""Reads of bills and the ledger. A bill's content is opened only through the gate.

One module on purpose, a little over 400 lines: every read of a bill, for the customer, their representative
and each kind of staff, asks the same gate read (`_bills_revealed`) and the same statement of the ledger;
split, the readers would import each other's halves."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from custodian.background import runs_latest
from custodian.billing.arrears import ASKED_BY_A_BILL, ZERO, billed_row, not_yet_due, past_due_from
from custodian.billing.content import bill_content_read
from custodian.billing.models import Bill, BillRun, Deposit, LedgerEntry, Refund, cents
from custodian.billing.reads import previous_cycle
from custodian.customers.models import Account
from custodian.policy.loader import current_policy
from custodian.vault import gate

BILL_CATEGORY = "bills"
# The category whose read shows the facts of the home at the service address (`account_bills_read`).
SERVICE_ADDRESS = "service_address"
# Where the refs of the bills' sealed documents start (`bill_ref_prefix`).
BILL_REF_ROOT = "bill/"


def bill_document(
    *, actor, bill: Bill, purpose: str, request_id=None, client_ip: str = "", showing=()
) -> dict:
    """The sealed content of one bill, read through the gate for `purpose` (one access event; `showing`: the
    other categories of its content the caller shows, such as the name, decided and logged with it)."""
    docs = gate.reveal_documents(
        actor=actor,
        customer_id=bill.customer_id,
        category=BILL_CATEGORY,
        refs=[bill.document_ref],
        purpose=purpose,
        request_id=request_id,
        client_ip=client_ip,
        showing=showing,
    )
    doc = next((d for d in docs if d.ref == bill.document_ref), None)
    if doc is None:
        raise gate.Denied("bill_document_missing")
    return bill_content_read(doc.content)


def current_bills_of(customer_id: int):
    """The customer's current bills (newest first), clear columns only, for reads that open each bill
    through the gate as their own asker (Green Button's usage summaries)."""
    return Bill.objects.filter(customer_id=customer_id, is_current=True).order_by("-cycle", "-pk")


def _bills_revealed(*, actor, customer_id: int, bills, ref_prefix: str, purpose: str, **read) -> list:
    """The sealed documents of `bills` (one customer's, under `ref_prefix`), read through the gate for
    `purpose` (`read`: the request_id and client_ip): one access event naming the bills, also when there are
    none yet, when the read names only the prefix, under which there is then nothing to open."""
    return gate.reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category=BILL_CATEGORY,
        ref_prefix=ref_prefix,
        refs=[b.document_ref for b in bills] or None,
        purpose=purpose,
        **read,
    )


def bills_read(*, actor, customer_id: int, purpose: str, limit: int = 12, **read) -> list[tuple[Bill, dict]]:
    """The customer's latest current bills (newest first, at most `limit`), each with its sealed content,
    read through the gate for `purpose` (`_bills_revealed`; `read`: the request_id and client_ip). Raises
    gate.Denied like any read."""
    bills = list(current_bills_of(customer_id)[:limit])
    docs = _bills_revealed(
        actor=actor, customer_id=customer_id, bills=bills, ref_prefix=BILL_REF_ROOT, purpose=purpose, **read
    )
    content = {d.ref: bill_content_read(d.content) for d in docs}
    return [(b, content[b.document_ref]) for b in bills if b.document_ref in content]


def bills_of_customer(*, fetched_by: gate.Actor, customer_id: int):
    """The customer's current bills (newest first) with their accounts, for the customer themself or their
    representative whose authority covers the bills; none for anyone else. Clear columns only: totals,
    periods, due dates; the content needs `bill_document`."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return Bill.objects.none()
    return current_bills_of(customer_id).select_related("account")


def balance(account_ids) -> Decimal:
    return cents(LedgerEntry.objects.filter(account_id__in=list(account_ids)).aggregate(s=Sum("amount"))["s"])


def ledger_of(account_ids):
    # With each entry's bill: the portal names an entry by its bill's month (`billing.presentation`).
    return (
        LedgerEntry.objects.filter(account_id__in=list(account_ids))
        .select_related("bill")
        .order_by("posted_on", "pk")
    )


@dataclass(frozen=True)
class Statement:
    """Where an account stands on a day, from the ledger's clear amounts: what is owed, how much of it is
    past its due date (`arrears`: credits pay the oldest debt first), and the due date of what is not yet
    due (else of the latest bill)."""

    balance: Decimal
    past_due: Decimal
    due_on: date | None
    latest_bill: Bill | None

    @property
    def not_yet_due(self) -> Decimal:
        """What is owed and not yet past its due date."""
        return max(ZERO, self.balance - self.past_due)


@dataclass(frozen=True)
class Statements:
    """Where each of a customer's accounts stands on a day, each on its own (`accounts`: account id →
    Statement, in the accounts' order), as collections, the past-due letters and the printed bill see it: a
    credit on one account never pays another account's bill, so an account past due stays past due whatever
    another holds. The totals (`balance`, `past_due`: the sum of each account's own, `not_yet_due`, the
    earliest `due_on`, the newest `latest_bill`) are a total of the accounts, for a page to label so."""

    accounts: dict[int, Statement]

    @property
    def several(self) -> bool:
        return len(self.accounts) > 1

    @property
    def balance(self) -> Decimal:
        return cents(sum((s.balance for s in self.accounts.values()), ZERO))

    @property
    def past_due(self) -> Decimal:
        return cents(sum((s.past_due for s in self.accounts.values()), ZERO))

    @property
    def not_yet_due(self) -> Decimal:
        return cents(sum((s.not_yet_due for s in self.accounts.values()), ZERO))

    @property
    def due_on(self) -> date | None:
        return min((s.due_on for s in self.accounts.values() if s.due_on), default=None)

    @property
    def latest_bill(self) -> Bill | None:
        bills = [s.latest_bill for s in self.accounts.values() if s.latest_bill is not None]
        return max(bills, key=lambda b: (b.cycle, b.pk), default=None)


_LEDGER, _BILLS, _ACCOUNTS = LedgerEntry._meta.db_table, Bill._meta.db_table, Account._meta.db_table


def _statements(accounts: str, params: list, *, on: date) -> dict[int, Statement]:
    """The statement of each account that the SQL `accounts` (a subquery of account ids, with `params`)
    names, in one query: a row per account (its balance, its latest bill's id: those bills fetched after in
    one more), then a row per bill of the months not yet due (current or replaced by a correction, with its
    entries' sums), from which `arrears`, the one definition of past due, reads what those months ask and
    by when. Plain SQL: this runs on the portal's home and bills pages, and building the ORM queries cost
    more than running them."""
    kinds = [str(k) for k in ASKED_BY_A_BILL]
    open_months = (
        f"SELECT cycle FROM {_BILLS} WHERE account_id IN ({accounts}) AND is_current = %s "  # noqa: S608 (fixed names, placeholders)
        "AND (due_on >= %s OR increase_due_on >= %s)"
    )
    sql = (
        "SELECT 0, a.id, NULL, "  # noqa: S608 (fixed names, placeholders)
        f"(SELECT id FROM {_BILLS} WHERE account_id = a.id AND is_current = %s "
        "ORDER BY cycle DESC, id DESC LIMIT 1), NULL, NULL, NULL, "
        f"(SELECT SUM(amount) FROM {_LEDGER} WHERE account_id = a.id), NULL "
        f"FROM {_ACCOUNTS} a WHERE a.id IN ({accounts}) "
        "UNION ALL "
        "SELECT 1, b.account_id, b.cycle, b.id, b.is_current, b.due_on, b.increase_due_on, "
        f"SUM(CASE WHEN e.kind IN ({', '.join(['%s'] * len(kinds))}) THEN e.amount END), "
        "SUM(CASE WHEN e.kind = %s THEN e.amount END) "
        f"FROM {_BILLS} b LEFT JOIN {_LEDGER} e ON e.bill_id = b.id "
        f"WHERE b.account_id IN ({accounts}) AND b.cycle IN ({open_months}) "
        "GROUP BY b.id, b.account_id, b.cycle, b.is_current, b.due_on, b.increase_due_on"
    )
    args = [True, *params, *kinds, str(LedgerEntry.Kind.REBILL_CREDIT), *params, *params, True, on, on]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    heads = sorted((int(r[1]), r[3], r[7]) for r in rows if r[0] == 0)
    upcoming = not_yet_due([billed_row(*r[1:], None, None) for r in rows if r[0] == 1], on=on)
    latest = Bill.objects.in_bulk([latest_id for _, latest_id, _ in heads if latest_id is not None])
    found = {}
    for account_id, latest_id, owed in heads:
        owed, bill, parts = cents(owed), latest.get(latest_id), upcoming.get(account_id, [])
        next_due = min((p.due_on for p in parts), default=None)
        latest_due = (bill.increase_due_on or bill.due_on) if bill else None
        found[account_id] = Statement(
            balance=owed,
            past_due=past_due_from(owed, cents(sum((p.amount for p in parts), ZERO))),
            due_on=(next_due or latest_due) if owed > 0 else None,
            latest_bill=bill,
        )
    return found


def statement(account_ids, *, on: date) -> Statement:
    """One account's statement (given as a list of one: `[account.pk]`). Several accounts are never added
    into one amount past due (a credit on one would hide another's arrears): `statements` reads each."""
    ids = sorted({int(i) for i in account_ids})
    if len(ids) > 1:
        raise ValueError("a statement is one account's; read several with `statements`")
    found = _statements("%s", ids, on=on) if ids else {}
    if not found:
        return Statement(balance=cents(0), past_due=ZERO, due_on=None, latest_bill=None)
    return found[ids[0]]


def statements(account_ids, *, on: date) -> Statements:
    """Each account's own statement (`Statements`), in two queries whatever their number."""
    ids = sorted({int(i) for i in account_ids})
    return Statements(_statements(", ".join(["%s"] * len(ids)), ids, on=on) if ids else {})


def statement_of_customer(*, fetched_by: gate.Actor, customer_id: int, on: date) -> Statements | None:
    """The statements of each of the customer's accounts (`statements`), or None when they have no account,
    and for an asker who may not see the customer's bills (the same answer: it costs no query)."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return None
    accounts = f"SELECT id FROM {_ACCOUNTS} WHERE customer_id = %s"  # noqa: S608 (a fixed name)
    found = _statements(accounts, [customer_id], on=on)
    return Statements(found) if found else None


def ledger_accounts(*, fetched_by: gate.Actor, customer_id: int, accounts) -> list[int]:
    """Of the customer's accounts (as `customers.selectors.accounts_of` gives them), the ids whose ledger,
    statements, deposits and refunds the asker may see: every one for the customer themself or their
    representative whose authority covers the bills, none for anyone else. Decided from the asker and the
    accounts already read: no query of its own."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return []
    return [a.pk for a in accounts if a.customer_id == int(customer_id)]


def bill_of_customer(*, fetched_by: gate.Actor, customer_id: int, bill_id: int) -> Bill | None:
    """One of the customer's bills (current or superseded), or None: another customer's bill is "no such
    bill", and so is any bill for an asker who may not see the customer's bills."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return None
    return Bill.objects.filter(pk=bill_id, customer_id=customer_id).select_related("account").first()


# A bill this many times the account's previous bill (or this fraction of it) is shown to billing staff to
# check before it is explained to the customer: a misread meter, a leak, an empty house.
HIGH_RATIO = Decimal("2")
LOW_RATIO = Decimal("0.5")
# Bills below this are too small for a ratio to mean anything.
RATIO_FLOOR = Decimal("10.00")


@dataclass(frozen=True)
class Exceptions:
    cycle: str
    estimated: list
    high: list  # (bill, previous bill)
    low: list


def billing_exceptions(cycle: str) -> Exceptions:
    """The cycle's bills that need a look, from clear columns only (nothing is opened): bills on estimated
    reads, and bills at least twice or at most half the account's bill for the month before."""

    bills = list(Bill.objects.filter(cycle=cycle, is_current=True).select_related("account"))
    previous = {
        b.account_id: b
        for b in Bill.objects.filter(
            cycle=previous_cycle(cycle), is_current=True, account_id__in=[b.account_id for b in bills]
        )
    }
    high, low = [], []
    for b in bills:
        before = previous.get(b.account_id)
        if before is None or before.total < RATIO_FLOOR or b.final:
            continue
        if b.total >= before.total * HIGH_RATIO:
            high.append((b, before))
        elif b.total <= before.total * LOW_RATIO:
            low.append((b, before))
    return Exceptions(cycle, [b for b in bills if b.estimated_services], high, low)


def latest_cycle() -> str | None:
    return Bill.objects.order_by("-cycle").values_list("cycle", flat=True).first()


def _bills_staff(asker) -> bool:
    return asker.kind == "staff" and current_policy().acts_for(asker.services, "billing")


def bill_run_list(*, fetched_by, limit: int = 10) -> tuple[list[BillRun], bool]:
    """The latest bill runs and whether one is queued or running, for staff acting for billing; none for
    anyone else."""
    if not _bills_staff(fetched_by):
        return [], False
    return runs_latest(BillRun, limit=limit)


def bill_for(*, fetched_by, bill_id) -> Bill | None:
    """A bill's record with its account (its content is read through the gate: `bill_document`), for staff
    acting for billing; None for anyone else, the same as for a bill that does not exist."""
    if not _bills_staff(fetched_by):
        return None
    return Bill.objects.select_related("account").filter(pk=bill_id).first()


def bills_of_account(*, fetched_by, account_id: int, limit: int = 36) -> list[Bill]:
    """An account's bills, newest cycle first, for staff acting for billing or collecting payments."""
    if fetched_by.kind != "staff" or not current_policy().acts_for(
        fetched_by.services, "billing", "collecting_payments"
    ):
        return []
    return list(Bill.objects.filter(account_id=account_id).order_by("-cycle", "-pk")[:limit])


def bill_ref_prefix(account_id: int) -> str:
    """The start of the refs of an account's bills' sealed documents (the bill run names each
    `bill/<account>/<cycle>/<stamp>`)."""
    return f"{BILL_REF_ROOT}{int(account_id)}/"


def account_bills_read(
    *, actor, account: Account, purpose: str, client_ip: str = "", showing_home: bool = False
) -> tuple[list, str]:
    """An account's bills (`bills_of_account`) for a member of staff, with the account number printed on its
    latest bill ("" before its first): read through the gate for `purpose` (`_bills_revealed`), one access
    event naming the bills and the number shown, counted like the member's other reads; with `showing_home`,
    the facts of the home at the service address the page shows beside them (its type, heating fuel, ZIP
    code), which the purpose must allow too. Raises gate.Denied (Held, Destroyed) like any read, and then
    nothing of the bills is to be shown."""
    bills = list(bills_of_account(fetched_by=actor, account_id=account.pk))
    showing = (("account_number",) if bills else ()) + ((SERVICE_ADDRESS,) if showing_home else ())
    read = {"purpose": purpose, "client_ip": client_ip, **({"showing": showing} if showing else {})}
    prefix = bill_ref_prefix(account.pk)
    docs = _bills_revealed(
        actor=actor, customer_id=account.customer_id, bills=bills, ref_prefix=prefix, **read
    )
    content = {d.ref: d.content for d in docs}
    latest = next((content[b.document_ref] for b in bills if b.document_ref in content), None)
    return bills, (bill_content_read(latest).get("account_number", "") if latest is not None else "")


@dataclass(frozen=True)
class PeriodStatement:
    """A statement of account for a period: what was owed before it, each entry posted in it (charges, late
    fees, payments, returned payments, credits), and what was owed at its end; the ledger's clear amounts."""

    start: date
    end: date
    opening: Decimal
    entries: list
    closing: Decimal


def period_statement(account_ids, *, start: date, end: date) -> PeriodStatement:
    ids = list(account_ids)
    opening = cents(
        LedgerEntry.objects.filter(account_id__in=ids, posted_on__lt=start).aggregate(s=Sum("amount"))["s"]
    )
    entries = list(ledger_of(ids).filter(posted_on__gte=start, posted_on__lte=end))
    closing = cents(opening + sum((e.amount for e in entries), Decimal("0.00")))
    return PeriodStatement(start, end, opening, entries, closing)


def deposits_of(account_ids) -> list[Deposit]:
    """The accounts' deposits, newest first (amounts, dates and reasons in clear; shown to the customer whose
    accounts they are, and to billing and collections staff on an account's history)."""
    return list(Deposit.objects.filter(account_id__in=list(account_ids)).order_by("-asked_on", "-pk"))


def refunds_of(account_ids) -> list[Refund]:
    return list(Refund.objects.filter(account_id__in=list(account_ids)).order_by("-issued_on", "-pk"))


def refunds_to_send(*, fetched_by, limit: int = 100) -> list[Refund]:
    """Refunds waiting for their check, oldest first, for staff acting for billing; none for anyone else."""
    if not _bills_staff(fetched_by):
        return []
    return list(Refund.objects.filter(status=Refund.Status.TO_SEND).order_by("issued_on", "pk")[:limit])


def deposit_for(*, fetched_by, deposit_id) -> Deposit | None:
    if not _bills_staff(fetched_by):
        return None
    return Deposit.objects.filter(pk=deposit_id).first()


def refund_for(*, fetched_by, refund_id) -> Refund | None:
    if not _bills_staff(fetched_by):
        return None
    return Refund.objects.filter(pk=refund_id).first()


def replacing_bill(bill: Bill) -> Bill | None:
    """The bill that replaced a corrected one (the same customer's; clear columns only), or None."""
    return Bill.objects.filter(supersedes_id=bill.pk, customer_id=bill.customer_id).first()
