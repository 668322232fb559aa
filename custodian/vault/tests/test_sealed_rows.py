"""A customer's sealed interval rows are kept in the server process between their reads, for the same
version of each month-file only: a rewrite or a removal is seen by the next read, nothing opened is kept, and
every read still passes the gate and writes its access event."""

import os

import numpy as np
import pytest

from custodian.audit.models import AccessEvent
from custodian.testing import own_readings
from custodian.vault import interval_files, sealed_rows
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


def _month(customer_id: int, month: str = "2026-03", seed: int = 1) -> IntervalBlock:
    start, end = month_bounds(month)
    values = np.random.default_rng(seed).uniform(0.2, 3.0, (end - start) // 3600).round(3)
    return IntervalBlock(customer_id, "electric", month, start, 3600, values)


@pytest.fixture(autouse=True)
def _nothing_kept():
    sealed_rows.forget()
    yield
    sealed_rows.forget()


def test_a_second_read_of_the_same_files_does_not_ask_duckdb_but_is_still_logged(customer, monkeypatch):
    interval_blocks_record(blocks=[_month(customer.pk), _month(customer.pk, "2026-04")], submission=METER)
    start, end = month_bounds("2026-03")[0], month_bounds("2026-04")[1]
    first = own_readings(customer, start, end)
    before = AccessEvent.objects.count()

    def refused(**_):
        raise AssertionError("DuckDB asked again")

    monkeypatch.setattr(interval_files, "_duckdb", refused)
    again = own_readings(customer, start, end)
    assert [b.month for b in again] == ["2026-03", "2026-04"]
    assert all(np.array_equal(a.values, b.values) for a, b in zip(first, again, strict=True))
    assert AccessEvent.objects.count() == before + 1
    # What is kept is sealed: the rows as the file holds them, not the readings.
    # The customer's shard follows their id (a thousand customers a file), whatever the database gave.
    [(_, rows, _)] = [
        e
        for (path, customer_id), e in sealed_rows._entries.items()
        if customer_id == customer.pk and os.path.basename(os.path.dirname(path)) == "2026-03"
    ]
    assert interval_files.encode_values(first[0].values) not in rows[0][-1]


def test_a_rewritten_month_is_read_again(customer):
    interval_blocks_record(blocks=[_month(customer.pk, seed=1)], submission=METER)
    start, end = month_bounds("2026-03")
    own_readings(customer, start, end)
    newer = _month(customer.pk, seed=2)
    interval_blocks_record(blocks=[newer], submission=METER)
    [back] = own_readings(customer, start, end)
    assert np.allclose(back.values, newer.values)


def test_removed_blocks_are_not_read_from_what_was_kept(customer):
    interval_blocks_record(blocks=[_month(customer.pk)], submission=METER)
    start, end = month_bounds("2026-03")
    assert own_readings(customer, start, end)
    assert interval_files.rows_delete(customer_ids=[customer.pk]) == 1
    assert own_readings(customer, start, end) == []


def test_the_process_keeps_no_more_than_its_limit(customer, other_customer, monkeypatch):
    interval_blocks_record(blocks=[_month(customer.pk), _month(other_customer.pk)], submission=METER)
    interval_files.read_rows(months=["2026-03"], customer_ids=[customer.pk], services=None)
    one = sealed_rows._held[0]
    monkeypatch.setattr(sealed_rows, "MAX_BYTES", one * 3 // 2)
    interval_files.read_rows(months=["2026-03"], customer_ids=[other_customer.pk], services=None)
    assert 0 < sealed_rows._held[0] <= one * 3 // 2
    assert [k[1] for k in sealed_rows._entries] == [other_customer.pk]  # the least recently read went
