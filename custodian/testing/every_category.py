"""A customer with something held in every category of the policy file, and the words that show each one in
an answer to a data access request or in the customer's own download. The tests that walk the policy file's
categories (`categories_walked`) fail for a category the answer leaves out, and for a category of the policy
file this set-up does not yet hold data in (a new category needs its reader, then its line here)."""

import json
from datetime import date

from custodian.billing.models import Bill
from custodian.billing.presentation import money
from custodian.billing.services import bill_run
from custodian.casework.choices import Verification
from custodian.casework.data_requests import request_verify
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.services import payment_agreement_request, protection_facts_record
from custodian.payments.autopay import autopay_enrol
from custodian.policy.loader import current_policy
from custodian.testing import TEST_ROUTING, consent_given
from custodian.testing.billing import AUTOPAY_FORM
from custodian.vault.services import Submission, marketing_preference_set

BY_PHONE = Submission(
    channel="phone", notice_key="disconnection_protection", recorded_by_label="the collections desk"
)
CYCLE = "2026-10"
# Days no other record of the set-up falls on, so that the words found are the ones looked for.
INCOME_VERIFIED = date(2026, 9, 17)
AGREEMENT_ASKED = date(2026, 11, 24)  # after the bill of November 1 is due (21 days): something past due


def verified_access_request(customer, app, privacy_officer, open_request, *, account_number=None):
    """A data access request of `customer` (enrolled from `app`, or None with the `account_number` they gave)
    the privacy officer has verified by photo ID, ready for its answer."""
    req = open_request(customer, "privacy_officer", kind="data_access")
    request_verify(
        request=req,
        by=privacy_officer,
        method=Verification.PHOTO_ID,
        verified_with="drivers_license",
        account_number=account_number or app.personal["account_number"],
    )
    return req


def everything_held(customer, app) -> dict[str, str]:
    """Give `customer` (enrolled from `app`, with its values and its months of use) a bill, automatic payment
    from a bank account, a payment agreement asked for, the income qualification on file, the marketing
    opt-out and a consent; returns each category's key → words an answer shows it by (in English)."""
    bill_run(cycle=CYCLE, issued_on=date(2026, 11, 1))
    bill = Bill.objects.get(customer=customer, cycle=CYCLE)
    account = customer.accounts.get()
    autopay_enrol(
        account_id=account.pk, bank_account=f"routing {TEST_ROUTING} account 5554321", submission=AUTOPAY_FORM
    )
    payment_agreement_request(account_id=account.pk, requested_on=AGREEMENT_ASKED)
    protection_facts_record(
        customer_id=customer.pk,
        facts=ProtectionFacts(income_verified_on=INCOME_VERIFIED, income_basis="assistance_provider"),
        submission=BY_PHONE,
    )
    marketing_preference_set(
        customer=customer,
        opted_out=True,
        submission=Submission(channel="phone", notice_key="portal_profile", recorded_by_label="front desk"),
    )
    consent_given(customer, method="electronic", text_shown="I agree")
    personal = app.personal
    return {
        "name": personal["name"],
        "email": personal["email"],
        "phone": personal["phone"],
        "mailing_address": personal["mailing_address"].splitlines()[0],
        "service_address": personal["service_address"].splitlines()[0],
        "account_number": personal["account_number"],
        "bank_account": "4321",
        # The last month's electricity as the bills' monthly use gives it (a number, in every file alike).
        "meter_usage": str(json.loads(personal["meter_usage"])["electric"]["months"][-1]["total"]),
        "bills": money(bill.total),
        "disconnection_protection": "September 17, 2026",
        "correspondence": "The words of a consent you gave",
        "marketing_preference": "You have opted out: we never use your details for marketing.",
        # Kept as records beside the bills, each read under the bills category: not categories themselves.
        "agreement": "November 24, 2026",
        "autopay": "each bill is debited from your bank account when it is due.",
    }


def categories_walked() -> list:
    """Every category of the policy file, in its order."""
    return list(current_policy().categories.values())


def unanswered(text: str, shows: dict[str, str]) -> list[str]:
    """The categories of the policy file whose words are not in `text` (a category this set-up gives no
    words for is unanswered too: the walk finds a new category)."""
    return [c.key for c in categories_walked() if c.key not in shows or shows[c.key] not in text]


def unanswered_in_file(held: set[str]) -> list[str]:
    """The categories of the policy file that a file's keys (`held`: the fields and categories it has
    something under) leave out."""
    return [c.key for c in categories_walked() if c.key not in held and c.field not in held]
