"""comparison_e2e: `comparison_reports` end to end over a sealed interval store of 20,000 homes × 13 months of
hourly readings (premises read, the gate's decision, one access event per customer committed, every block
opened and summed in worker processes, the comparison, the peer groups stored) vs the bare loop that only
reads the same Parquet files, unwraps the data keys, opens every block (AES-GCM), decompresses and sums it,
in one process, same store, same run.

`BENCH_E2E_INTERVAL=15` runs it on 15-minute readings (four times as many). The command runs in a process of
its own, so its peak memory (resident set, the largest of it and its workers) is its own."""

import json
import os
import resource
import time
import zlib

import numpy as np

from bench.harness import django_ready, figures_measured_apart, figures_print, seconds, size

NAME = "comparison_e2e"
UNIT = "homes/s"
TARGET = 0.5
DATABASES = ["sqlite", "postgresql"]
OURS = "comparison_reports: premises, gate decision, access events, blocks opened in a pool, compare, store"
BASELINE = "one process: read the Parquet files, unwrap each data key, open, decompress and sum every block"
HOMES = size("BENCH_E2E_HOMES", 20_000)
INTERVAL = size("BENCH_E2E_INTERVAL", 60) * 60
COLUMNS = ("customer_id", "service", "month", "count", "ciphertext")
SEED_BATCH = 1000  # one month-shard of the store per batch


def _months() -> list[str]:
    from custodian.usage.services import default_period
    from custodian.vault.interval_files import months_between

    return months_between(*default_period())[:-1]  # the 13 whole months


def _seed(homes: int, months: list[str]) -> None:
    from datetime import date

    from custodian.customers.models import Account, Customer, Premise, ServicePoint
    from custodian.vault.interval_files import IntervalBlock, month_bounds
    from custodian.vault.services import Submission, interval_blocks_record, personal_data_record_many

    paper = Submission(channel="paper", notice_key="account_application", recorded_by_label="benchmark data")
    meter = Submission(channel="meter", notice_key="metering", recorded_by_label="benchmark readings")
    grids = {m: month_bounds(m) for m in months}
    rng = np.random.default_rng(1)
    for start in range(0, homes, SEED_BATCH):
        n = min(SEED_BATCH, homes - start)
        customers = Customer.objects.bulk_create([Customer(customer_class="residential") for _ in range(n)])
        premises = Premise.objects.bulk_create(
            [
                Premise(
                    premise_type=("single_family", "multi_family")[c.pk % 2],
                    heating_fuel=("gas", "electric")[(c.pk // 2) % 2],
                    zip_code=("55060", "55049", "55052")[(c.pk // 4) % 3],
                    feeder=f"F0{c.pk % 7}",
                    size_sqft=800 + (c.pk * 37) % 2600,
                )
                for c in customers
            ]
        )
        ServicePoint.objects.bulk_create(
            [
                ServicePoint(premise=p, service="electric", meter_number=f"B{p.pk}", unit="kWh")
                for p in premises
            ]
        )
        Account.objects.bulk_create(
            [
                Account(customer=c, premise=p, opened_on=date(2020, 1, 1))
                for c, p in zip(customers, premises, strict=True)
            ]
        )
        blocks, bills = [], []
        for c in customers:
            series = []
            for month, (first, end) in grids.items():
                values = np.round(rng.lognormal(-0.4, 0.5, (end - first) // INTERVAL) * INTERVAL / 3600, 3)
                blocks.append(IntervalBlock(c.pk, "electric", month, first, INTERVAL, values))
                series.append({"month": month, "total": round(float(values.sum()), 3)})
            bills.append((c.pk, {"meter_usage": json.dumps({"electric": {"months": series}})}))
        personal_data_record_many(items=bills, submission=paper)
        interval_blocks_record(blocks=blocks, submission=meter)


def bare_open_and_sum(months: list[str]) -> tuple[float, int, int]:
    """The baseline: every block of the months opened and summed, one process. (seconds, blocks, readings)"""
    import pyarrow.parquet as pq

    from custodian.vault import _crypto, interval_files, sealing
    from custodian.vault.models import DataKey

    started = time.perf_counter()
    keys = {
        cid: sealing.unwrap_data_key(cid, key_id, wrapped)
        for cid, key_id, wrapped in DataKey.objects.values_list("customer_id", "key_id", "wrapped")
    }
    blocks = readings = 0
    total = 0
    for month in months:
        for path in sorted((interval_files.store_dir() / month).glob("shard-*.parquet")):
            table = pq.ParquetFile(path).read(columns=list(COLUMNS))
            for cid, service, mon, count, sealed in zip(
                *(table.column(c).to_pylist() for c in table.column_names), strict=True
            ):
                payload = _crypto.open_bytes(keys[cid], cid, interval_files.block_field(service, mon), sealed)
                raw = np.frombuffer(zlib.decompress(payload), dtype="<i4", count=count)
                taken = raw[raw != interval_files.MISSING]
                total += int(taken.sum(dtype=np.int64))
                blocks += 1
                readings += len(taken)
    return time.perf_counter() - started, blocks, readings


def _ours() -> dict:
    """`comparison_reports` in a process of its own (this module run as a script): its time from the call to
    the command's return, as the baseline's is timed inside a started process, and its peak memory."""
    figures = figures_measured_apart("bench.comparison_e2e")
    figures["peak_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return figures


def _run_command() -> None:
    import io

    django_ready()
    from django.core.management import call_command

    printed = io.StringIO()
    took = seconds(lambda: call_command("comparison_reports", "--no-progress", stdout=printed))
    figures_print({"seconds": took, "output": printed.getvalue().strip()})


def measure(db: str) -> dict:
    from django.db import connections

    from custodian.audit.models import AccessEvent

    months = _months()
    load_before = os.getloadavg()
    seeded = seconds(lambda: _seed(HOMES, months))
    connections.close_all()  # the command's process writes; SQLite has one writer at a time

    bare_open_and_sum(months[:1])  # warm: imports, file cache
    ours = _ours()
    base_t, blocks, readings = bare_open_and_sum(months)
    events = AccessEvent.objects.filter(action="comparison_reports", decision="allow").count()
    return {
        "ours": HOMES / ours["seconds"],
        "baseline": HOMES / base_t,
        "n": HOMES,
        "interval_minutes": INTERVAL // 60,
        "blocks": blocks,
        "readings": readings,
        "seconds_ours": round(ours["seconds"], 2),
        "seconds_baseline": round(base_t, 2),
        "peak_memory_mib_ours": ours["peak_mib"],
        "access_events": events,
        "worker_processes": os.cpu_count(),
        "seconds_seeding": round(seeded, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "command_output": ours["output"],
    }


if __name__ == "__main__":  # the measured command's own process (see _ours)
    _run_command()
