"""Rotating the master key re-wraps every data key; values stay readable; the old key can be retired."""

import json

from django.conf import settings

from custodian.vault import _crypto
from custodian.vault.gate import reveal_many, system_actor
from custodian.vault.keys import master_key_rotate
from custodian.vault.models import DataKey


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
    _crypto.KEYS._checked_at = 0  # as if a second passed
    assert _crypto.KEYS.keyring().active_id == DataKey.objects.get(customer=customer).key_id


def test_rotation_is_safe_to_rerun(customer):
    first = master_key_rotate()
    second = master_key_rotate(retire=True)
    assert first["active"] != second["active"] and second["rewrapped"] == 1
