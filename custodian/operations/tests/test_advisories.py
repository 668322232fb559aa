"""Retention items the records officer has not confirmed are told to staff, not only printed to customers:
the public pages keep their honest "(item to be confirmed)", and /readyz's warnings, the privacy officer's
retention page and `check --deploy` (custodian/tests/test_settings.py) name them; confirmed, they go."""

import dataclasses

from django.test import Client

from custodian.operations import advisories
from custodian.policy.loader import current_policy


def test_unconfirmed_retention_items_are_named_to_staff_and_stay_honest_to_customers(
    db, log_keys, console, privacy_officer
):
    unconfirmed = [k for k, item in current_policy().retention_schedule.items() if not item.confirmed]
    assert unconfirmed  # the policy file as shipped: confirmed by the records officer at installation
    warning = Client().get("/readyz").json()["warnings"]["retention_schedule"]
    assert all(key in warning for key in unconfirmed)
    page = console(privacy_officer).get("/staff/privacy/retention/").content.decode()
    assert "data-unconfirmed" in page
    assert all(f'data-item="{key}"' in page for key in unconfirmed)
    assert "(item to be confirmed)" in Client().get("/privacy/inventory/").content.decode()


def test_confirmed_items_are_not_warned_of(db, log_keys, console, privacy_officer, monkeypatch):
    policy = current_policy()
    confirmed = {k: dataclasses.replace(i, confirmed=True) for k, i in policy.retention_schedule.items()}
    as_confirmed = dataclasses.replace(policy, retention_schedule=confirmed)
    monkeypatch.setattr(advisories, "current_policy", lambda: as_confirmed)
    assert "retention_schedule" not in Client().get("/readyz").json()["warnings"]
    page = console(privacy_officer).get("/staff/privacy/retention/").content.decode()
    assert "data-unconfirmed" not in page
