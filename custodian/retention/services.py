"""The retention run: what the policy file's schedule says is past its period, destroyed, with a destruction
record per schedule item (what, how many, how, under which item as cited that day).

- `retention_due(as_of)`: what is due, with counts (the dry run); nothing is read or changed.
- `retention_run(as_of, ...)`: the real run, item by item, each item in its own transaction (the interval
  store's files right after), so a run killed halfway is finished by the next one and nothing is destroyed
  twice:
  - closed accounts past their period: the customer's data is crypto-shredded (`vault.services`: the data key
    first, then the sealed values, documents and interval blocks), their portal sign-in and peer-group
    membership removed, and every digest of their values forgotten by the step an erasure takes
    (`retention.forgetting`: the outbox's address index, the sign-in records' names, requests' source keys,
    the contact details a verified request arrived with). A customer with an open request is held (a request
    or a dispute in progress stops the clock), and listed as held;
  - earlier values replaced longer ago than their period: the sealed rows deleted;
  - interval readings of months past their period, for customers still on file: each month's readings are read
    through the gate as the `retention` job and replaced by the month's total (one sealed reading; a demand
    series keeps its month's peak, `usage.intervals.month_figure`), so bills and year-on-year figures still
    have their months; every block of the month goes, the readings off the grid and the quality codes too
    (`retention.interval_totals`);
  - access-log event contents past their period: redacted in the verifiable log (the event's content removed,
    its leaf hash kept, so proofs still verify);
  - the accounting of disclosures: never destroyed before its period (at least six years, the loader refuses
    less); entries past it are listed as due for the privacy officer, not destroyed by the run;
  - web statistics past their period: deleted.

After the schedule's items, the rows kept only while they can still matter, which no schedule item names
(`custodian.housekeeping`: a spent OAuth authorization code once the tokens issued from it can't be live),
are pruned by what their app registered, each in its own transaction, and counted; judged at the moment of
the run, whatever its as-of day.

Over 400 lines on purpose: the run is one sequence of items whose order matters (accounts before their
values, readings' totals before the months are dropped, the store's files after their rows), and it reads
best whole, with the dry run's counts beside the run that destroys.

The as-of day of a real run can't be in the future (a dry run may look ahead).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from custodian.analytics.purge import page_views_due
from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.audit.redaction import events_redact
from custodian.casework.choices import RequestStatus
from custodian.customers.models import Customer
from custodian.disclosures.models import DisclosureEntry
from custodian.housekeeping import Prune, prunes
from custodian.policy.loader import RetentionItem, current_policy
from custodian.retention.forgetting import digests_forget
from custodian.retention.interval_totals import held_reading_by_reading, months_reduced, series_of
from custodian.retention.models import DestructionRecord, RetentionRun
from custodian.retention.online_accounts import online_accounts_delete
from custodian.usage.intervals import PERIODS
from custodian.usage.models import PeerGroupMember
from custodian.vault import interval_files
from custodian.vault.choices import Channel
from custodian.vault.gate import reveal_intervals_many, system_actor
from custodian.vault.models import DataDestruction
from custodian.vault.services import (
    Destroyed,
    Submission,
    customers_data_destroy,
    interval_blocks_record,
    replaced_before,
    replaced_values_destroy,
)

RETENTION_JOB = "retention"
CHUNK = 200  # customers read and summed together; their store locks are held at once (a file each)


class RetentionError(ValueError):
    """A run that can't be done as asked; the message says why."""


def cutoff_of(item: RetentionItem, as_of: date) -> datetime:
    """The moment before which a record of this item is past its period on `as_of` (local midnight)."""
    return item.first_moment_kept(as_of)


def citation_of(item: RetentionItem) -> str:
    mark = "" if item.confirmed else " (item to be confirmed)"
    return f"{item.schedule}: {item.schedule_item}{mark}"[:400]


@dataclass
class Due:
    item: RetentionItem
    cutoff: datetime
    count: int
    unit: str
    details: dict = field(default_factory=dict)
    note: str = ""


# --- what is due ------------------------------------------------------------------------------------------


def _closed_accounts(cutoff: datetime) -> tuple[list[int], list[int]]:
    """(due, held): customers whose accounts are all closed, the last before the cutoff, not yet destroyed;
    those with an open request are held."""

    destroyed = DataDestruction.objects.values("customer_id")
    candidates = (
        Customer.objects.annotate(
            open_accounts=Count("accounts", filter=Q(accounts__closed_on__isnull=True)),
            last_closed=Max("accounts__closed_on"),
            any_accounts=Count("accounts"),
        )
        .filter(any_accounts__gt=0, open_accounts=0, last_closed__lt=timezone.localdate(cutoff))
        .exclude(pk__in=destroyed)
    )
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    held = set(
        Customer.objects.filter(pk__in=ids, requests__status=RequestStatus.OPEN).values_list("pk", flat=True)
    )
    return [c for c in ids if c not in held], sorted(held)


def _interval_months_due(cutoff: datetime, leaving: frozenset[int] = frozenset()) -> dict[int, list[str]]:
    """Customers (not destroyed, nor `leaving`: due for destruction in the same run) and their months,
    entirely before the cutoff, still held reading by reading."""

    last_month = timezone.localdate(cutoff).strftime("%Y-%m")
    months = [m for m in interval_files.months_stored() if m < last_month]
    if not months:
        return {}
    destroyed = set(DataDestruction.objects.values_list("customer_id", flat=True))
    due: dict[int, set[str]] = defaultdict(set)
    for cid, service, month, _interval, count in interval_files.block_index(months=months):
        if held_reading_by_reading(service, count) and cid not in destroyed and cid not in leaving:
            due[cid].add(month)
    return {cid: sorted(ms) for cid, ms in due.items()}


def _interval_counts(due: dict[int, list[str]]) -> tuple[int, int]:
    """(series-months to reduce to their totals, readings they hold), from the clear columns: a block off the
    grid holds three values a reading (`usage.intervals.encode_periods`), a block of codes no reading."""

    if not due:
        return 0, 0
    months = sorted({m for ms in due.values() for m in ms})
    series, readings = set(), 0
    for cid, service, month, _interval, count in interval_files.block_index(
        months=months, customer_ids=list(due)
    ):
        if month in due.get(cid, ()) and held_reading_by_reading(service, count):
            series.add((cid, series_of(service), month))
            if service.endswith(PERIODS):
                readings += count // 3
            elif "~" not in service:
                readings += count
    return len(series), readings


def _access_events(cutoff: datetime):

    return AccessEvent.objects.filter(at_us__lt=int(cutoff.timestamp() * 1_000_000))


def _disclosure_entries(cutoff: datetime):

    return DisclosureEntry.objects.filter(disclosed_at__lt=cutoff)


def retention_due(*, as_of: date | None = None) -> list[Due]:
    """What each schedule item has past its period on `as_of` (default today), with counts. Reads only clear
    columns; changes nothing."""
    as_of = as_of or timezone.localdate()
    out = []
    leaving: frozenset[int] = frozenset()
    for key, item in current_policy().retention_schedule.items():
        cutoff = cutoff_of(item, as_of)
        if key == "closed_accounts":
            due, held = _closed_accounts(cutoff)
            leaving = frozenset(due)
            out.append(Due(item, cutoff, len(due), "customers", {"held_for_open_requests": len(held)}))
        elif key == "replaced_values":
            out.append(Due(item, cutoff, replaced_before(cutoff).count(), "earlier values"))
        elif key == "interval_readings":
            months = _interval_months_due(cutoff, leaving)
            blocks, readings = _interval_counts(months)
            out.append(
                Due(item, cutoff, blocks, "customer-months", {"customers": len(months), "readings": readings})
            )
        elif key == "access_log":
            out.append(Due(item, cutoff, _access_events(cutoff).count(), "events"))
        elif key == "disclosure_accounting":
            out.append(
                Due(
                    item,
                    cutoff,
                    _disclosure_entries(cutoff).count(),
                    "entries",
                    note="kept: listed for the privacy officer, never destroyed by the run",
                )
            )
        elif key == "web_analytics":
            out.append(Due(item, cutoff, page_views_due(as_of).count(), "page views"))
        else:
            out.append(Due(item, cutoff, 0, "", note="no destruction is defined for this item"))
    return out


# --- the run ----------------------------------------------------------------------------------------------


def _record(run, due: Due, *, method: str, count: int, **details) -> DestructionRecord:
    """The destruction record of one schedule item's run: what the item names, how it was destroyed, how
    many, and the counts behind that figure."""
    return DestructionRecord.objects.create(
        run=run,
        schedule_item=due.item.key,
        citation=citation_of(due.item),
        period=due.item.period_text,
        cutoff=due.cutoff,
        what=due.item.label[:300],
        method=method[:200],
        count=count,
        details=details,
        destroyed_at=timezone.now(),
    )


def _destroy_closed_accounts(run, due: Due) -> DestructionRecord:

    ids, held = _closed_accounts(due.cutoff)
    total = Destroyed()
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        with transaction.atomic():
            # What outlives the values unless forgotten with them, as an erasure forgets it (one step).
            arrived_with = digests_forget(customer_ids=part)
            online_accounts_delete(part)
            PeerGroupMember.objects.filter(customer_id__in=part).delete()
        done = customers_data_destroy(
            customer_ids=part, schedule_item=due.item.key, record_ref=f"retention run {run.pk}"
        )
        total = Destroyed(
            customers=total.customers + done.customers,
            values=total.values + done.values + arrived_with,
            documents=total.documents + done.documents,
            interval_blocks=total.interval_blocks + done.interval_blocks,
        )
    return _record(
        run,
        due,
        method="crypto-shredding: data key destroyed, then the sealed values, documents and interval blocks",
        count=total.customers,
        **asdict(total),
        held_for_open_requests=len(held),
    )


def _sum_interval_months(run, due: Due) -> DestructionRecord:

    months_due = _interval_months_due(due.cutoff)
    actor = system_actor(RETENTION_JOB)
    submission = Submission(
        channel=Channel.METER,
        notice_key="metering",
        recorded_by_label="the retention run",
        note=f"monthly totals kept under retention schedule item {due.item.key} (run {run.pk})",
    )
    blocks_done = readings_done = 0
    customers = sorted(c for c in months_due if Customer.objects.filter(pk=c).exists())
    for start in range(0, len(customers), CHUNK):
        part = customers[start : start + CHUNK]
        months = sorted({m for c in part for m in months_due[c]})
        # The customers' locks from the read to the write, as an import holds its customer's: an import
        # that stored readings in between would have them replaced by totals made without them.
        with interval_files.customers_locked(part):
            opened = reveal_intervals_many(
                actor=actor,
                customer_ids=part,
                purpose="providing_services",
                months=months,
                action=Action.RETENTION_MONTHLY_TOTALS,
            )
            # Every block of the month goes, not only its grid: the readings off the grid and every
            # reading's quality code are the month's readings too (`retention.interval_totals`).
            reduced = months_reduced(opened, months_due)
            del opened
            if reduced.totals or reduced.removing:
                interval_blocks_record(
                    blocks=reduced.totals, submission=submission, removing=reduced.removing
                )
            blocks_done += reduced.series_months
            readings_done += reduced.readings
    return _record(
        run,
        due,
        method=(
            "readings within each month replaced by the month's total, a demand series' by its peak "
            "(sealed, one reading per month)"
        ),
        count=blocks_done,
        customers=len(customers),
        customer_months=blocks_done,
        readings=readings_done,
    )


def _redact_access_log(run, due: Due) -> DestructionRecord:
    """Past events redacted through the verifiable log: the content removed, each leaf and its hash kept, so
    the tree, its signed heads and every proof and receipt issued before still verify."""

    reason = f"retention run {run.pk}: schedule item {due.item.key} ({due.item.period_text})"
    count = events_redact(before_us=int(due.cutoff.timestamp() * 1_000_000), reason=reason)
    method = "event content removed; its leaf hash stays in the verifiable log"
    return _record(run, due, method=method, count=count, events=count)


@transaction.atomic
def _destroy_replaced_values(run, due: Due) -> DestructionRecord:
    # No keyed digest outlives the values destroyed (an earlier address's in the outbox and the sign-in
    # records), by the step every deletion of personal values takes (`retention.forgetting`), before they go.
    digests_forget(values=replaced_before(due.cutoff))
    count = replaced_values_destroy(superseded_before=due.cutoff)
    return _record(run, due, method="sealed earlier values deleted", count=count, values=count)


@transaction.atomic
def _delete_page_views(run, due: Due) -> DestructionRecord:
    count, _ = page_views_due(run.as_of).delete()
    return _record(run, due, method="deleted", count=count, page_views=count)


# What the run destroys, by schedule item. The accounting of disclosures is not among them: it is only listed
# as due past its period, so what a customer is told of it says it is kept (`destroyed_by_the_run`).
_DESTROYS = {
    "closed_accounts": _destroy_closed_accounts,
    "replaced_values": _destroy_replaced_values,
    "interval_readings": _sum_interval_months,
    "access_log": _redact_access_log,
    "web_analytics": _delete_page_views,
}


def destroyed_by_the_run(item_key: str) -> bool:
    """Whether the retention run destroys what this schedule item keeps once its period is past."""
    return item_key in _DESTROYS


@dataclass
class RunResult:
    run: RetentionRun
    records: list[DestructionRecord]
    due: list[Due]
    pruned: list[tuple[Prune, int]] = field(default_factory=list)


def prunes_due() -> list[tuple[Prune, int]]:
    """How many rows each registered prune would delete now (the dry run); nothing is changed."""
    now = timezone.now()
    return [(p, p.due(now)) for p in prunes()]


def prunes_run() -> list[tuple[Prune, int]]:
    """Each registered prune, in its own transaction: how many rows it deleted (none the second time)."""
    done = []
    for p in prunes():
        with transaction.atomic():
            done.append((p, p.prune(timezone.now())))
    return done


def retention_run(
    *,
    as_of: date | None = None,
    started_by=None,
    started_by_label: str = "",
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Destroy what is past its period on `as_of` (default today), item by item, writing a destruction record
    for each item (with its count, zero included). Safe to re-run."""
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise RetentionError(
            "a retention run destroys only what is past its period today: the day can't be later"
        )
    policy = current_policy()
    due = retention_due(as_of=as_of)
    run = RetentionRun.objects.create(
        as_of=as_of,
        started_by=started_by,
        started_by_label=started_by_label or (started_by.get_username() if started_by else "the scheduler"),
        policy_version=policy.version,
    )
    actions = _DESTROYS
    records = []
    try:
        for item_due in due:
            action = actions.get(item_due.item.key)
            if progress:
                progress(item_due.item.key)
            record = action(run, item_due) if action is not None else None
            if record is not None:
                records.append(record)
        if progress:
            progress("housekeeping")
        pruned = prunes_run()
    except BaseException:
        run.status, run.finished_at = RetentionRun.Status.FAILED, timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    run.status, run.finished_at = RetentionRun.Status.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return RunResult(run=run, records=records, due=due, pruned=pruned)
