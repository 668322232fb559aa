"""A scratch file puts bytes aside sealed, in a file without a name, and gives them back whole; a read by a
writer holding the customer's store lock keeps nothing for the next read (it is about to replace it)."""

import os

import numpy as np
import pytest
from cryptography.exceptions import InvalidTag

from custodian.testing import own_readings
from custodian.vault import interval_files, sealed_rows
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.scratch import Scratch
from custodian.vault.services import Submission, interval_blocks_record

READINGS = b"<value>1234</value> a household's quarter hours" * 100


def test_what_is_put_aside_is_sealed_nameless_and_given_back_whole(tmp_path):
    scratch = Scratch(tmp_path)
    first, second = scratch.put(READINGS), scratch.put(b"the next piece")
    assert list(tmp_path.iterdir()) == []  # no name in the folder, nothing left behind by a crash
    on_disk = os.pread(scratch._fd, first[1] + second[1], 0)
    assert b"1234" not in on_disk and b"household" not in on_disk
    assert scratch.take(*second) == b"the next piece" and scratch.take(*first) == READINGS
    with pytest.raises(InvalidTag):  # another file's key (a key lives in its own object only)
        Scratch(tmp_path)._cipher.decrypt(first[0].to_bytes(12, "big"), on_disk[: first[1]], None)
    scratch.close()
    with pytest.raises(OSError):
        os.fstat(scratch._fd)


def test_a_read_under_the_customer_s_lock_keeps_nothing_for_the_next_read(customer):
    start, end = month_bounds("2026-03")
    block = IntervalBlock(
        customer.pk, "electric", "2026-03", start, 3600, np.full((end - start) // 3600, 0.5)
    )
    interval_blocks_record(
        blocks=[block], submission=Submission(channel="meter", notice_key="metering", recorded_by_label="m")
    )
    sealed_rows.forget()
    path = str(interval_files._path("2026-03", customer.pk // interval_files.SHARD_SIZE))
    with interval_files.customer_locked(customer.pk):
        assert len(own_readings(customer, start, end)) == 1
    assert sealed_rows.kept(path, customer.pk, sealed_rows.stamp_of(path)) is None
    assert len(own_readings(customer, start, end)) == 1
    assert sealed_rows.kept(path, customer.pk, sealed_rows.stamp_of(path)) is not None
