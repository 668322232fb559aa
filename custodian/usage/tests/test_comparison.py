"""Neighbour comparisons: peer groups of similar homes, 15/15 suppression from the policy file, exclusions,
and the same results from DuckDB and from Spark on the same data."""

import json
import random
import sys

import numpy as np
import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import PAPER_FORM, application_for
from custodian.audit.models import AccessEvent
from custodian.customers.models import Premise
from custodian.customers.services import customer_enrol
from custodian.demo.services import demo_customers_ensure, demo_intervals_ensure
from custodian.testing.portal import PASSWORD, confirm_link, link_confirmed
from custodian.usage.comparison import (
    ComparisonData,
    compute,
    monthly_use_of,
    run,
    run_duckdb,
    run_spark,
    spark_session,
)
from custodian.usage.intervals import hourly_table
from custodian.usage.models import PeerGroupMonth
from custodian.usage.services import store_group_aggregates, tip_for
from custodian.vault.interval_files import IntervalBlock, month_bounds


def home(
    cid,
    *,
    zip_code="55060",
    fuel="gas",
    size=1500,
    kind="single_family",
    cls="residential",
    vacant=False,
    assistance=False,
    solar=False,
    feeder="F01",
):
    return (cid, cls, kind, fuel, zip_code, size, vacant, assistance, solar, feeder)


def town(seed=1):
    rng = random.Random(seed)
    premises, usage = [], []
    cid = 0
    for zip_code, fuel, size, count in (
        ("55060", "gas", 1500, 40),
        ("55060", "electric", 2500, 22),
        ("55049", "gas", 1200, 12),
    ):  # the last group is too small
        for _ in range(count):
            cid += 1
            premises.append(
                home(
                    cid,
                    zip_code=zip_code,
                    fuel=fuel,
                    size=size,
                    vacant=cid == 3,
                    assistance=cid == 4,
                    solar=cid == 5,
                )
            )
            for month in ("2026-01", "2026-02", "2026-03"):
                usage.append((cid, month, round(rng.uniform(300, 1200), 1)))
    cid += 1
    premises.append(home(cid, cls="commercial"))
    usage.append((cid, "2026-01", 5000.0))
    return premises, usage


def test_groups_exclusions_and_small_groups():
    premises, usage = town()
    rows = run_duckdb(premises, usage, min_customers=15, max_share_percent=15)
    ids = {r.customer_id for r in rows}
    assert not ids & {3, 4, 5}  # vacant, assistance rate, self-generation
    assert max(ids) <= 62  # nobody from the 12-home group, not the commercial account
    jan = [r for r in rows if r.month == "2026-01" and r.customer_id <= 40]
    assert {r.homes for r in jan} == {37}
    for r in jan:
        assert r.efficient_kwh <= r.average_kwh
        expected = (
            "great"
            if r.kwh <= r.efficient_kwh
            else "good"
            if r.kwh <= r.average_kwh
            else "using more than average"
        )
        assert r.rating == expected


def test_a_home_above_15_percent_of_its_group_suppresses_the_group():
    premises = [home(i) for i in range(1, 21)]
    usage = [(i, "2026-01", 100.0) for i in range(1, 20)] + [(20, "2026-01", 900.0)]  # 900 / 2800 = 32%
    assert run_duckdb(premises, usage, min_customers=15, max_share_percent=15) == []
    usage[-1] = (20, "2026-01", 120.0)
    assert len(run_duckdb(premises, usage, min_customers=15, max_share_percent=15)) == 20


def test_the_threshold_comes_from_the_policy_file(settings):
    premises = [home(i) for i in range(1, 16)]
    usage = [(i, "2026-01", 100.0 + i) for i in range(1, 16)]
    assert len(run(premises, usage, engine="duckdb")) == 15
    assert run(premises[:14], usage[:14], engine="duckdb") == []
    with pytest.raises(ValueError):
        run(premises, usage, engine="excel")


def test_duckdb_and_spark_give_the_same_results():
    premises, usage = town(seed=7)
    duck = run_duckdb(premises, usage, min_customers=15, max_share_percent=15)
    spark = run_spark(premises, usage, min_customers=15, max_share_percent=15, spark=spark_session())
    assert duck and duck == spark


def test_bulk_generation_reads_usage_through_the_gate(db, capsys):
    demo_customers_ensure(count=120, seed=2)
    assert demo_intervals_ensure(count=100, seed=2) == 100 * 13  # 20 customers keep only their bills
    assert demo_intervals_ensure(count=100, seed=2) == 0  # re-runnable
    call_command("comparison_reports", "--no-progress")
    out = capsys.readouterr().out
    assert "monthly comparisons for" in out
    readings = int(out.split(" interval readings")[0].rsplit("; ", 1)[1])
    assert readings > 80 * 9000
    assert AccessEvent.objects.filter(
        action="comparison_reports",
        actor_id="comparison_reports",
        purpose="providing_services",
        categories="meter_usage",
    ).exists()


def test_peer_groups_are_about_100_homes_on_the_nearest_feeder_that_has_them():
    premises, cid = [], 0
    for feeder, count in (("F01", 250), ("F02", 100), ("F03", 50), ("F04", 30)):
        for _ in range(count):
            cid += 1
            premises.append(home(cid, feeder=feeder, size=1000 + cid % 900))
    usage = [(i, "2026-01", 500.0 + i % 37) for i in range(1, cid + 1)]
    rows = run_duckdb(premises, usage, min_customers=15, max_share_percent=15)
    sizes = {}
    for r in rows:
        sizes[r.peer_group] = r.homes
    assert sorted(sizes.values()) == [80, 100, 125, 125]
    assert {g.split("|")[3] for g in sizes} == {"55060/F01", "55060/F02", "55060"}
    # Within a feeder's 250 homes, the two groups split by floor area: the most similar homes together.
    by_group = {}
    for r in rows:
        by_group.setdefault(r.peer_group, []).append(dict((p[0], p[5]) for p in premises)[r.customer_id])
    f01 = sorted((g for g in by_group if "/F01|" in g), key=lambda g: min(by_group[g]))
    assert max(by_group[f01[0]]) <= min(by_group[f01[1]])


def _hourly(customers, months, seed=3):
    """Hourly readings of `customers` for local `months`, as the interval store gives them to the pipeline."""

    rng = np.random.default_rng(seed)
    blocks = []
    for cid in customers:
        for month in months:
            start, end = month_bounds(month)
            blocks.append(
                IntervalBlock(
                    cid, "electric", month, start, 3600, rng.uniform(0.1, 2.5, (end - start) // 3600)
                )
            )
    return hourly_table(blocks)


def test_duckdb_and_spark_agree_on_the_hourly_path_across_dst():
    premises, monthly = town(seed=11)
    # Most homes have hourly readings (March and November change the clocks); the rest only bills.
    hourly = _hourly(range(1, 51), ["2026-03", "2026-10", "2026-11"])
    duck = run_duckdb(premises, monthly, min_customers=15, max_share_percent=15, hourly=hourly)
    spark = run_spark(
        premises, monthly, min_customers=15, max_share_percent=15, spark=spark_session(), hourly=hourly
    )
    assert duck and duck == spark
    months = {r.month for r in duck if r.customer_id <= 40}
    assert {"2026-03", "2026-11"} <= months and "2026-01" not in months  # interval data replaces bills
    march = next(r for r in duck if r.customer_id == 1 and r.month == "2026-03")
    assert march.kwh == pytest.approx(
        float(hourly.filter(hourly["customer_id"].to_numpy() == 1)["kwh"].to_numpy()[:743].sum())
    )


def test_the_portal_shows_a_comparison_only_for_a_group_that_may_be_shown(db):
    assert tip_for([("2026-01", 900), ("2026-07", 300)]).startswith(
        "Most of your electricity goes in the cold"
    )
    assert tip_for([("2026-01", 300), ("2026-07", 900)]).startswith("Your use peaks in summer")

    app = application_for(
        "Casey Compare",
        "casey@example.com",
        "507-555-0404",
        "0099000001",
        meter_usage=json.dumps(
            {
                "electric": {
                    "unit": "kWh",
                    "months": [{"month": "2026-01", "total": 90.0}, {"month": "2026-02", "total": 150.0}],
                }
            }
        ),
    )
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    Premise.objects.filter(accounts__customer=customer).update(size_sqft=1500)
    neighbours = [home(10_000 + i) for i in range(1, 20)]
    usage = [(10_000 + i, f"2026-{m:02d}", 100.0 + i + m) for i in range(1, 20) for m in range(1, 4)]
    casey = [home(customer.pk)]
    casey_usage = [(customer.pk, "2026-01", 90.0), (customer.pk, "2026-02", 150.0)]
    assert store_group_aggregates(ComparisonData(neighbours + casey, usage + casey_usage)) == 3
    # Re-runnable; a 10-home group is never stored.
    assert store_group_aggregates(ComparisonData(neighbours[:10], usage[:30])) == 0
    store_group_aggregates(ComparisonData(neighbours + casey, usage + casey_usage))
    row = PeerGroupMonth.objects.get(month="2026-01")
    assert (row.homes, row.size_band, row.area) == (20, "1000-1999", "55060")

    client = Client()
    client.post(
        "/portal/enrol/",
        {
            "account_number": "0099000001",
            "last_electric_kwh": 150,
            "email": "casey@example.com",
            "password": PASSWORD,
        },
    )
    link_confirmed(client, confirm_link())
    client.post("/portal/sign-in/", {"email": "casey@example.com", "password": PASSWORD})
    html = client.get("/portal/me/comparison/").content.decode()
    assert "The 20 similar homes nearby" in html and "<svg" in html and "More than average" in html

    assert AccessEvent.objects.filter(
        actor_kind="customer", customer_id=str(customer.pk), categories="meter_usage"
    ).exists()
    pdf = client.get("/portal/me/comparison.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    PeerGroupMonth.objects.all().delete()
    assert "There is no comparison for your home" in client.get("/portal/me/comparison/").content.decode()
    assert client.get("/portal/me/comparison.pdf").status_code == 404


def test_the_monthly_use_computed_chunk_by_chunk_gives_the_same_comparisons():
    premises, monthly = town(seed=13)
    hourly = _hourly(range(1, 51), ["2026-01", "2026-02", "2026-03"])
    whole = compute(ComparisonData(premises, monthly, hourly), engine="duckdb")
    chunks = []
    for first in range(1, 64, 20):  # 20 homes at a time, as the bulk job reads them
        ids = set(range(first, first + 20))
        part = hourly.filter(pa.compute.is_in(hourly["customer_id"], pa.array(sorted(ids))))
        chunks += monthly_use_of([m for m in monthly if m[0] in ids], part)
    chunked = compute(ComparisonData(premises, monthly, monthly_use=chunks), engine="duckdb")
    assert whole[0] and whole == chunked


def test_the_spark_engine_says_how_to_install_pyspark_when_it_is_absent(db, monkeypatch):
    # An installation from requirements/runtime.lock: importing pyspark fails.
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(CommandError, match=r"needs PySpark.*requirements/spark\.lock.*'\.\[spark\]'"):
        call_command("comparison_reports", "--engine", "spark", "--no-progress")
    with pytest.raises(Exception, match="needs PySpark"):
        spark_session()
