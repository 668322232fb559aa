"""The gate's bulk monthly totals: decided and logged (committed) before any block is opened, opened in
worker processes, equal to the blocks' sums; a refusal opens nothing, a block that fails authentication is a
denial."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import PAPER_FORM, application_for
from custodian.audit.models import AccessEvent
from custodian.customers.services import customer_enrol
from custodian.vault import interval_files
from custodian.vault.gate import Denied, TotalsAsk, month_totals_many, system_actor
from custodian.vault.gate import month_totals as module
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
MONTHS = ["2026-02", "2026-03"]


def _block(customer_id: int, month: str, seed: int, interval: int = 3600) -> IntervalBlock:
    start, end = month_bounds(month)
    values = np.random.default_rng(seed).uniform(0.05, 3.0, (end - start) // interval).round(3)
    values[::50] = np.nan  # some intervals without a reading
    return IntervalBlock(customer_id, "electric", month, start, interval, values)


def _stored(customer, other_customer) -> dict:
    blocks = [
        _block(customer.pk, "2026-02", 1),
        _block(customer.pk, "2026-03", 2),
        _block(other_customer.pk, "2026-03", 3, interval=900),  # 15-minute readings
    ]
    interval_blocks_record(blocks=blocks, submission=METER)
    return {
        (b.customer_id, b.month): (np.nansum(b.values), int(np.count_nonzero(~np.isnan(b.values))))
        for b in blocks
    }


def _read(ids, processes, **kw):
    return list(
        month_totals_many(
            ask=TotalsAsk(
                actor=system_actor("comparison_reports"),
                customer_ids=ids,
                purpose=kw.pop("purpose", "providing_services"),
                months=MONTHS,
                fields=["meter_usage"],
                action="comparison_reports",
            ),
            processes=processes,
            **kw,
        )
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_totals_are_the_blocks_sums_and_every_customer_is_logged_once(customer, other_customer, processes):
    expected = _stored(customer, other_customer)
    chunks = _read([customer.pk, other_customer.pk, customer.pk], processes)
    totals = {(cid, month): (total, n) for chunk in chunks for cid, month, total, n in chunk.totals}
    assert totals.keys() == expected.keys()
    for key, (total, n) in totals.items():
        assert total == pytest.approx(expected[key][0], abs=1e-9) and n == expected[key][1]
    assert {cid for chunk in chunks for cid in chunk.values} == {customer.pk, other_customer.pk}
    logged = AccessEvent.objects.filter(action="comparison_reports", decision="allow")
    expected_ids = sorted([str(customer.pk), str(other_customer.pk)])
    assert sorted(logged.values_list("customer_id", flat=True)) == expected_ids
    assert set(logged.values_list("categories", flat=True)) == {"meter_usage"}


def test_the_fields_can_be_opened_only_for_customers_without_readings(customer, other_customer, db):
    _stored(customer, other_customer)
    unmetered = customer_enrol(
        application=application_for("Cara Cole", "cara@example.org", "507-555-0303", "0010000003"),
        submission=PAPER_FORM,
    )
    [chunk] = _read([customer.pk, other_customer.pk, unmetered.pk], 2, fields_without_readings_only=True)
    assert chunk.values[customer.pk] == {} and chunk.values[other_customer.pk] == {}
    assert set(chunk.values[unmetered.pk]) <= {"meter_usage"}
    assert AccessEvent.objects.filter(action="comparison_reports", decision="allow").count() == 3


def test_the_access_events_exist_before_any_block_is_opened(customer, other_customer, monkeypatch):
    _stored(customer, other_customer)
    seen = []
    opening = module._month_totals_of_shard

    def watched(path, service, keys):
        seen.append(
            set(AccessEvent.objects.filter(action="comparison_reports").values_list("customer_id", flat=True))
        )
        return opening(path, service, keys)

    monkeypatch.setattr(module, "_month_totals_of_shard", watched)
    _read([customer.pk, other_customer.pk], processes=1)
    assert seen and all(s == {str(customer.pk), str(other_customer.pk)} for s in seen)


def test_a_refused_job_opens_nothing_and_is_logged(customer, other_customer, monkeypatch):
    _stored(customer, other_customer)
    monkeypatch.setattr(module, "_month_totals_of_shard", lambda *a: pytest.fail("a block was opened"))
    with pytest.raises(Denied):
        _read([customer.pk], processes=1, purpose="marketing")
    with pytest.raises(Denied):
        _read([customer.pk, 999_999], processes=1)  # not a customer: the whole chunk is refused
    assert AccessEvent.objects.filter(action="comparison_reports", decision="deny").count() == 2
    assert not AccessEvent.objects.filter(action="comparison_reports", decision="allow").exists()


@pytest.mark.parametrize("processes", [1, 2])
def test_a_block_moved_to_another_customer_is_a_logged_denial(customer, other_customer, processes):
    _stored(customer, other_customer)
    path = interval_files.store_dir() / "2026-02" / f"shard-{customer.pk // 1000:05d}.parquet"
    rows = pq.read_table(path).to_pylist()
    rows[0]["customer_id"] = other_customer.pk  # the owner swapped in the clear column
    interval_files.write_rows(rows)
    with pytest.raises(Denied):
        _read([customer.pk, other_customer.pk], processes)
    denial = AccessEvent.objects.filter(action="comparison_reports", decision="deny").get()
    assert "failed authentication" in denial.reason and denial.customer_id == str(other_customer.pk)
