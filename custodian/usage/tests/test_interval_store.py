"""The interval store: hourly readings sealed per customer-month in Parquet, opened by the gate only."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from custodian.audit.models import AccessEvent
from custodian.testing import own_readings, project_file, staff_usage_import
from custodian.usage.greenbutton_import import parse_espi
from custodian.usage.intervals import readings_between
from custodian.usage.services import interval_readings_held
from custodian.vault import interval_files
from custodian.vault.gate import (
    NOT_FOUND_OR_DENIED,
    Denied,
    reveal_intervals,
    reveal_intervals_many,
    system_actor,
)
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


def _month(customer_id: int, month: str = "2026-03", seed: int = 1) -> IntervalBlock:
    start, end = month_bounds(month)
    values = np.random.default_rng(seed).uniform(0.2, 3.0, (end - start) // 3600).round(3)
    return IntervalBlock(customer_id, "electric", month, start, 3600, values)


def test_round_trip_through_the_gate_only(customer):
    block = _month(customer.pk)
    assert len(block.values) == 743  # March in Minnesota: the hour lost to daylight saving time
    interval_blocks_record(blocks=[block], submission=METER)
    start, end = month_bounds("2026-03")
    [back] = own_readings(customer, start, end)
    assert np.allclose(back.values, block.values) and back.start == block.start
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.categories, event.decision) == ("reveal_intervals", "meter_usage", "allow")
    # At rest the values are not there in clear: neither as text nor as the stored integers.
    raw = next(interval_files.store_dir().rglob("*.parquet")).read_bytes()
    assert interval_files.encode_values(block.values) not in raw
    assert np.round(block.values * 1000).astype("<i4").tobytes()[:64] not in raw


def test_rerun_replaces_instead_of_adding(customer):
    interval_blocks_record(blocks=[_month(customer.pk, seed=1)], submission=METER)
    newer = _month(customer.pk, seed=2)
    interval_blocks_record(blocks=[newer], submission=METER)
    start, end = month_bounds("2026-03")
    blocks = own_readings(customer, start, end)
    assert len(blocks) == 1 and np.allclose(blocks[0].values, newer.values)


def test_other_customers_and_wrong_purposes_get_the_common_answer(
    customer, other_customer, as_customer, as_staff, marketer, field_tech
):
    interval_blocks_record(blocks=[_month(customer.pk)], submission=METER)
    start, end = month_bounds("2026-03")
    attempts = [
        (as_customer(other_customer), customer.pk, "providing_services"),
        (as_staff(marketer), customer.pk, "marketing"),
        (as_staff(field_tech), 999_999, "providing_services"),
    ]
    for actor, cid, purpose in attempts:
        with pytest.raises(Denied) as denied:
            reveal_intervals(actor=actor, customer_id=cid, purpose=purpose, start=start, end=end)
        assert str(denied.value) == NOT_FOUND_OR_DENIED
    assert AccessEvent.objects.filter(action="reveal_intervals", decision="deny").count() == 3


def test_a_block_moved_to_another_customer_does_not_open(customer, other_customer, field_tech, as_staff):
    interval_blocks_record(blocks=[_month(customer.pk)], submission=METER)
    path = next(interval_files.store_dir().rglob("*.parquet"))
    rows = pq.read_table(path).to_pylist()
    rows[0]["customer_id"] = other_customer.pk  # swap the owner in the clear column
    interval_files.write_rows(rows)
    start, end = month_bounds("2026-03")
    with pytest.raises(Denied):
        reveal_intervals(
            actor=as_staff(field_tech),
            customer_id=other_customer.pk,
            purpose="providing_services",
            start=start,
            end=end,
        )
    assert "failed authentication" in AccessEvent.objects.order_by("-seq").first().reason


def test_bulk_read_logs_every_customer(customer, other_customer):
    interval_blocks_record(blocks=[_month(customer.pk), _month(other_customer.pk, seed=3)], submission=METER)
    blocks = reveal_intervals_many(
        actor=system_actor("comparison_reports"),
        customer_ids=[customer.pk, other_customer.pk],
        purpose="providing_services",
        months=["2026-03"],
    )
    assert {b.customer_id for b in blocks} == {customer.pk, other_customer.pk}
    logged = AccessEvent.objects.filter(action="bulk_reveal_intervals").values_list("customer_id", flat=True)
    assert sorted(logged) == sorted([str(customer.pk), str(other_customer.pk)])
    with pytest.raises(Denied):
        reveal_intervals_many(
            actor=system_actor("marketing_audience"),
            customer_ids=[customer.pk],
            purpose="marketing",
            months=["2026-03"],
        )


def test_green_button_import_keeps_a_year_of_hourly_readings(customer, field_tech):
    sample = project_file(
        "reference/greenbutton/samples/Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5.xml"
    )
    result = parse_espi(str(sample))
    summary = staff_usage_import(customer, result, by=field_tech)
    assert summary.refused is None and summary.readings_stored > 8000
    first = min(r.start for r in result.readings)
    last = max(r.start + r.duration for r in result.readings)
    blocks = own_readings(customer, first, last)
    stored = readings_between(blocks, first, last, "electric")
    imported = [r for r in result.readings if r.unit == "Wh" and r.duration <= 86400]
    assert len(stored) == len(imported)
    assert sum(v for _, _, v in stored) == pytest.approx(sum(r.value for r in imported) / 1000)
    # A second import of the same file changes nothing (re-runnable).
    staff_usage_import(customer, parse_espi(str(sample)), by=field_tech)
    again = own_readings(customer, first, last)
    assert readings_between(again, first, last, "electric") == stored


def test_an_incomplete_file_stores_nothing(customer, field_tech):
    sample = project_file(
        "reference/greenbutton/samples/Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5.xml"
    )
    text = sample.read_bytes()
    result = parse_espi(__import__("io").BytesIO(text[: len(text) // 2]))
    summary = staff_usage_import(customer, result, by=field_tech)
    assert summary.refused and summary.blocks_written == 0
    assert not list(interval_files.store_dir().rglob("*.parquet"))


def test_a_data_access_answer_carries_every_interval_reading(customer, as_customer):
    interval_blocks_record(blocks=[_month(customer.pk), _month(customer.pk, "2026-04")], submission=METER)
    [held] = interval_readings_held(
        actor=as_customer(customer), customer_id=customer.pk, purpose="legal_obligations"
    )
    assert held["service"] == "electric" and held["source"] == {"key": "meter", "label": "the meter"}
    assert [c["key"] for c in held["columns"]] == ["start", "use", "seconds"]
    assert len(held["readings"]) == 743 + 720
    assert held["readings"][0][0] == "2026-03-01T00:00:00-06:00" and held["readings"][0][2] == 3600


def test_one_customers_read_runs_on_one_thread_and_reads_what_a_bulk_read_reads(customer, other_customer):
    interval_blocks_record(blocks=[_month(customer.pk), _month(other_customer.pk, seed=3)], submission=METER)
    single = interval_files._duckdb(one_customer=True)
    assert single.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    assert single is not interval_files._duckdb()
    alone = interval_files.read_rows(months=["2026-03"], customer_ids=[customer.pk], services=None)
    both = interval_files.read_rows(
        months=["2026-03"], customer_ids=[customer.pk, other_customer.pk], services=None
    )
    assert alone == [row for row in both if row[0] == customer.pk] and len(alone) == 1
