"""Writes of billing: the bill run, corrections as re-bills, late fees, and ledger postings.

The bill run reads each customer's usage, name and addresses through the gate as the billing job
(`billing_run`, purpose "billing"), one access event per customer, computes each bill with the tariff in
`Decimal`, and stores it sealed in the vault with its charge on the ledger, a chunk of customers per
transaction. A re-run skips what was billed: a run killed halfway and run again gives the same bills.

One module (over 400 lines) on purpose: the bill run, re-bills and late fees write the same ledger and the
same sealed bills, and their idempotence rests on the same checks.
"""

import gc
import hashlib
import json
import queue
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from json.encoder import c_encode_basestring, c_make_encoder
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.background import objects_held_frozen
from custodian.billing.arrears import ZERO, billed, correction_due, months_in_order
from custodian.billing.budget import Issued, budget_apply, correction_carried
from custodian.billing.compute import Usage, bill_compute, billed_period, cycle_bounds, true_up_lines
from custodian.billing.content import LINE_COLUMNS, bill_content_read
from custodian.billing.deposits import final_settle
from custodian.billing.fee_relief import fee_relief
from custodian.billing.late_fees import still_owed

# The ledger's writer and an account's balance, named here too: the payments, collections and the demo post
# and sum through the billing services.
from custodian.billing.ledger import balance_of, ledger_post  # noqa: F401
from custodian.billing.models import Bill, BillRun, LedgerEntry
from custodian.billing.permissions import BillingError, may_bill
from custodian.billing.reads import estimate_for, previous_cycle, register_months, usage_for
from custodian.billing.selectors import bill_document
from custodian.billing.tariff import current_tariff
from custodian.customers.models import Account, ServicePoint
from custodian.rows import rows_insert
from custodian.vault.choices import METER_READINGS, Channel
from custodian.vault.gate import reveal_with_intervals_many, system_actor
from custodian.vault.sealing import data_keys_kept
from custodian.vault.services import Submission, documents_seal_many

BILLING_JOB = "billing_run"
# One encoder for every bill: json.dumps with any argument builds a new encoder on each call. UTF-8 as it is
# (a name with an accent is two bytes, not a six-character escape) and no check for circular references:
# the content is plain dicts, lists and strings built here.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
# Its C part made once, too: JSONEncoder.encode makes a new one on every call, about a tenth of writing a
# bill. The same arguments as the encoder's (no markers, its default, UTF-8 strings, compact separators,
# keys unsorted, none skipped, NaN allowed), so the same bytes; the encoder itself where there is no C part.
_ENCODE_C = (
    c_make_encoder(None, _ENCODER.default, c_encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None and c_encode_basestring is not None
    else None
)


def _encode(content: dict) -> str:
    return "".join(_ENCODE_C(content, 0)) if _ENCODE_C is not None else _ENCODER.encode(content)


BILL_FIELDS = ("name", "mailing_address", "service_address", "account_number", "meter_usage")
# The interval readings a bill bills: the utility's meter's (and the retention run's totals of them), never
# a Green Button file someone uploaded or imported, which is a copy of the use, not the meter's record of it.
BILLED_READINGS = METER_READINGS
BILL_CATEGORY = "bills"
CHUNK = 1000
# A bill is computed by the utility from readings and the tariff: nothing is collected from the customer, so
# its provenance names no notice at collection (the readings it was computed from keep theirs).
BILL_SUBMISSION = Submission(
    channel=Channel.COMPUTED,
    notice_key="",
    recorded_by_label="the billing run",
    note="bill computed from meter readings and the tariff",
)


def cycle_check(cycle: str) -> str:
    try:
        first, _ = cycle_bounds(cycle)
    except ValueError as exc:
        raise BillingError(f"cycle: {exc}") from None
    try:
        current_tariff().version_on(first)
    except LookupError as exc:
        raise BillingError(f"cycle: {exc}") from None
    return cycle


def utility_today() -> date:
    """Today in the utility's time zone (settings.TIME_ZONE, from the policy file), whatever time zone a
    request has activated: a month ends at midnight in Owatonna, not in UTC."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))


def cycle_ended_check(cycle: str, *, today: date | None = None) -> str:
    """A cycle is billed once its month has ended: before then its readings are incomplete (the bill would
    estimate days already read and miss days still to come), and the bill would be issued and charged on a
    day that has not come. Refused (BillingError naming the cycle field) until the day after its last."""
    cycle_check(cycle)
    _, last = cycle_bounds(cycle)
    today = today or utility_today()
    if last >= today:
        raise BillingError(
            f"cycle: {cycle} has not ended; a month is billed from the day after its last day "
            f"({(last + timedelta(days=1)).isoformat()})"
        )
    return cycle


def accounts_to_bill(cycle: str):
    """Accounts in service during the cycle, by customer."""
    first, last = cycle_bounds(cycle)
    return (
        Account.objects.filter(opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .select_related("customer", "premise")
        .order_by("customer_id", "pk")
    )


class BilledAccount(NamedTuple):
    """What a bill needs of an account, read as one row (no model instances: the bill run reads thousands; a
    named tuple made from the row as it comes, at a third of a frozen dataclass's cost)."""

    pk: int
    customer_id: int
    premise_id: int
    opened_on: date
    closed_on: date | None
    customer_class: str
    heating_fuel: str

    @classmethod
    def of(cls, account: Account) -> "BilledAccount":
        return cls(
            account.pk,
            account.customer_id,
            account.premise_id,
            account.opened_on,
            account.closed_on,
            account.customer.customer_class,
            account.premise.heating_fuel,
        )


BILLED_COLUMNS = (
    "pk",
    "customer_id",
    "premise_id",
    "opened_on",
    "closed_on",
    "customer__customer_class",
    "premise__heating_fuel",
)


@dataclass(slots=True)
class _Prepared:
    """A bill computed and written out, waiting for its chunk to be sealed and stored: its content is kept as
    the bytes to seal, not as the dicts, lists and lines it was built from, which are freed bill by bill (a
    chunk held tens of thousands of them until it committed, for the collector to walk)."""

    account: BilledAccount
    period: tuple[date, date]
    versions: list[str]
    estimated: list[str]
    final: bool
    true_up_of: list[Bill]
    total: Decimal
    payload: bytes


def _bill_content(
    account, values, cycle, period, issued_on, due_on, lines, versions, estimated, usages, status, total
):
    content = {
        "cycle": cycle,
        "period": [period[0].isoformat(), period[1].isoformat()],
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "tariff_versions": versions,
        "tariff_status": status,
        "name": values.get("name", ""),
        "mailing_address": values.get("mailing_address", ""),
        "service_address": values.get("service_address", ""),
        "account_number": values.get("account_number", ""),
        "final": account.closed_on is not None and account.closed_on <= period[1],
        "usage": [
            {"service": u.service, "quantity": str(u.quantity), "estimated": u.estimated} for u in usages
        ],
        "estimated_services": estimated,
        # The lines as rows under one header (`LINE_COLUMNS`), not a dict each: the same JSON with its seven
        # keys written once, about half the bytes to encode, seal and store. `bill_content_read` gives
        # readers the lines as dicts, whichever way a bill was written.
        "line_columns": LINE_COLUMNS,
        "lines": [
            (
                line.service,
                line.description,
                None if line.quantity is None else str(line.quantity),
                line.unit,
                None if line.price is None else str(line.price),
                str(line.amount),
                line.version,
            )
            for line in lines
        ],
        "total": str(total),
    }
    return content


def _prepare(
    account, cycle, values, blocks_by_service, services, issued_on, due_on, pending_true_ups, corrects=None
):
    """The bill of one account: computed, with its content written out as the JSON to seal. `corrects`: what
    a correction says of the bill it replaces, kept in its content."""
    tariff = current_tariff()
    period = billed_period(cycle, account.opened_on, account.closed_on)
    document = json.loads(values.get("meter_usage") or "{}")  # parsed once for every service
    usages: list[Usage] = [
        usage_for(service=s, cycle=cycle, document=document, block=blocks_by_service.get(s)) for s in services
    ]
    computed = bill_compute(
        tariff,
        cycle=cycle,
        customer_class=account.customer_class,
        heating_fuel=account.heating_fuel,
        period=period,
        usages=usages,
    )
    lines = list(computed.lines)
    trued = []
    for earlier in pending_true_ups:
        changed = False
        for service in earlier.estimated_services.split(","):
            months = register_months(document, service)
            actual = months.get(earlier.cycle)
            if not service or actual is None or actual.get("estimated"):
                continue
            estimated = _estimated_quantity(earlier, service, document)
            lines += true_up_lines(
                tariff,
                cycle=earlier.cycle,
                customer_class=account.customer_class,
                service=service,
                estimated=estimated,
                actual=Decimal(str(actual["total"])),
            )
            changed = True
        if changed:
            trued.append(earlier)
    estimated = [u.service for u in usages if u.estimated]
    total = sum((line.amount for line in lines), Decimal("0.00"))
    content = _bill_content(
        account,
        values,
        cycle,
        period,
        issued_on,
        due_on,
        lines,
        computed.versions,
        estimated,
        usages,
        tariff.status,
        total,
    )
    if corrects is not None:
        content["corrects"] = corrects
    # The content's keys in the order it is built (the same for every bill), not sorted: the digest is of
    # these bytes, sealed as they are, and sorting every bill's keys cost a third of writing its JSON.
    payload = _encode(content).encode()
    return _Prepared(account, period, computed.versions, estimated, content["final"], trued, total, payload)


def _estimated_quantity(earlier: Bill, service: str, document: str | None) -> Decimal:
    """What the earlier bill estimated: the same rule applied to the reads that were held before its cycle."""

    months = register_months(document, service)
    entry = months.get(earlier.cycle)
    if entry is not None and entry.get("estimated"):
        return Decimal(str(entry["total"]))
    return estimate_for({k: v for k, v in months.items() if k < earlier.cycle}, earlier.cycle)


def _issue(
    prepared: list[_Prepared],
    cycle: str,
    issued_on: date,
    due_on: date,
    run,
    supersedes=None,
    reason="",
    by=None,
    settle_by=None,
) -> list[int]:
    """Seal the bills' content, create the bills and their ledger charges: one transaction for the chunk,
    one `executemany` per table (custodian.rows). Returns the new bills' ids, in the order prepared."""
    if not prepared:
        return []
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    bills, items = [], []
    for i, p in enumerate(prepared):
        payload = p.payload
        ref = f"bill/{p.account.pk}/{cycle}/{stamp}{i:05d}"
        items.append((p.account.customer_id, ref, payload, "application/json"))
        bills.append(
            {
                "account_id": p.account.pk,
                "customer_id": p.account.customer_id,
                "cycle": cycle,
                "period_start": p.period[0],
                "period_end": p.period[1],
                "issued_on": issued_on,
                "due_on": due_on,
                "tariff_versions": ",".join(p.versions),
                "total": p.total,
                "estimated_services": ",".join(p.estimated),
                "final": p.final,
                "document_ref": ref,
                "content_sha256": hashlib.sha256(payload).hexdigest(),
                "run_id": run.pk if run is not None else None,
                "supersedes_id": supersedes.pk if supersedes is not None else None,
                "rebill_reason": reason,
                "rebilled_by_id": by.pk if by is not None else None,
            }
        )
    documents_seal_many(category=BILL_CATEGORY, items=items, submission=BILL_SUBMISSION)
    rows_insert(Bill, bills)
    # The new bills are the current ones of their accounts for the cycle (one at most, by a constraint):
    # found by the chunk's range of account ids rather than a list of a thousand references.
    accounts = [b["account_id"] for b in bills]
    id_of = dict(
        Bill.objects.filter(
            cycle=cycle, is_current=True, account_id__gte=min(accounts), account_id__lte=max(accounts)
        ).values_list("account_id", "pk")
    )
    ids = [id_of[a] for a in accounts]
    memo = f"Bill for {cycle}" + (" (corrected)" if supersedes else "")
    rows_insert(
        LedgerEntry,
        [
            {
                "account_id": b["account_id"],
                "kind": LedgerEntry.Kind.CHARGE,
                "amount": b["total"],
                "posted_on": issued_on,
                "bill_id": bill_id,
                "reference": "",
                "memo": memo,
            }
            for b, bill_id in zip(bills, ids, strict=True)
        ],
    )
    # Budget billing first: a final bill settles the plan before the account's credit is refunded.
    budget_apply(
        issued=[
            Issued(
                bill_id=bill_id,
                account_id=b["account_id"],
                cycle=cycle,
                total=b["total"],
                final=b["final"],
                replaces_total=supersedes.total if supersedes is not None else None,
            )
            for b, bill_id in zip(bills, ids, strict=True)
        ],
        on=issued_on,
        by=settle_by or by,
    )
    for p, bill_id in zip(prepared, ids, strict=True):
        if p.true_up_of:
            Bill.objects.filter(pk__in=[b.pk for b in p.true_up_of]).update(trued_up_in_id=bill_id)
        if p.final:
            # The final bill settles the account: a held deposit returned, the credit left refunded.
            final_settle(bill=Bill.objects.get(pk=bill_id), on=issued_on, by=settle_by or by)
    return ids


def bill_run(
    *,
    cycle: str,
    issued_on: date | None = None,
    run: BillRun | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
    started_by=None,
) -> int:
    """Bill every account in service during `cycle` that has no bill for it yet. Returns the number of
    bills issued. Safe to re-run: each chunk commits its bills together, and billed accounts are skipped.
    `started_by`: the staff member who started the run (None: a scheduled run), checked and named on its
    access events."""
    if started_by is not None and not may_bill(started_by):
        raise BillingError("only billing staff start a bill run")
    today = utility_today()
    cycle_ended_check(cycle, today=today)
    _, last = cycle_bounds(cycle)
    issued_on = issued_on or last + timedelta(days=1)
    if issued_on > today:
        raise BillingError(
            f"issued_on: a bill is not issued on a day still to come ({issued_on.isoformat()})"
        )
    due_on = issued_on + timedelta(days=current_tariff().due_days)
    actor = system_actor(BILLING_JOB, on_behalf_of=started_by)
    # A chunk of accounts at a time, by id, so memory stays flat in the number of accounts: the accounts, the
    # bills already issued and the premises' services are read chunk by chunk.
    to_bill = accounts_to_bill(cycle).order_by("pk")

    def bill_part(part: list[BilledAccount]) -> int:
        # The chunk is a range of account ids: the bills already issued and the premises' services are read
        # by that range and by a subquery, not by lists of a thousand ids.
        first, last_id = part[0].pk, part[-1].pk
        billed = set(
            Bill.objects.filter(
                cycle=cycle, is_current=True, account_id__gte=first, account_id__lte=last_id
            ).values_list("account_id", flat=True)
        )
        todo = [a for a in part if a.pk not in billed]
        if not todo:
            return 0
        services_by_premise = services_of_premises(
            to_bill.filter(pk__gte=first, pk__lte=last_id).values("premise_id")
        )
        issued = _bill_chunk(todo, cycle, issued_on, due_on, actor, services_by_premise, run)
        between_chunks()
        return issued

    parts = _parts(to_bill, chunk)
    with _collected_between_chunks() as between_chunks:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            return _overlapped(parts, bill_part, progress)
        issued = 0
        for part in parts:
            issued += bill_part(part)
            if progress:
                progress(len(part))
        return issued


@contextmanager
def _collected_between_chunks():
    """The garbage collector runs between chunks, not within them. A chunk keeps tens of thousands of lists,
    dicts and lines alive until it commits, and the collector's automatic passes, set off by allocations,
    walked them again and again while they piled up, finding nothing (what a chunk leaves behind is freed by
    reference counting as it goes): about a twelfth of a run's time. So automatic collection is off during
    the run, and the caller collects once after each chunk (`between_chunks()`), when the chunk's objects
    are gone: whatever cyclic garbage a chunk made is freed with it, and memory stays as flat as before.
    The objects alive before the run (the process's modules, settings, caches: about 160,000 of them) are
    frozen for it, so those collections walk only the run's own objects; a process that froze its objects
    itself (a server preloading the application before forking) keeps them frozen. Both are undone when the
    run ends, whichever way it ends. A process that turned automatic collection off keeps it off, and
    nothing is collected for it."""
    if not gc.isenabled():
        yield lambda: None
        return
    with objects_held_frozen():
        gc.disable()
        try:
            yield gc.collect
        finally:
            gc.enable()


def _parts(to_bill, chunk: int):
    """The accounts to bill, a chunk at a time by id."""
    after = 0
    while True:
        part = [
            BilledAccount._make(row)
            for row in to_bill.filter(pk__gt=after)[:chunk].values_list(*BILLED_COLUMNS)
        ]
        if not part:
            return
        after = part[-1].pk
        yield part


OVERLAP = 2  # chunks in flight on PostgreSQL


def _overlapped(parts, bill_part: Callable[[list], int], progress) -> int:
    """On PostgreSQL, two chunks in flight, each in its own transaction on its own connection: while one
    waits for the server (its rows copied in, its commit flushed to disk, a third of a chunk's time), the
    other computes its bills. Each chunk is still read, logged, sealed and committed whole, as in the
    sequential run, and a killed run re-run skips what was committed. SQLite keeps one writer at a time, and
    a caller's open transaction can't be shared with other connections: both bill sequentially."""
    work: queue.Queue = queue.Queue(maxsize=1)  # the next chunk waits here: memory stays two or three chunks
    lock = threading.Lock()
    state = {"issued": 0, "error": None}

    def worker():
        try:
            while (part := work.get()) is not None:
                if state["error"] is not None:
                    continue  # drain: a chunk failed, nothing more is billed
                try:
                    n = bill_part(part)
                except BaseException as exc:  # handed to the caller's thread, raised there
                    with lock:
                        state["error"] = state["error"] or exc
                    continue
                with lock:
                    state["issued"] += n
                    if progress:
                        progress(len(part))
        finally:
            connection.close()  # this thread's own

    threads = [threading.Thread(target=worker, name=f"bill-run-{i}") for i in range(OVERLAP)]
    for t in threads:
        t.start()
    try:
        for part in parts:
            if state["error"] is not None:
                break
            work.put(part)
    finally:
        for _ in threads:
            work.put(None)
        for t in threads:
            t.join()
    if state["error"] is not None:
        raise state["error"]
    return state["issued"]


def services_of_premises(premise_ids) -> dict[int, list[str]]:
    """Each premise's services, sorted."""
    out: dict[int, list[str]] = {}
    if not hasattr(premise_ids, "query"):  # a subquery stays one
        premise_ids = list(premise_ids)
    for premise_id, service in ServicePoint.objects.filter(premise_id__in=premise_ids).values_list(
        "premise_id", "service"
    ):
        out.setdefault(premise_id, []).append(service)
    return {p: sorted(s) for p, s in out.items()}


def _bill_chunk(part, cycle, issued_on, due_on, actor, services_by_premise, run, settle_by=None) -> int:
    previous = previous_cycle(cycle)
    # One transaction for the chunk, its data keys unwrapped once: by the gate to open the values it
    # decided to reveal (and logged), then to seal the bills.
    with transaction.atomic(), data_keys_kept():
        values, blocks = reveal_with_intervals_many(
            actor=actor,
            customer_ids=[a.customer_id for a in part],
            fields=BILL_FIELDS,
            purpose="billing",
            months=[cycle],
            action=Action.BILL_RUN,
            collected_by=BILLED_READINGS,
        )
        by_customer: dict[int, dict[str, object]] = {}
        for block in blocks:
            by_customer.setdefault(block.customer_id, {})[block.service] = block
        pending: dict[int, list[Bill]] = {}
        wanted = {a.pk for a in part}
        # By the range of the chunk's account ids and the cycle (the current bills' index); not trued up yet
        # is checked here: asked of the database, "no true-up" (NULL) matches nearly every bill, and SQLite
        # then scans them all by that column's index.
        for b in Bill.objects.filter(
            account_id__gte=min(wanted), account_id__lte=max(wanted), cycle=previous, is_current=True
        ).exclude(estimated_services=""):
            if b.account_id in wanted and b.trued_up_in_id is None:
                pending.setdefault(b.account_id, []).append(b)
        prepared = [
            _prepare(
                a,
                cycle,
                values.get(a.customer_id, {}),
                by_customer.get(a.customer_id, {}),
                sorted(services_by_premise.get(a.premise_id, [])),
                issued_on,
                due_on,
                pending.get(a.pk, []),
            )
            for a in part
        ]
        return len(_issue(prepared, cycle, issued_on, due_on, run, settle_by=settle_by))


# What a re-bill may change of a bill: everything but when it was issued, when it is due and what it corrects.
# A correction that changes none of it is refused: it would only move the bill's money about on the ledger.
_NOT_COMPARED = ("issued_on", "due_on", "due_parts", "corrects")


def _same_bill(old: dict, new: dict) -> bool:
    return {k: v for k, v in old.items() if k not in _NOT_COMPARED} == {
        k: v for k, v in new.items() if k not in _NOT_COMPARED
    }


@transaction.atomic
def bill_correct(*, bill_id: int, reason: str, by, issued_on: date | None = None) -> Bill:
    """A correction is a re-bill, never an edit: the bill is recomputed from the usage held now (a fixed
    read, a corrected tariff), the old one is marked superseded and credited on the ledger, the new one
    charged; both stay, and the new one names the old and the reason. Only billing staff correct (`by`,
    named on the re-read's access event).

    The corrected bill keeps the original's due date: a correction fixes what was billed, it gives no more
    time to pay (what was past due stays past due, and a late fee charged on the original is not charged
    again: `late_fees_assess`). A correction that asks more gives its increase its own due date, the
    correction's issue date plus the tariff's days to pay (`arrears.correction_due`, the one rule): the
    bill's content then lists what is due by each date (`due_parts`). A correction whose bill computes the
    same as the original (lines, usage, name and addresses) is refused: nothing changed, so there is nothing
    to re-bill."""
    if not may_bill(by):
        raise BillingError("only billing staff correct bills")
    if len((reason or "").strip()) < 5:
        raise BillingError("a correction needs its reason")
    old = (
        Bill.objects.select_for_update().filter(pk=bill_id, is_current=True).select_related("account").first()
    )
    if old is None:
        raise BillingError("no such current bill")
    account = Account.objects.select_related("customer", "premise").get(pk=old.account_id)
    issued_on = issued_on or utility_today()
    due_on = old.due_on
    actor = system_actor(BILLING_JOB, on_behalf_of=by)
    values, blocks = reveal_with_intervals_many(
        actor=actor,
        customer_ids=[account.customer_id],
        fields=BILL_FIELDS,
        purpose="billing",
        months=[old.cycle],
        action=Action.REBILL,
        collected_by=BILLED_READINGS,
    )
    services = sorted(
        ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
    )
    prepared = _prepare(
        BilledAccount.of(account),
        old.cycle,
        values.get(account.customer_id, {}),
        {b.service: b for b in blocks},
        services,
        issued_on,
        due_on,
        [],
        corrects={"bill": old.pk, "reason": reason.strip()},
    )
    before = bill_document(actor=actor, bill=old, purpose="billing")
    if _same_bill(before, bill_content_read(prepared.payload)):
        raise BillingError(
            f"nothing changed: bill {old.pk}, computed again from the readings, the tariff and the details "
            "held now, comes out the same bill, so there is nothing to re-bill. Correct the meter read or "
            "the detail first, then re-bill"
        )
    # On budget billing the month still asks what it asked (the difference is carried): no increase.
    more = ZERO if correction_carried(account.pk, old.cycle) else prepared.total - old.total
    increase_due_on, parts = correction_due(
        replaced=old, asks_more_by=more, issued_on=issued_on, days_to_pay=current_tariff().due_days
    )
    if increase_due_on is not None:
        content = json.loads(prepared.payload)
        content["due_parts"] = [[p.due_on.isoformat(), str(p.amount)] for p in parts]
        prepared.payload = _encode(content).encode()
    old.is_current = False
    old.save(update_fields=["is_current"])
    ledger_post(
        bill=old,
        kind=LedgerEntry.Kind.REBILL_CREDIT,
        amount=-old.total,
        posted_on=issued_on,
        memo=f"Bill for {old.cycle} replaced: {reason.strip()}"[:200],
    )
    (bill_id,) = _issue(
        [prepared], old.cycle, issued_on, due_on, None, supersedes=old, reason=reason.strip(), by=by
    )
    if increase_due_on is not None:
        Bill.objects.filter(pk=bill_id).update(increase_due_on=increase_due_on)
    return Bill.objects.get(pk=bill_id)


def late_fees_assess(*, as_of: date) -> int:
    """A late payment charge (the tariff's percent of what is still owed, at least its minimum) on each
    month's current bill past its due date while the account owes what it asked; once per bill (a database
    constraint makes a second assessment impossible), and once per account and cycle (not again on a
    correction). What a month asked is read as `arrears` reads it: on budget billing the level amount and
    any true-up settled with it, not the month's computed total (the fee is on what the customer was asked to
    pay and did not); a correction's increase only once its own due date has passed. Never a charge on a
    charge: what is still owed is counted without the late payment charges posted (the tariff charges a fee
    on what a bill asked, so an account that owes only earlier fees is charged none). Nor on the arrears a
    payment agreement pays (`billing.fee_relief`: its bills, and what it still lets be owed on a later bill's
    due date). Returns the number of fees posted."""
    tariff = current_tariff()
    spared = fee_relief()
    posted = 0
    # Once per cycle of an account, too: a corrected bill keeps its original's due date, and a fee charged on
    # the original is not charged again on the correction.
    fee_in_cycle = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LATE_FEE, bill__account_id=OuterRef("account_id"), bill__cycle=OuterRef("cycle")
    )
    # A month's bills share its first due date: the months with a part past due, every bill of each.
    for bills in months_in_order(billed(Bill.objects.filter(due_on__lt=as_of).exclude(Exists(fee_in_cycle)))):
        owed = still_owed(bills, as_of=as_of, spared=spared)
        if owed is None or owed.unpaid <= 0:
            continue
        unpaid, due_on = owed.unpaid, owed.due_on
        fee = max(tariff.round(unpaid * tariff.late_fee_percent / 100), tariff.late_fee_minimum)
        with transaction.atomic():
            ledger_post(
                bill=Bill.objects.get(pk=owed.bill_id),
                kind=LedgerEntry.Kind.LATE_FEE,
                amount=fee,
                posted_on=due_on + timedelta(days=1),
                memo=f"Late payment charge on the {owed.cycle} bill",
            )
        posted += 1
    return posted
