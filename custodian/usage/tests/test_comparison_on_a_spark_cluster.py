"""The Spark engine on a cluster: Spark's local-cluster master (two workers of one core and 1 GB, each
executor a JVM and Python processes of its own), so the job's tasks, their closures and the store's files
travel as they do on a real cluster. The driver decides and commits every access event before any
executor opens a block; the executors' monthly totals give the same comparisons as DuckDB's."""

import json
import time
from datetime import date

import numpy as np
import pyarrow.parquet as pq
import pytest

from custodian.audit.models import AccessEvent
from custodian.customers.models import Account, Customer, Premise, ServicePoint
from custodian.usage import inputs
from custodian.usage.comparison import compute, spark_session
from custodian.usage.inputs import comparison_inputs, comparison_inputs_on_spark
from custodian.usage.services import default_period
from custodian.vault import interval_files
from custodian.vault.gate import Denied, month_totals_on_spark
from custodian.vault.interval_files import IntervalBlock, month_bounds, months_between
from custodian.vault.services import Submission, interval_blocks_record, personal_data_record_many

CLUSTER = "local-cluster[2,1,1024]"


@pytest.fixture(scope="module")
def cluster():
    spark = spark_session(CLUSTER)
    yield spark
    spark.stop()


def _town(homes: int = 48, bills_only: int = 8) -> None:
    """A town of similar homes (one peer group): hourly readings in the interval store for the last three
    whole months, or, for `bills_only` of them, billing-cycle totals only."""

    months = months_between(*default_period())[-4:-1]
    rng = np.random.default_rng(5)
    customers = Customer.objects.bulk_create([Customer(customer_class="residential") for _ in range(homes)])
    premises = Premise.objects.bulk_create(
        [
            Premise(
                premise_type="single_family",
                heating_fuel="gas",
                zip_code="55060",
                feeder="F01",
                size_sqft=1200 + 9 * i,
            )
            for i in range(homes)
        ]
    )
    ServicePoint.objects.bulk_create(
        [ServicePoint(premise=p, service="electric", meter_number=f"S{p.pk}", unit="kWh") for p in premises]
    )
    Account.objects.bulk_create(
        [
            Account(customer=c, premise=p, opened_on=date(2020, 1, 1))
            for c, p in zip(customers, premises, strict=True)
        ]
    )
    blocks, bills = [], []
    for i, c in enumerate(customers):
        series = []
        for month in months:
            start, end = month_bounds(month)
            values = np.round(rng.lognormal(-0.4, 0.4, (end - start) // 3600), 3)
            values[:: 37 + i % 5] = np.nan  # hours without a reading
            if i >= bills_only:
                blocks.append(IntervalBlock(c.pk, "electric", month, start, 3600, values))
            series.append({"month": month, "total": round(float(np.nansum(values)) * 1.01, 1)})
        bills.append((c.pk, {"meter_usage": json.dumps({"electric": {"months": series}})}))
    paper = Submission(channel="paper", notice_key="account_application", recorded_by_label="paper bills")
    meter = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
    personal_data_record_many(items=bills, submission=paper)
    interval_blocks_record(blocks=blocks, submission=meter)


def test_the_cluster_runs_executors_in_processes_of_their_own(cluster):
    assert cluster.sparkContext.master == CLUSTER
    # Executors register a while after the session starts (longer on a busy machine): wait for both.
    deadline = time.monotonic() + 600
    while (executors := cluster.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1) < 2:
        assert time.monotonic() < deadline, f"{executors} of 2 executors registered in 10 minutes"
        time.sleep(1)
    assert executors == 2  # less the driver


def test_executors_comparisons_equal_duckdbs_and_every_event_is_committed_before_a_block_opens(
    cluster, db, monkeypatch
):
    _town()
    on_duckdb = comparison_inputs()
    expected = compute(on_duckdb, engine="duckdb")
    logged = AccessEvent.objects.filter(action="comparison_reports", decision="allow")
    before = set(logged.values_list("seq", flat=True))

    jobs = []
    monkeypatch.setattr(
        inputs, "month_totals_on_spark", lambda **kw: jobs.append(month_totals_on_spark(**kw)) or jobs[-1]
    )
    on_spark = comparison_inputs_on_spark(cluster)
    homes, groups, members = compute(on_spark, engine="spark")

    assert homes and homes == expected[0]
    assert groups and groups == expected[1]
    assert members == expected[2]
    assert on_spark.interval_readings == on_duckdb.interval_readings > 40 * 3 * 600
    assert on_spark.homes_with_usage() == on_duckdb.homes_with_usage()
    # One event per eligible home for this run, every one written before the first block was opened on an
    # executor (the executors' clock is this machine's).
    spark_events = logged.exclude(seq__in=before)
    assert spark_events.count() == len(members)
    [job] = jobs
    assert max(spark_events.values_list("at_us", flat=True)) <= job.events_committed_at * 1_000_000
    assert job.events_committed_at <= job.first_opened_at


def test_a_block_that_fails_authentication_on_an_executor_is_a_logged_denial(cluster, db):
    _town()
    month = sorted(p.name for p in interval_files.store_dir().iterdir())[-2]
    path = next((interval_files.store_dir() / month).glob("shard-*.parquet"))
    rows = pq.read_table(path).to_pylist()
    rows[0]["customer_id"], rows[1]["customer_id"] = rows[1]["customer_id"], rows[0]["customer_id"]  # swapped
    interval_files.write_rows(rows)
    with pytest.raises(Denied):
        comparison_inputs_on_spark(cluster)
    denial = AccessEvent.objects.filter(action="comparison_reports", decision="deny").get()
    assert "failed authentication" in denial.reason and month in denial.reason
