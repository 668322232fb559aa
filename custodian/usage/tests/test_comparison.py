"""Neighbour comparisons: peer groups of similar homes, 15/15 suppression from the policy file, exclusions,
and the same results from DuckDB and from Spark on the same data."""

import random

import pytest

from custodian.usage.comparison import run, run_duckdb, run_spark, spark_session


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
):
    return (cid, cls, kind, fuel, zip_code, size, vacant, assistance, solar)


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
    from django.core.management import call_command

    from custodian.audit.models import AccessEvent
    from custodian.demo.services import demo_customers_ensure

    demo_customers_ensure(count=120, seed=2)
    call_command("comparison_reports")
    out = capsys.readouterr().out
    assert "monthly comparisons for" in out
    assert AccessEvent.objects.filter(
        action="comparison_reports",
        actor_id="comparison_reports",
        purpose="providing_services",
        categories="meter_usage",
    ).exists()


def test_the_portal_shows_a_comparison_only_for_a_group_that_may_be_shown(db):
    import json
    import re

    from django.core import mail
    from django.test import Client

    from custodian.customers.models import Customer, Premise
    from custodian.usage.models import PeerGroupMonth
    from custodian.usage.services import store_group_aggregates, tip_for

    premises = [home(i) for i in range(1, 21)]
    usage = [(i, f"2026-{m:02d}", 100.0 + i + m) for i in range(1, 21) for m in range(1, 4)]
    assert store_group_aggregates(premises, usage) == 3
    assert (
        store_group_aggregates(premises[:10], usage[:30]) == 0
    )  # re-runnable; a 10-home group is never stored
    store_group_aggregates(premises, usage)
    row = PeerGroupMonth.objects.get(month="2026-01")
    assert (row.homes, row.size_band, row.zip_code) == (20, "1000-1999", "55060")
    assert tip_for([("2026-01", 900), ("2026-07", 300)]).startswith(
        "Most of your electricity goes in the cold"
    )
    assert tip_for([("2026-01", 300), ("2026-07", 900)]).startswith("Your use peaks in summer")

    # A demo customer whose premise matches the stored group sees it in the portal.
    from conftest import PAPER_FORM, application_for
    from custodian.customers.services import customer_enrol
    from custodian.portal.tests.test_portal import PASSWORD

    app = application_for(
        "Casey Compare",
        "casey@example.com",
        "507-555-0404",
        "0099000001",
        meter_usage=json.dumps(
            {
                "electric": {
                    "unit": "kWh",
                    "months": [{"month": "2026-01", "total": 90.0}, {"month": "2026-02", "total": 500.0}],
                }
            }
        ),
    )
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    Premise.objects.filter(customer=customer).update(size_sqft=1500)
    client = Client()
    client.post(
        "/portal/enrol/",
        {
            "account_number": "0099000001",
            "last_electric_kwh": 500,
            "email": "casey@example.com",
            "password": PASSWORD,
        },
    )
    link = re.search(r"http://testserver(/portal/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.get(link)
    client.post("/portal/sign-in/", {"email": "casey@example.com", "password": PASSWORD})
    html = client.get("/portal/me/comparison/").content.decode()
    assert "20 homes of your type" in html and "<svg" in html and "using more than average" in html
    Customer.objects.filter(pk=customer.pk)  # the customer's own use came through the gate:
    from custodian.audit.models import AccessEvent

    assert AccessEvent.objects.filter(
        actor_kind="customer", customer_id=str(customer.pk), categories="meter_usage"
    ).exists()
    PeerGroupMonth.objects.all().delete()
    assert "There is no comparison for your home" in client.get("/portal/me/comparison/").content.decode()
