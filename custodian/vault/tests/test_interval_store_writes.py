"""Blocks staged for the interval store never stay on the disk outside it: the staging file is removed when a
recording is put in place or dropped, even if closing it fails, and a staging file (or a month-shard's
temporary file) that a crashed or killed process left is removed once it is a day old."""

import os
import time

import numpy as np
import pytest

from custodian.testing import own_readings
from custodian.vault import interval_files
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import IntervalBlocksRecording, Submission

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
TWO_DAYS = 2 * 86400


def _month(customer_id: int, month: str = "2026-03") -> IntervalBlock:
    start, end = month_bounds(month)
    return IntervalBlock(customer_id, "electric", month, start, 3600, np.full((end - start) // 3600, 0.5))


def _staged_files() -> list:
    return sorted(interval_files.store_dir().glob(".staged-*"))


@pytest.fixture
def closing_fails(monkeypatch):
    """Closing a staging file writes its footer, then fails (a full disk, an I/O error)."""
    real = interval_files.pq.ParquetWriter.close

    def close(self):
        real(self)
        raise OSError("Input/output error")

    monkeypatch.setattr(interval_files.pq.ParquetWriter, "close", close)


def test_a_staging_file_whose_closing_fails_on_commit_is_removed(customer, closing_fails):
    with pytest.raises(OSError, match="Input/output"), IntervalBlocksRecording(submission=METER) as recording:
        recording.add(_month(customer.pk))
    assert not _staged_files()
    assert own_readings(customer, *month_bounds("2026-03")) == []


def test_a_staging_file_whose_closing_fails_when_dropped_is_removed(customer, closing_fails):
    with pytest.raises(OSError), IntervalBlocksRecording(submission=METER) as recording:
        recording.add(_month(customer.pk))
        raise ValueError("the file ended halfway")
    assert not _staged_files()


def test_files_a_crash_left_are_removed_a_day_later_and_a_running_import_s_are_not(customer):
    with IntervalBlocksRecording(submission=METER) as recording:
        recording.add(_month(customer.pk))
    root = interval_files.store_dir()
    crashed = [root / ".staged-crashed.parquet", root / "2026-03" / "shard-00000.tmp4242"]
    running = root / ".staged-running.parquet"
    for path in [*crashed, running]:
        path.write_bytes(b"sealed blocks")
    past = time.time() - TWO_DAYS
    for path in crashed:
        os.utime(path, (past, past))
    with IntervalBlocksRecording(submission=METER) as recording:
        recording.add(_month(customer.pk, "2026-04"))
    assert not any(path.exists() for path in crashed)
    assert _staged_files() == [running]
    assert len(own_readings(customer, month_bounds("2026-03")[0], month_bounds("2026-04")[1])) == 2
