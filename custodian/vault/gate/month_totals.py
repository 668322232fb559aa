"""Monthly totals of many customers' interval readings, opened on every core: the bulk path of reports that
need only how much each home used in each month (the neighbour comparison).

A block is one customer's readings of one local month, so a month's total is the sum of its blocks (the
series' grid and its readings off the grid, `vault.block_layout`: every reading the usage pages count in
that month): no per-reading work. The order of a bulk read here is:

1. the policy's decision for the job (`bulk_decision`); a refusal is logged and nothing is read;
2. per chunk of customers (whole month-shards of the store), every id checked to be a customer whose data
   is not destroyed, and one access event per customer appended and committed (a durable transaction: not
   inside a caller's, so an event can't be rolled back after its data was opened);
3. only then the chunk's data keys are unwrapped here, in the gate's process, and handed, with the paths
   of the chunk's month-shards, to worker processes (one per core) that read the Parquet files, open the
   blocks (AES-GCM, customer, service and month bound), decompress and sum them. A worker gets data keys
   only in its tasks' arguments (through a pipe, never on disk), keeps none after a task and makes no
   database query; it unwraps nothing.

A block that fails authentication stops the job with a denial in the access log (the events already written
say the customers were read; the denial says the read failed and why). Memory stays flat in the number of
customers: at most two chunks are in flight, each worker holds one month-shard at a time.
"""

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import django
from django.db import transaction

from custodian.audit import events as log
from custodian.audit.actions import Action
from custodian.policy.loader import current_policy
from custodian.vault import block_layout, interval_files, sealing
from custodian.vault.gate import spark_blocks
from custodian.vault.gate.actors import Actor
from custodian.vault.gate.decision import (
    bulk_decide,
    bulk_refusal,
    deny,
    destroyed_among,
    event_record,
    existing_count,
    notice_refusal,
)
from custodian.vault.gate.refusals import Refusal
from custodian.vault.gate.values import bulk_asked, open_all
from custodian.vault.models import DataKey

CHUNK = 2000  # customers per access-log transaction (rounded to whole month-shards of the store)
IN_FLIGHT = 2  # chunks being opened while the next one is logged


@dataclass
class ChunkTotals:
    """One chunk's answer: its customers, the `fields` asked for (opened here; {} for a customer whose
    fields were not needed) and, from the interval store, (customer_id, month, total, readings) for every
    block with at least one reading."""

    customer_ids: list[int]
    values: dict[int, dict[str, str]]
    totals: list[tuple[int, str, float, int]] = field(default_factory=list)


def _month_totals_of_shard(path: str, fields: dict[str, str], keys: dict[int, bytes]) -> list[tuple]:
    """In a worker: (customer_id, month, total, readings) of the customers in `keys` with a reading in one
    month-shard file, their blocks of the series `fields` names (a series' grid and its readings off the
    grid) opened and added up together, as a Spark executor adds them (`spark_blocks.month_totals_of_file`).
    Runs no database query."""
    return spark_blocks.month_totals_of_file(path, keys, fields, int(interval_files.MISSING))


class _InProcess(Executor):
    """One process (processes=1): the same tasks, run in the gate's own process."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller through the future, as a pool would
            future.set_exception(exc)
        return future


def _start(pool: ProcessPoolExecutor, processes: int) -> None:
    with suppress(RuntimeError):  # a small job may be over, its pool shut down, before this runs
        for _ in range(processes):
            pool.submit(int)


@contextmanager
def _workers(processes: int):
    if processes <= 1:
        yield _InProcess()
        return
    # Started from a server process, not forked from this one: this process holds threads (numpy's,
    # DuckDB's, the access log's) and a database connection that a forked copy would inherit. The server
    # sets Django up once (custodian.vault.worker_start) and the workers are forked from it; a worker opens
    # no database connection. (If the server was already started without it, each worker sets Django up.)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["custodian.vault.worker_start"])
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=django.setup)
    # Start the workers now, from a thread: they boot while this process writes the first access events.
    threading.Thread(target=_start, args=(pool, processes), daemon=True).start()
    try:
        yield pool
    finally:
        # Not waited for: idle workers exit by themselves while the caller goes on with the totals.
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class BulkJob:
    """A bulk read the policy allowed: the customers (each once), the fields, the access event's record."""

    policy: object
    ids: list[int]
    fields: list[str]
    event: dict
    decision: object


def bulk_job_decide(
    *, actor: Actor, customer_ids, purpose: str, fields, action: Action, fields_required: bool = False
) -> BulkJob:
    """The policy's one decision for a bulk read of meter usage and `fields`; a refusal is logged and
    raised (Denied) before anything is read. `fields_required`: a read of values with the usage, refused
    without a field."""
    policy = current_policy()
    ids, fields, cats = bulk_asked(policy, customer_ids, fields)
    refusal = None
    if fields_required and (cats is None or not fields):
        refusal = Refusal("unknown_fields", {"fields": fields})
    elif not fields_required and cats is None:
        refusal = Refusal("unknown_fields_named", {"fields": fields})
    event, decision = bulk_decide(
        policy,
        actor,
        action=action,
        purpose=purpose,
        categories=sorted({*(cats or []), "meter_usage"}),
        refusal=refusal,
    )
    return BulkJob(policy, ids, fields, event, decision)


@dataclass(frozen=True)
class TotalsAsk:
    """A bulk read of monthly totals, whichever engine opens its blocks (`month_totals_many` in this
    machine's processes, `month_totals_on_spark` on a cluster's executors): who asks, the customers, the
    purpose and the action it is logged as, the months and service of the interval readings, and the current
    `fields` wanted with them. Both engines have it decided the same way (`decide`)."""

    actor: Actor
    customer_ids: Sequence[int]
    purpose: str
    months: Sequence[str]
    service: str = "electric"
    fields: Sequence[str] = ()
    action: Action = Action.BULK_REVEAL_INTERVALS

    def decide(self) -> BulkJob:
        return bulk_job_decide(
            actor=self.actor,
            customer_ids=self.customer_ids,
            purpose=self.purpose,
            fields=self.fields,
            action=self.action,
        )


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    """Consecutive customers in whole month-shards, about `size` at a time: each file is read once."""
    by_shard: dict[int, list[int]] = {}
    for cid in sorted(ids):
        by_shard.setdefault(cid // interval_files.SHARD_SIZE, []).append(cid)
    part: list[int] = []
    for shard in sorted(by_shard):
        part += by_shard[shard]
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _access_commit(actor: Actor, ids: list[int], decision, event: dict, *, policy, fields) -> None:
    """Every id a customer, none destroyed, the fields' notices naming the purpose, then one access event
    each, committed before any key leaves."""
    with transaction.atomic(durable=True):
        found = existing_count(ids)
        destroyed = destroyed_among(ids) if found == len(ids) else 0
        refusal = bulk_refusal(len(ids) - found, destroyed)
        if found == len(ids) and not destroyed:
            refusal = notice_refusal(policy, actor, ids, fields, event["purpose"]) if fields else None
            if refusal is None:
                log.append_uniform(
                    event_record(actor, decision="allow", reason=decision.reason, customer_id="", **event),
                    ids,
                )
                return
    raise deny(actor, refusal, customer_id=None, **event)


def _data_keys(ids: list[int]) -> dict[int, bytes]:
    return {
        cid: sealing.unwrap_data_key(cid, key_id, wrapped)
        for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "key_id", "wrapped"
        )
    }


def month_fields(service: str, month: str) -> dict[str, str]:
    """The blocks of a series' month whose readings its total adds up (its grid and its readings off the
    grid: `block_layout.month_series`), each with the associated-data field that binds it to the month."""
    return {
        series: interval_files.block_field(series, month) for series in block_layout.month_series(service)
    }


def _submit(pool: Executor, ids: list[int], months: Sequence[str], service: str) -> list[Future]:
    keys = _data_keys(ids)
    by_shard: dict[int, dict[int, bytes]] = {}
    for cid in ids:
        if cid in keys:
            by_shard.setdefault(cid // interval_files.SHARD_SIZE, {})[cid] = keys[cid]
    return [
        pool.submit(_month_totals_of_shard, path, month_fields(service, month), by_shard[shard])
        for month, shard, path in interval_files.shard_files(months, ids)
        if shard in by_shard
    ]


def month_totals_many(
    *,
    ask: TotalsAsk,
    fields_without_readings_only: bool = False,
    processes: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[ChunkTotals]:
    """The customers' monthly totals of `ask.service` in `ask.months` (local months) from the interval store,
    and their current `ask.fields`, chunk by chunk: one decision for meter usage and the fields' categories,
    one access event per customer (committed before their blocks are opened). `fields_without_readings_only`:
    open the fields only for the customers without a reading in the months (the comparison's bills stand
    in for readings). `processes`: worker processes opening blocks (default: one per core)."""

    job = ask.decide()
    policy, ids, fields, event, decision = job.policy, job.ids, job.fields, job.event, job.decision
    actor, months, service = ask.actor, ask.months, ask.service
    with _workers(processes or os.cpu_count() or 1) as pool:
        pending: deque = deque()
        for part in _chunks(ids, chunk):
            _access_commit(actor, part, decision, event, policy=policy, fields=fields)
            values = open_all(part, fields) if fields and not fields_without_readings_only else None
            pending.append((part, values, _submit(pool, part, months, service)))
            if len(pending) >= IN_FLIGHT:
                yield _collect(actor, event, *pending.popleft(), fields=fields)
        while pending:
            yield _collect(actor, event, *pending.popleft(), fields=fields)


def _collect(actor: Actor, event: dict, ids, values, futures, *, fields) -> ChunkTotals:
    totals = []
    for future in futures:
        try:
            totals += future.result()
        except spark_blocks.BlockNotOpened as failed:
            cid, service, month = failed.args
            refusal = Refusal("block_failed", {"customer": cid, "service": service, "month": month})
            raise deny(actor, refusal, customer_id=cid, **event) from None
    if values is None:  # the fields of the customers without readings only
        metered = {cid for cid, *_ in totals}
        unmetered = [c for c in ids if c not in metered]
        values = {cid: {} for cid in ids} | (open_all(unmetered, fields) if unmetered and fields else {})
    return ChunkTotals(ids, values, totals)
