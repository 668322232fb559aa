"""Households with a year of usage for the bill run, billed customers on automatic payment, and the
vendors that take the utility's letters and its bank's debit file."""

import json
from datetime import date

import pytest

from conftest import PAPER_FORM, application_for
from custodian.billing.services import bill_run
from custodian.customers.services import customer_enrol
from custodian.payments.autopay import autopay_enrol
from custodian.testing import TEST_ROUTING, TEST_ROUTING_OTHER, vendor_with_determination
from custodian.vault.services import Submission

# Ten months of 2026, each a little more than the last.
YEAR = {
    f"2026-{m:02d}": {"electric": 600.0 + 10 * m, "gas": 40.0 + m, "water": 4000.0 + 100 * m}
    for m in range(1, 11)
}

# What a customer gives on the portal to pay automatically.
AUTOPAY_FORM = Submission(channel="portal", notice_key="automatic_payment", recorded_by_label="the customer")

# A policy-change letter's words.
POLICY_CHANGE = {
    "version": "2027.1",
    "previous_version": "2026.1",
    "effective_date": date(2027, 3, 1),
    "changes": ["Interval readings are kept three years, then only monthly totals."],
    "policy_url": "https://www.owatonnautilities.com/privacy/",
    "contact": "privacy@owatonnautilities.com",
    "utility": "Owatonna Public Utilities",
}


def usage_document(months: dict[str, dict[str, float]], estimated: set[str] = frozenset()) -> str:
    """The `meter_usage` value (JSON) of these monthly totals, the `estimated` months marked so."""
    doc = {}
    for service, unit in (("electric", "kWh"), ("gas", "therm"), ("water", "gal")):
        doc[service] = {
            "unit": unit,
            "months": [
                {"month": m, "total": v[service], **({"estimated": True} if m in estimated else {})}
                for m, v in sorted(months.items())
                if service in v
            ],
        }
    return json.dumps(doc)


def household(name: str, account: str, months, **extra):
    """A customer enrolled on paper with these monthly totals, an account opened at the start of 2025."""
    app = application_for(
        name, f"{account}@example.com", "507-555-0100", account, meter_usage=usage_document(months)
    )
    app.opened_on = date(2025, 1, 1)
    app.__dict__.update(extra)
    return customer_enrol(application=app, submission=PAPER_FORM)


@pytest.fixture
def on_autopay(db):
    """Three households billed for October 2026, the first two on automatic payment: their accounts."""
    homes = [household(f"Ostby {i}", f"00600000{i:02d}", YEAR) for i in range(3)]
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    accounts = [h.accounts.get() for h in homes]
    autopay_enrol(
        account_id=accounts[0].pk,
        bank_account=f"routing {TEST_ROUTING} account 5550001",
        submission=AUTOPAY_FORM,
    )
    autopay_enrol(
        account_id=accounts[1].pk,
        bank_account=f"routing {TEST_ROUTING_OTHER} account 5550002 savings",
        submission=AUTOPAY_FORM,
    )
    return accounts


@pytest.fixture
def bank(privacy_officer):
    """The bank that originates the automatic payments' debits, with its key pair."""
    return vendor_with_determination(
        function="ach_origination", officer=privacy_officer, name="First Owatonna Bank", days=365
    )


@pytest.fixture
def letter_vendor(privacy_officer):
    """The mailing house that prints and mails the utility's letters, with its key pair."""
    return vendor_with_determination(
        function="letter_mailing", officer=privacy_officer, name="Prairie Print & Mail", days=200
    )
