"""Rotating the master key re-wraps every data key; values stay readable; the old key can be retired."""

import json

import numpy as np
from django.conf import settings

from custodian.vault import interval_files, sealing
from custodian.vault.gate import reveal_intervals, reveal_many, system_actor
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.keys import master_key_rotate
from custodian.vault.models import DataKey
from custodian.vault.services import Submission, interval_blocks_record


def test_rotation_rewraps_all_data_keys_and_values_stay_readable(customer, other_customer):
    before = set(DataKey.objects.values_list("key_id", flat=True))
    seen = []
    result = master_key_rotate(batch=1, retire=True, progress=seen.append)
    assert result["rewrapped"] == 2 and sum(seen) == 2
    assert set(DataKey.objects.values_list("key_id", flat=True)) == {result["active"]}
    assert set(result["retired"]) == before
    ring = json.loads(settings.CUSTODIAN_MASTER_KEYRING.read_text())
    assert set(ring["keys"]) == {result["active"]} and ring["active"] == result["active"]
    values = reveal_many(
        actor=system_actor("billing_run"),
        customer_ids=[customer.pk, other_customer.pk],
        fields=["name"],
        purpose="billing",
    )
    assert values[customer.pk]["name"] == "Alice Anderson"


def test_a_running_process_picks_up_a_rotated_keyring(customer):
    master_key_rotate()
    sealing.KEYS._checked_at = 0  # as if a second passed
    assert sealing.KEYS.keyring().active_id == DataKey.objects.get(customer=customer).key_id


def test_rotation_is_safe_to_rerun(customer):
    first = master_key_rotate()
    second = master_key_rotate(retire=True)
    assert first["active"] != second["active"] and second["rewrapped"] == 1


def test_interval_readings_stay_readable_after_rotation_without_rewriting_the_files(customer):
    start, end = month_bounds("2026-02")
    values = np.linspace(0.1, 2.0, (end - start) // 3600)
    interval_blocks_record(
        blocks=[IntervalBlock(customer.pk, "electric", "2026-02", start, 3600, values)],
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
    )
    files = {p: p.read_bytes() for p in interval_files.store_dir().rglob("*.parquet")}
    master_key_rotate(retire=True)
    assert {p: p.read_bytes() for p in files} == files  # the blocks are sealed under the data key
    [block] = reveal_intervals(
        actor=system_actor("comparison_reports"),
        customer_id=customer.pk,
        purpose="providing_services",
        start=start,
        end=end,
    )
    assert np.allclose(block.values, values, atol=0.0005)
