"""The consumption-report vendor gets what its function's categories allow (meter usage, under a pseudonym)
and a comparison group of ours in a form that singles nobody out: no ZIP code, no premise fact, and every
group label shared by at least the policy's minimum group size; every category that left is accounted for,
under the function's purpose, for each customer in the file."""

from collections import Counter

import pytest
from django.utils import timezone

from custodian.customers.models import Premise
from custodian.customers.services import customers_enrol
from custodian.demo.generator import application
from custodian.disclosures.exports import (
    PEER_GROUP_COLUMN,
    STATEMENT_COLUMN,
    min_group_size,
    vendor_export_run,
)
from custodian.disclosures.models import DisclosureEntry
from custodian.policy.loader import current_policy
from custodian.testing import export_rows, make_vendor
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.services import Submission

PAPER = Submission(channel="paper", notice_key="account_application", recorded_by_label="front desk")


@pytest.fixture
def fifty_homes(db):
    """The demo's fifty customers (seed 1), as the outside review found them."""
    today = timezone.localdate()
    return customers_enrol(applications=[application(1, i, today) for i in range(50)], submission=PAPER)


def test_the_privacy_officers_usage_export_groups_homes_so_nobody_is_singled_out(
    privacy_officer, fifty_homes
):
    keys = new_vendor_keypair()
    vendor = make_vendor("consumption_reports", keys, privacy_officer)
    export = vendor_export_run(requested_by=privacy_officer, vendor=vendor)
    rows = export_rows(export, keys[0])
    assert set(rows[0]) == {"pseudonym", "meter_usage", PEER_GROUP_COLUMN, STATEMENT_COLUMN}
    text = repr(rows)
    for premise in Premise.objects.all():
        assert premise.zip_code not in text
    shared = Counter(r[PEER_GROUP_COLUMN] for r in rows)
    assert len(rows) == len(fifty_homes) and "" not in shared
    assert min(shared.values()) >= min_group_size() == current_policy().aggregation["min_customers"]


def test_every_category_that_left_is_in_each_customers_accounting(privacy_officer, fifty_homes):
    keys = new_vendor_keypair()
    export = vendor_export_run(
        requested_by=privacy_officer, vendor=make_vendor("consumption_reports", keys, privacy_officer)
    )
    columns = set(export_rows(export, keys[0])[0])
    by_field = {c.field: c.key for c in current_policy().categories.values()}
    left = {by_field[c] for c in columns if c in by_field}
    assert left == {"meter_usage"}
    # Nothing else of a customer's leaves: the other columns are the pseudonym, our group label and the law's
    # statement of disagreement.
    assert columns - set(by_field) == {"pseudonym", PEER_GROUP_COLUMN, STATEMENT_COLUMN}
    entries = DisclosureEntry.objects.filter(recipient_name=export.vendor.name)
    assert entries.count() == len(fifty_homes)
    for entry in entries:
        assert set(entry.category_list) == left and entry.purpose == "providing_services"


def test_a_file_of_fewer_homes_than_a_group_carries_no_group_at_all(
    privacy_officer, customer, other_customer
):
    keys = new_vendor_keypair()
    export = vendor_export_run(
        requested_by=privacy_officer, vendor=make_vendor("consumption_reports", keys, privacy_officer)
    )
    assert [r[PEER_GROUP_COLUMN] for r in export_rows(export, keys[0])] == ["", ""]
