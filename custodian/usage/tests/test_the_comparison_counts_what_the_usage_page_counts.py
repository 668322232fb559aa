"""The comparison counts the readings the usage page counts: Alice's months as the gate's bulk totals add
them up (in this machine's worker processes and on Spark's executors alike) and as the hourly table sums
them are her usage page's months, her readings off the month's grid (a billing period, hours a later file's
quarter hours pushed off the grid) among them; and the tips read the shape of her day from every reading
of an hour or shorter, wherever it is laid out."""

from datetime import datetime

import numpy as np
import pytest

from custodian.usage.comparison import monthly_use_of, spark_session
from custodian.usage.intervals import PERIODS, encode_periods, hourly_table
from custodian.usage.services import day_shape, electric_months
from custodian.vault.gate import TotalsAsk, month_totals_many, month_totals_on_spark, system_actor
from custodian.vault.interval_files import LOCAL, IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
MONTHS = ["2026-01", "2026-02"]
JANUARY, FEBRUARY = (month_bounds(m) for m in MONTHS)


def _hours_pushed_off(customer_id: int, month: str, values: np.ndarray, moved: slice) -> list[IntervalBlock]:
    """A month of hourly `values` as the store keeps it once a later file's quarter hours took the grid:
    the hours of `moved` in the month's `~periods` block (their quarter hours left out here), the others on
    the grid of quarter hours (each hour as four quarters of a quarter of its value)."""
    start, _end = month_bounds(month)
    quarters = np.repeat(values / 4, 4)
    quarters[moved.start * 4 : moved.stop * 4] = np.nan
    off = [(start + 3600 * h, 3600, float(values[h])) for h in range(moved.start, moved.stop)]
    return [
        IntervalBlock(customer_id, "electric", month, start, 900, quarters),
        IntervalBlock(customer_id, "electric" + PERIODS, month, start, 60, encode_periods(start, off)),
    ]


def _alices_readings(customer_id: int) -> list[IntervalBlock]:
    """January: a billing period of 300 kWh from the 20th, reaching into February, and hours on the grid
    before it; February: hours, the first week's pushed off the grid by quarter hours."""
    period_start = int(datetime(2026, 1, 20, tzinfo=LOCAL).timestamp())
    january = np.full((JANUARY[1] - JANUARY[0]) // 3600, np.nan)
    january[: 19 * 24] = 0.5
    # Whole Wh in each quarter hour, as the store keeps thousandths of a kWh.
    february = np.random.default_rng(7).integers(50, 500, (FEBRUARY[1] - FEBRUARY[0]) // 3600) * 0.004
    return [
        IntervalBlock(customer_id, "electric", "2026-01", JANUARY[0], 3600, january),
        IntervalBlock(
            customer_id,
            "electric" + PERIODS,
            "2026-01",
            JANUARY[0],
            60,
            encode_periods(JANUARY[0], [(period_start, 30 * 86400, 300.0)]),
        ),
        *_hours_pushed_off(customer_id, "2026-02", february, slice(0, 7 * 24)),
    ]


@pytest.fixture
def alice(customer):
    """Alice with her readings in the interval store, and her usage page's months of them."""
    blocks = _alices_readings(customer.pk)
    interval_blocks_record(blocks=blocks, submission=METER)
    page = electric_months(None, blocks)
    assert set(page) == set(MONTHS) and page["2026-01"] == pytest.approx(19 * 24 * 0.5 + 300)
    return customer, page


def _ask(customer_id: int) -> TotalsAsk:
    return TotalsAsk(
        actor=system_actor("comparison_reports"),
        customer_ids=[customer_id],
        purpose="providing_services",
        months=MONTHS,
        action="comparison_reports",
    )


def _readings_held(customer_id: int) -> int:
    """How many readings Alice's blocks hold: the grid's slots with one, and each reading off the grid."""
    blocks = _alices_readings(customer_id)
    grid = sum(int(np.count_nonzero(~np.isnan(b.values))) for b in blocks if b.service == "electric")
    return grid + sum(len(b.values) // 3 for b in blocks if b.service.endswith(PERIODS))


@pytest.mark.parametrize("processes", [1, 2])
def test_the_bulk_totals_are_the_usage_page_s_months(alice, processes):
    customer, page = alice
    [chunk] = month_totals_many(ask=_ask(customer.pk), processes=processes)
    totals = {month: total for _cid, month, total, _n in chunk.totals}
    assert totals == {month: pytest.approx(used, abs=1e-6) for month, used in page.items()}
    assert sum(n for *_, n in chunk.totals) == _readings_held(customer.pk)


def test_the_totals_opened_on_spark_are_the_usage_page_s_months(alice):
    customer, page = alice
    spark = spark_session()
    job = month_totals_on_spark(spark=spark, ask=_ask(customer.pk))
    try:
        totals = {r["month"]: r["kwh"] for r in job.frame.collect()}
    finally:
        job.frame.unpersist()
    assert totals == {month: pytest.approx(used, abs=1e-6) for month, used in page.items()}
    assert job.readings == _readings_held(customer.pk) and job.metered == {customer.pk}


def test_the_hourly_table_adds_up_to_the_usage_page_s_months(alice):
    customer, page = alice
    months = {
        month: kwh for _cid, month, kwh in monthly_use_of([], hourly_table(_alices_readings(customer.pk)))
    }
    assert months == {month: pytest.approx(used, abs=1e-6) for month, used in page.items()}


def test_the_shape_of_the_day_counts_the_hours_pushed_off_the_grid():
    """The same hours give the same shape of day whether they lie on the grid or off it: here the nights of
    the week pushed off the grid run a heater the rest of the month does not."""
    start, end = FEBRUARY
    local = [datetime.fromtimestamp(t, LOCAL) for t in range(start, end, 3600)]
    hourly = np.array([(3.0 if t.day <= 7 and t.hour < 5 else 1.0) for t in local])
    on_the_grid = day_shape([IntervalBlock(1, "electric", "2026-02", start, 3600, hourly)])
    laid_out = day_shape(_hours_pushed_off(1, "2026-02", hourly, slice(0, 7 * 24)))
    assert laid_out == pytest.approx(on_the_grid)
    assert on_the_grid["base_per_hour"] == pytest.approx((7 * 3.0 + 21 * 1.0) / 28)
