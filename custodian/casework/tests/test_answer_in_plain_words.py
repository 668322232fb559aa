"""The answer to a data request in words a person reads, with everything held in it: why someone acted by
what they did (never an action's key), each document by what it is and its kind in plain words (never a
media type), the notice an item was collected under by what it told the customer (never its key); the
address they sign in to My account with among their data, and every month their readings cover (those
they uploaded from years before too) in the monthly table."""

import re
from datetime import date

import numpy as np
import pytest
from django.utils import translation

from custodian.casework.data_requests import package_build
from custodian.casework.models import CustomerRequest
from custodian.casework.package_words import monthly_rows
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.services import protection_facts_record
from custodian.testing.portal import signed_in
from custodian.vault.choices import CUSTOMER_UPLOAD
from custodian.vault.gate import staff_actor
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.normalize import MARKETING_OPTED_OUT
from custodian.vault.services import (
    Submission,
    interval_blocks_record,
    marketing_preference_set,
    personal_data_record,
)

# As the portal stores a customer's own Green Button file (`usage_upload_by_customer`), and the meter's.
UPLOADED = Submission(channel="file_import", notice_key="metering", recorded_by_label=CUSTOMER_UPLOAD)
READ_FROM_THE_METER = Submission(channel="meter", notice_key="metering", recorded_by_label="meter data")


def _uploaded(customer, month: str, kwh_an_hour: float) -> IntervalBlock:
    start, end = month_bounds(month)
    return IntervalBlock(
        customer.pk, "electric", month, start, 3600, np.full((end - start) // 3600, kwh_an_hour)
    )


def test_the_answer_names_everything_held_in_plain_words(households, privacy_officer):
    (customer, app), _ = households
    client = signed_in(app, "ann.signin@example.com")
    interval_blocks_record(
        blocks=[_uploaded(customer, "2011-06", 0.5), _uploaded(customer, "2012-01", 1.0)], submission=UPLOADED
    )
    interval_blocks_record(blocks=[_uploaded(customer, "2012-02", 0.25)], submission=READ_FROM_THE_METER)
    personal_data_record(
        customer=customer,
        values={"phone": "507-555-0999"},
        submission=Submission(channel="phone", notice_key="account_application", recorded_by=privacy_officer),
    )
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Everything, please", "notice_shown": "portal_request:2026.1"},
    )
    req = CustomerRequest.objects.get(customer=customer, kind="data_access")
    package = package_build(actor=staff_actor(privacy_officer), request=req)
    text = package.text
    for internal in ("record_values", "text/plain", "application/json", "account_application", "2026.2"):
        assert internal not in text
    assert "E-mail address you sign in to My account with: ann.signin@example.com" in text
    monthly = next(s for s in package.sections if s.title == "Your monthly use")
    added = {row[1]: row for row in monthly.rows if row[0] == "Electric"}
    assert added["June 2011"][2] == "360 kWh" and added["January 2012"][2] == "744 kWh"
    # Each month's figure by the source of its readings: the customer's own file is never told as the meter's.
    assert added["June 2011"][3] == "the readings of a file you uploaded, added up"
    assert added["February 2012"][2:] == ["174 kWh", "the meter readings we hold, added up"]
    # Months in words; each figure as held, its decimals kept (a bill's total as the bill gives it).
    assert not any(re.search(r"\b\d{4}-\d{2}\b", cell) for row in monthly.rows for cell in row[1:3])
    seen = next(s for s in package.sections if s.title == "Who has seen or changed your data")
    assert any("Recorded or corrected your details" in row for row in seen.rows)
    told = next(s for s in package.sections if s.title == "What we told you when we collected it")
    assert told.rows[0][1].startswith("To open and run your utility account")
    documents = next(s for s in package.sections if s.title == "Messages, letters and documents")
    assert {row[1] for row in documents.rows} <= {"text", "PDF file", "picture", "file"}
    assert all("A document" not in row[0] for row in documents.rows)


def test_the_answer_letter_tells_the_protection_facts_and_the_marketing_choice_in_words(
    households, privacy_officer
):
    """The letter a customer receives gives the facts held for the protections against disconnection one by
    one in words, and their marketing choice as the portal says it: never the stored JSON or a key."""
    (customer, app), _ = households
    client = signed_in(app, "ann.signin@example.com")
    marketing_preference_set(customer=customer, opted_out=True, submission=UPLOADED)
    facts = ProtectionFacts(
        income_verified_on=date(2026, 10, 1),
        income_basis="assistance_provider",
        referred_on=date(2026, 10, 1),
    )
    protection_facts_record(customer_id=customer.pk, facts=facts, submission=UPLOADED)
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Everything, please", "notice_shown": "portal_request:2026.1"},
    )
    req = CustomerRequest.objects.get(customer=customer, kind="data_access")
    text = package_build(actor=staff_actor(privacy_officer), request=req).text
    for internal in ('{"', "assistance_provider", "referred_on", MARKETING_OPTED_OUT, "2026-10-01"):
        assert internal not in text
    assert "How the income was verified: Verified by the local energy assistance provider" in text
    assert "Referred to energy assistance on: October 1, 2026" in text
    assert "You have opted out: we never use your details for marketing." in text


def test_the_monthly_use_names_its_months_and_keeps_its_amounts_as_held():
    """A customer's letter names each month in words and its use grouped, with the decimals it is held
    with and none rounded away (a bill's total as the bill gives it, readings' to the thousandth), in their
    language."""
    bills = {"water": {"unit": "gal", "months": [{"month": "2025-10", "total": 4052.9}]}}
    [row] = monthly_rows(bills, {})
    assert row[1:3] == ["October 2025", "4,052.9 gal"]
    with translation.override("es"):
        [row] = monthly_rows(bills, {"electric": {"2025-09": {"upload": 1234.5678}}})[:1]
    assert row[1:3] == ["septiembre de 2025", "1,234.568 kWh"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_month_s_peak_demand_is_told_with_its_decimals(language):
    """Dana's peak of 42.5 kW is 42.5 kW in her copy of her data, never 42; a whole peak has no ".0"; an
    energy month of 0.4 kWh is not 0."""
    held = {
        "electric_demand": {"2025-09": {"meter": 42.5}, "2025-10": {"meter": 38.0}},
        "electric": {"2025-09": {"meter": 0.4}, "2025-10": {"meter": 12345.0}},
    }
    with translation.override(language):
        rows = monthly_rows({}, held)
    assert [row[2] for row in rows] == ["0.4 kWh", "12,345 kWh", "42.5 kW", "38 kW"]
