"""A Green Button import stores month by month: each series' month is sealed as soon as it is made and
staged beside the store, and the staged blocks are put in place together once the whole file is stored.
Readings of one series in several blocks, out of time order, are merged into their months; a store that
fails halfway leaves nothing, even when the failure is in putting the second of its months in place; a second
import of the customer, or a removal of the customer's blocks, waits for one in progress instead of replacing
what it stores; a file whose months hold much is merged with what is held in several reads; apparent and
reactive power are refused by name."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from custodian.audit.models import AccessEvent
from custodian.testing import espi_layouts as L
from custodian.testing import own_readings, staff_usage_import
from custodian.testing.threads import in_a_thread
from custodian.usage import intervals
from custodian.usage.greenbutton_import import parse_espi
from custodian.usage.intervals import series_readings
from custodian.vault import interval_files, sealing, services

CHICAGO = ZoneInfo("America/Chicago")
JAN = int(datetime(2026, 1, 5, tzinfo=CHICAGO).timestamp())
FEB = int(datetime(2026, 2, 3, tzinfo=CHICAGO).timestamp())
SPAN = (JAN - 86400 * 10, JAN + 86400 * 120)
JAN_3 = int(datetime(2026, 1, 3, tzinfo=CHICAGO).timestamp())
JAN_20 = int(datetime(2026, 1, 20, tzinfo=CHICAGO).timestamp())
# How long an import that is staging gives a second writer to run to its end (it does, with no lock to wait
# for, in far less), before it goes on to put its own blocks in place.
WAIT = 2.0


def _import(customer, field_tech, data: bytes):
    return staff_usage_import(customer, parse_espi(io.BytesIO(data)), by=field_tech)


def _months(first_month: int, months: int) -> bytes:
    """One meter, hourly readings of `months` local months from `first_month` of 2026, a block a month."""
    blocks = []
    for m in range(first_month, first_month + months):
        start = int(datetime(2026, m, 1, tzinfo=CHICAGO).timestamp())
        end = int(datetime(2026, m + 1, 1, tzinfo=CHICAGO).timestamp())
        blocks.append(L.hourly(start, (end - start) // 3600, value=lambda i, m=m: 100 * m + i % 50))
    return L.feed(*L.one_meter(blocks))


def _staged_files() -> list:
    root = interval_files.store_dir()
    return sorted(root.glob(".staged-*")) if root.is_dir() else []


def test_blocks_out_of_time_order_are_merged_into_their_months_and_a_re_import_replaces(customer, field_tech):
    january = L.hourly(JAN, 24)
    overlap = L.hourly(JAN + 12 * 3600, 24, value=lambda i: 5000 + i)  # its first 12 repeat January's last
    late = L.hourly(FEB - 5 * 86400, 6, value=lambda i: 7000 + i)  # January again, after February
    data = L.feed(*L.one_meter([L.hourly(FEB, 24), january, overlap, late]))
    summary = _import(customer, field_tech, data)
    assert summary.readings_read == 78
    assert summary.readings_refused == 12 and summary.readings_stored == 66 and summary.readings_replaced == 0
    assert any("12 readings repeat a start" in p.message for p in summary.problems)
    assert summary.months == ["2026-01", "2026-02"] and summary.blocks_written == 2
    expected = sorted((s, d, v / 1000) for s, d, v in L.hourly(FEB, 24) + january + overlap[12:] + late)
    held = series_readings(own_readings(customer, *SPAN), *SPAN, "electric")
    assert held == expected
    again = _import(customer, field_tech, data)
    assert again.readings_stored == again.readings_replaced == 66 and again.readings_refused == 12
    assert series_readings(own_readings(customer, *SPAN), *SPAN, "electric") == held
    assert not _staged_files()


def test_a_store_that_fails_halfway_stores_nothing(customer, field_tech, monkeypatch):
    first = _import(customer, field_tech, _months(1, 1))
    held = series_readings(own_readings(customer, *SPAN), *SPAN, "electric")
    seal, sealed = sealing.seal_bytes, []

    def seal_two_then_fail(*args):
        if len(sealed) == 2:
            raise OSError("the disk is full")
        sealed.append(args)
        return seal(*args)

    monkeypatch.setattr(sealing, "seal_bytes", seal_two_then_fail)
    with pytest.raises(OSError, match="disk is full"):
        _import(customer, field_tech, _months(1, 4))
    assert len(sealed) == 2  # January and February were sealed and staged before March failed
    assert first.readings_stored == len(held)
    assert series_readings(own_readings(customer, *SPAN), *SPAN, "electric") == held
    assert interval_files.months_stored() == ["2026-01"]
    assert not _staged_files()


def test_a_commit_that_fails_putting_its_second_month_in_place_stores_nothing(
    customer, field_tech, monkeypatch
):
    real, written = interval_files._file_synced, []

    def second_month_fills_the_disk(where):
        written.append(where)  # half written, or all of it: the disk is full before it is synced
        if len(written) == 2:
            raise OSError("No space left on device")
        real(where)

    monkeypatch.setattr(interval_files, "_file_synced", second_month_fills_the_disk)
    with pytest.raises(OSError, match="No space left"):
        _import(customer, field_tech, _months(1, 3))
    assert len(written) == 2  # January's month-shard was written before February's failed
    assert interval_files.block_index() == []
    assert series_readings(own_readings(customer, *SPAN), *SPAN, "electric") == []
    root = interval_files.store_dir()
    assert not list(root.rglob("shard-*.parquet")) and not list(root.rglob("*.tmp*")) and not _staged_files()


def _while_staging(monkeypatch, work):
    """While the next import stages its first block, `work` starts in a thread (and is given WAIT to run to
    its end): the thread and its outcome."""
    real_add, started = services.IntervalBlocksRecording.add, []

    def add(self, block):
        if not started:
            started.append(in_a_thread(work))
            started[0][0].join(timeout=WAIT)
        return real_add(self, block)

    monkeypatch.setattr(services.IntervalBlocksRecording, "add", add)
    return started


def test_a_second_import_of_the_month_waits_for_the_first_and_both_are_kept(
    customer, field_tech, transactional_db, monkeypatch
):
    first = L.feed(*L.one_meter([L.hourly(JAN_3, 24)]))
    second = L.feed(*L.one_meter([L.hourly(JAN_20, 24, value=lambda i: 900 + i)]))
    started = _while_staging(monkeypatch, lambda: _import(customer, field_tech, second))
    assert _import(customer, field_tech, first).readings_stored == 24
    [(thread, outcome)] = started
    thread.join(timeout=60)
    assert "error" not in outcome and outcome["result"].readings_stored == 24
    held = series_readings(own_readings(customer, *SPAN), *SPAN, "electric")
    expected = sorted(
        (s, d, v / 1000) for s, d, v in L.hourly(JAN_3, 24) + L.hourly(JAN_20, 24, lambda i: 900 + i)
    )
    assert held == expected  # both days: the second import merged with the first's readings


def test_a_removal_during_an_import_waits_for_it_and_removes_its_blocks_too(
    customer, field_tech, monkeypatch
):
    _import(customer, field_tech, _months(1, 1))
    started = _while_staging(monkeypatch, lambda: interval_files.rows_delete(customer_ids=[customer.pk]))
    _import(customer, field_tech, _months(2, 1))
    [(thread, outcome)] = started
    thread.join(timeout=60)
    assert outcome == {"result": 2}  # January's block, and February's that the import put in place
    assert interval_files.block_index(customer_ids=[customer.pk]) == []


def test_a_file_whose_months_hold_much_is_merged_in_several_reads(customer, field_tech, monkeypatch):
    data = _months(1, 3)
    first = _import(customer, field_tech, data)
    assert first.all_stored and first.readings_stored == 24 * (31 + 28 + 31) - 1  # March loses an hour
    held = series_readings(own_readings(customer, *SPAN), *SPAN, "electric")

    def merge_reads():
        return AccessEvent.objects.filter(customer_id=customer.pk, action="reveal_intervals").count()

    before = merge_reads()
    again = _import(customer, field_tech, data)
    assert merge_reads() == before + 1  # three months of hourly readings: one read
    monkeypatch.setattr(intervals, "MERGE_READ_BYTES", 8 * 800)  # fewer than a month's hours
    before = merge_reads()
    parts = _import(customer, field_tech, data)
    assert merge_reads() == before + 3  # a read for each month
    for summary in (again, parts):
        assert summary.all_stored
        assert summary.readings_stored == summary.readings_replaced == first.readings_stored
    assert series_readings(own_readings(customer, *SPAN), *SPAN, "electric") == held


@pytest.mark.parametrize("uom, named", [(61, "VA, apparent power"), (63, "VAr, reactive power")])
def test_apparent_and_reactive_power_are_refused_by_name(customer, field_tech, uom, named):
    data = L.feed(*L.one_meter([L.hourly(JAN, 5)]), *L.one_meter([L.hourly(JAN, 6)], uom=uom, up_n=2))
    summary = _import(customer, field_tech, data)
    assert summary.readings_read == 11 and summary.readings_stored == 5 and summary.readings_refused == 6
    assert any(
        f"unit of measure '{uom}' ({named}) is not one Custodian holds" in p.message for p in summary.problems
    )
    assert summary.series == ["electric"]
