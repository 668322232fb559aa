"""What runs on a Spark executor: open the interval store's blocks of one job, sum them into monthly totals.

This module is shipped to the executors by value (its functions pickled with their code, see
`spark_totals`), so an executor's Python worker needs neither Django nor the gate's package set up: it
imports only the opening primitive (`custodian.vault._crypto`), which of a block's values are its readings
(`custodian.vault.block_layout`, plain numpy), pyarrow and numpy. It runs no database query and holds no
master key.

A task row names one month-shard file of the store, the month, the blocks to open there (a series' grid and
its readings off the grid) with the associated-data field of each, the series, and the customers whose
blocks may be opened there with their data keys *wrapped under the job's key* (AES-GCM, the job id and the
customer id bound as associated data). The job key comes in the function's arguments (the task's closure);
a data key is unwrapped only here, used for the customer's blocks in this one file and dropped with the
file. The local workers of `month_totals` add a file's blocks up with the same function
(`month_totals_of_file`).
"""

import time
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import aead

from custodian.vault import _crypto, block_layout

NONCE_BYTES = 12
# Raised on an executor, read back on the driver (spark_totals): the block that failed and why.
FAILED = "interval block failed authentication"
TOTALS_SCHEMA = "customer_id LONG, month STRING, kwh DOUBLE, readings LONG, opened_at DOUBLE"
# `fields`: each block of the file to open (a series' grid and its readings off the grid) → its field.
TASK_SCHEMA = (
    "path STRING, month STRING, fields MAP<STRING, STRING>, service STRING, customer_ids ARRAY<LONG>, "
    "wrapped ARRAY<BINARY>"
)


def job_ad(job_id: str, customer_id: int) -> bytes:
    """The associated data of a data key wrapped for one job: it opens for that job and customer only."""
    return f"custodian-spark-job:{job_id}:{int(customer_id)}".encode()


class BlockNotOpened(Exception):
    """A block that did not open under its customer's data key (moved, altered or sealed under another
    key): (customer_id, series, month)."""


def month_totals_of_file(path: str, keys: dict[int, bytes], fields: dict[str, str], missing: int) -> list:
    """(customer_id, month, total, readings) of each customer of `keys` with a reading in one month-shard
    file of the store: the blocks of the series `fields` names (`block_layout.month_series`: a series' grid
    and its readings off the grid, each with the associated-data field that binds it to the file's month)
    opened and their readings added up together, every reading that starts in the month once, as the usage
    pages count a month. Both engines' workers run it; raises BlockNotOpened."""
    table = pq.ParquetFile(path).read(
        columns=["customer_id", "service", "month", "count", "ciphertext"], use_threads=False
    )
    sums: dict[tuple[int, str], tuple[int, int]] = {}
    for cid, series, month, count, sealed in zip(
        *(table.column(c).to_pylist() for c in ("customer_id", "service", "month", "count", "ciphertext")),
        strict=True,
    ):
        key, field = keys.get(cid), fields.get(series)
        if key is None or field is None:
            continue
        try:
            # The field binds the block to the file's month: a block moved in from another month fails.
            payload = _crypto.open_bytes(key, cid, field, sealed)
        except _crypto.InvalidTagError:
            raise BlockNotOpened(cid, series, month) from None
        raw = block_layout.readings_of(
            series, np.frombuffer(zlib.decompress(payload), dtype="<i4", count=count)
        )
        taken = raw[raw != missing]
        if len(taken):
            total, readings = sums.get((cid, month), (0, 0))
            sums[(cid, month)] = (total + int(taken.sum(dtype=np.int64)), readings + len(taken))
    return [(cid, month, total / 1000, readings) for (cid, month), (total, readings) in sums.items()]


def _shard_totals(row: dict, job, job_id: str, missing: int) -> tuple[list, float]:
    opened_at = time.time()
    keys = {}
    for cid, wrapped in zip(row["customer_ids"], row["wrapped"], strict=True):
        try:
            keys[cid] = job.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], job_ad(job_id, cid))
        except InvalidTag:
            raise ValueError(f"data key of customer {cid} was not wrapped for this job") from None
    try:
        # A map column arrives from Arrow as (key, value) pairs.
        return month_totals_of_file(row["path"], keys, dict(row["fields"]), missing), opened_at
    except BlockNotOpened as failed:
        cid, series, month = failed.args
        raise ValueError(f"{FAILED}: customer {cid} {series} {month}") from None


def open_shards(batches, *, job_key: bytes, job_id: str, missing: int):
    """mapInArrow's function: for each task row, the monthly totals of its customers' blocks in its file,
    as (customer_id, month, kWh, readings, opened_at: when the file's blocks began to be opened)."""
    # Named through its module: the class itself is native code that a by-value pickle can't carry.
    job = aead.AESGCM(job_key)
    for batch in batches:
        for row in batch.to_pylist():
            totals, opened_at = _shard_totals(row, job, job_id, missing)
            yield pa.RecordBatch.from_pydict(
                {
                    "customer_id": pa.array([t[0] for t in totals], pa.int64()),
                    "month": pa.array([t[1] for t in totals], pa.string()),
                    "kwh": pa.array([t[2] for t in totals], pa.float64()),
                    "readings": pa.array([t[3] for t in totals], pa.int64()),
                    "opened_at": pa.array([opened_at] * len(totals), pa.float64()),
                }
            )
