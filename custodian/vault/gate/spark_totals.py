"""Monthly totals of many customers' interval readings, opened on Spark executors: the bulk path of
`month_totals` for a utility that runs its comparison on a Spark cluster.

The order is the gate's bulk order, with the driver as the gate's process:

1. the policy's decision for the job (`TotalsAsk.decide`, as in `month_totals`); a refusal is logged and
   nothing is read;
2. per chunk of customers, every id checked and one access event per customer appended and committed
   (durable transactions), for *every* chunk, before any data key is unwrapped;
3. a fresh job key (32 random bytes, in this process's memory only); each customer's data key unwrapped
   here under the master key and at once wrapped under the job key (AES-GCM, the job id and customer id
   bound), the clear data key dropped;
4. one task row per month-shard file of the store: its path, month, the blocks to open (the series' grid
   and its readings off the grid, `month_totals.month_fields`) with their associated-data fields, and the
   wrapped data keys of the customers it holds; the job key rides in the task's closure;
5. executors read their files from the store directly and open and sum the blocks in `mapInArrow`
   (`spark_blocks`, shipped by value: the function the local workers run too), emitting (customer_id,
   month, kWh, readings, opened_at).

What is handed back is a Spark DataFrame of monthly totals (on the executors, kept in their memory only)
plus the fields of the customers without a reading (opened here, after their events). The design and its
threat model are in docs/decisions.md ("Spark on executors").
"""

import os
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from cryptography.hazmat.primitives.ciphers import aead

from custodian.vault import interval_files
from custodian.vault.gate import spark_blocks
from custodian.vault.gate.decision import deny
from custodian.vault.gate.month_totals import (
    CHUNK,
    TotalsAsk,
    _access_commit,
    _chunks,
    _data_keys,
    month_fields,
)
from custodian.vault.gate.refusals import Refusal
from custodian.vault.gate.values import open_all

TASKS_PER_CORE = 4  # task rows per executor core: enough for an even finish, few enough to start quickly
_FAILED = re.compile(re.escape(spark_blocks.FAILED) + r": customer (\d+) (\S+) (\d{4}-\d{2})")


@dataclass
class SparkTotals:
    """A job's answer: `frame` the Spark DataFrame (customer_id, month, kwh, readings, opened_at) of every
    block with a reading; `metered` the customers with one; `values` the fields of the customers without
    one; `readings` how many readings the totals add up; `events_committed_at` when the last access event
    was committed and `first_opened_at` when the first file's blocks began to be opened (epoch seconds)."""

    customer_ids: list[int]
    frame: object
    metered: set[int]
    values: dict[int, dict[str, str]]
    readings: int
    events_committed_at: float
    first_opened_at: float | None


def _wrap_for_job(job: aead.AESGCM, job_id: str, customer_id: int, data_key: bytes) -> bytes:
    nonce = os.urandom(spark_blocks.NONCE_BYTES)
    return nonce + job.encrypt(nonce, data_key, spark_blocks.job_ad(job_id, customer_id))


def job_tasks(parts: list[list[int]], months: Sequence[str], service: str, job_key: bytes, job_id: str):
    """The task rows (spark_blocks.TASK_SCHEMA) of the month-shards of these customers: each file's
    customers with their data keys wrapped under the job key. No clear data key outlives its chunk."""
    job = aead.AESGCM(job_key)
    rows = []
    for part in parts:
        keys = _data_keys(part)
        wrapped = {cid: _wrap_for_job(job, job_id, cid, key) for cid, key in keys.items()}
        keys.clear()
        by_shard: dict[int, list[int]] = {}
        for cid in part:
            if cid in wrapped:
                by_shard.setdefault(cid // interval_files.SHARD_SIZE, []).append(cid)
        for month, shard, path in interval_files.shard_files(months, part):
            if shard in by_shard:
                ids = by_shard[shard]
                rows.append(
                    (path, month, month_fields(service, month), service, ids, [wrapped[c] for c in ids])
                )
    return rows


def _executor_code():
    """Ship spark_blocks to executors by value: an executor's Python then needs only the opening
    primitive importable, not Django or the gate package's models."""
    from pyspark import cloudpickle  # PySpark's own pickler (an optional extra: imported when used)

    cloudpickle.register_pickle_by_value(spark_blocks)


def month_totals_on_spark(*, spark, ask: TotalsAsk, chunk: int = CHUNK) -> SparkTotals:
    """The customers' monthly totals of `ask.service` in `ask.months`, opened on the executors of `spark`,
    and the current `ask.fields` of those without a reading: one decision, one access event per customer,
    every event committed before the first data key is unwrapped."""
    from pyspark import StorageLevel  # an optional extra, imported only when Spark is used
    from pyspark.sql import functions as F  # noqa: N812 (PySpark's own convention)

    job = ask.decide()
    actor, months, service = ask.actor, ask.months, ask.service
    parts = list(_chunks(job.ids, chunk))
    for part in parts:
        _access_commit(actor, part, job.decision, job.event, policy=job.policy, fields=job.fields)
    committed_at = time.time()

    job_key, job_id = os.urandom(32), uuid.uuid4().hex
    rows = job_tasks(parts, months, service, job_key, job_id)
    _executor_code()
    slices = max(1, min(len(rows), spark.sparkContext.defaultParallelism * TASKS_PER_CORE))
    tasks = spark.createDataFrame(spark.sparkContext.parallelize(rows, slices), spark_blocks.TASK_SCHEMA)
    opener = partial(
        spark_blocks.open_shards, job_key=job_key, job_id=job_id, missing=int(interval_files.MISSING)
    )
    # Kept in the executors' memory only (recomputed if evicted, never spilled): plaintext monthly use.
    frame = tasks.mapInArrow(opener, spark_blocks.TOTALS_SCHEMA).persist(StorageLevel.MEMORY_ONLY)
    try:
        summary = frame.agg(F.sum("readings"), F.min("opened_at")).first()
        metered = {r[0] for r in frame.select("customer_id").distinct().collect()}
    except Exception as exc:  # an executor's failure arrives as Py4J's or PySpark's error, with its text
        failed = _FAILED.search(str(exc))
        if failed is None:
            raise
        frame.unpersist()
        cid, svc, month = failed.groups()
        refusal = Refusal("block_failed", {"customer": cid, "service": svc, "month": month})
        raise deny(actor, refusal, customer_id=int(cid), **job.event) from None
    values: dict[int, dict[str, str]] = {}
    if job.fields:
        for part in parts:
            unmetered = [c for c in part if c not in metered]
            values |= {cid: {} for cid in part if cid in metered}
            if unmetered:
                values |= open_all(unmetered, job.fields)
    return SparkTotals(
        customer_ids=job.ids,
        frame=frame,
        metered=metered,
        values=values,
        readings=int(summary[0] or 0),
        events_committed_at=committed_at,
        first_opened_at=summary[1],
    )
