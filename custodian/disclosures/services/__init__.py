"""Writes of the disclosure workflow, by concern: `accounting` (the accounting of disclosures), `consents`,
`authorities` (legal authority), `vendors` (vendors and determinations) and `disclosure` (the workflow).
Callers import from `custodian.disclosures.services`."""

from custodian.disclosures.services.accounting import AccountingError, disclosure_entries_record
from custodian.disclosures.services.authorities import (
    law_enforcement_release,
    legal_authority_record,
    legal_authority_second_approve,
    statute_releases,
)
from custodian.disclosures.services.consents import consent_record, consent_revoke
from custodian.disclosures.services.disagreements import (
    disagreement_record,
    disagreement_texts,
    disagreements_about,
)
from custodian.disclosures.services.disclosure import (
    Disclosure,
    DisclosureRefused,
    disclose,
    disclosure_check,
)
from custodian.disclosures.services.vendors import (
    current_determination,
    determination_approve,
    determination_decline,
    vendor_determine,
    vendor_register,
    vendor_revoke,
)

__all__ = [
    "AccountingError",
    "Disclosure",
    "DisclosureRefused",
    "consent_record",
    "consent_revoke",
    "current_determination",
    "determination_approve",
    "determination_decline",
    "disagreement_record",
    "disagreement_texts",
    "disagreements_about",
    "disclose",
    "disclosure_check",
    "disclosure_entries_record",
    "law_enforcement_release",
    "statute_releases",
    "legal_authority_record",
    "legal_authority_second_approve",
    "vendor_determine",
    "vendor_register",
    "vendor_revoke",
]
