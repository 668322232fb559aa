"""Legal authority for a disclosure without consent (a subpoena, a court order, a statute), recorded with its
citation."""

import hashlib
from datetime import date

from django.db import transaction

from custodian.disclosures.models import (
    LegalAuthority,
)
from custodian.disclosures.services.accounting import (
    AccountingError,
    categories_checked,
    reviews_access_of,
    second_approver_of,
)
from custodian.policy.loader import current_policy
from custodian.staff.independence import dependence


@transaction.atomic
def legal_authority_record(
    *,
    kind: str,
    citation: str,
    requester: str,
    requester_address: str = "",
    document: bytes,
    document_name: str,
    customer_ids,
    categories,
    valid_until: date,
    approved_by,
    second_approver=None,
    statute_release: str = "",
    is_law_enforcement: bool = False,
) -> LegalAuthority:
    """A subpoena, court order or statutory release, approved by the privacy officer (and, for law
    enforcement, by a second approver from the privacy officer or legal, independent of the first:
    custodian.staff.independence, both ways)."""
    policy = current_policy()
    cats = categories_checked(categories)
    if kind not in {k for k, _ in LegalAuthority.KINDS}:
        raise AccountingError(f"unknown kind of legal authority {kind!r}")
    if kind == "statute":
        releases = policy.disclosure_bases["legal_authority"]["release_list"]
        if statute_release not in releases:
            raise AccountingError("a statutory release names an entry of the § 13.685 release list")
    if not document:
        raise AccountingError("keep the document (subpoena, order or request letter)")
    if not reviews_access_of(approved_by):
        raise AccountingError("the privacy officer approves disclosures under legal authority")
    if is_law_enforcement:
        if second_approver is None or second_approver.pk == approved_by.pk:
            raise AccountingError("a law enforcement request needs a second approver")
        if not second_approver_of(second_approver):
            raise AccountingError("the second approver is from the privacy office or legal")
        why = dependence(second_approver, on=(approved_by,)) or dependence(approved_by, on=(second_approver,))
        if why:
            raise AccountingError(f"the second approver must be independent of the first: {why}")
    authority = LegalAuthority.objects.create(
        kind=kind,
        citation=citation.strip(),
        statute_release=statute_release,
        is_law_enforcement=is_law_enforcement,
        requester=requester.strip(),
        requester_address=requester_address.strip(),
        document_name=document_name,
        document=document,
        document_sha256=hashlib.sha256(document).hexdigest(),
        categories=",".join(cats),
        valid_until=valid_until,
        approved_by=approved_by,
        second_approver=second_approver,
    )
    authority.customers.set(list(customer_ids))
    return authority
