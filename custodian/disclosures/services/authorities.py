"""Legal authority for a disclosure without consent (a subpoena, a court order, a statute), recorded with its
citation.

A law enforcement request (the privacy officer ticks it, or its statutory release is one the policy file
lists under `law_enforcement_releases`: the statute decides, not only a checkbox) is recorded by the privacy
officer naming a second approver from the privacy office or legal, independent of the first
(custodian.staff.independence, both ways). It covers nothing until that second approver approves it
themselves, signed in in their own session and proving it is them again (the console's step); they are
told by e-mail when asked (`staff.signals.staff_notice`), and the ask and the approval are events in the
access log."""

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.disclosures.models import (
    LegalAuthority,
)
from custodian.disclosures.services.accounting import (
    SECOND_APPROVER_SERVICES,
    AccountingError,
    categories_checked,
    reviews_access_of,
    second_approver_of,
)
from custodian.policy.loader import current_policy
from custodian.staff.independence import dependence
from custodian.staff.services import staff_decision_append
from custodian.staff.signals import staff_notice

SECOND_APPROVERS = SECOND_APPROVER_SERVICES


def law_enforcement_release(statute_release: str) -> bool:
    """Whether a statutory release is a law enforcement request by the policy file's list."""
    releases = current_policy().disclosure_bases["legal_authority"].get("law_enforcement_releases", [])
    return bool(statute_release) and statute_release in releases


def _independent_second(second_approver, approved_by, *, since=None) -> None:
    if second_approver is None or second_approver.pk == approved_by.pk:
        raise AccountingError("a law enforcement request needs a second approver")
    if not second_approver.is_active:
        raise AccountingError("the second approver's account is not active")
    if not second_approver_of(second_approver):
        raise AccountingError("the second approver is from the privacy office or legal")
    why = dependence(second_approver, on=(approved_by,), since=since) or dependence(
        approved_by, on=(second_approver,)
    )
    if why:
        raise AccountingError(f"the second approver must be independent of the first: {why}")


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
    """A subpoena, court order or statutory release, approved by the privacy officer. A law enforcement
    request (ticked, or by its statutory release) names `second_approver`, from the privacy office or legal
    and independent of the first, and waits for them (`legal_authority_second_approve`); they are told
    now."""
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
    is_law_enforcement = is_law_enforcement or (
        kind == "statute" and law_enforcement_release(statute_release)
    )
    if is_law_enforcement:
        _independent_second(second_approver, approved_by)
    else:
        second_approver = None  # only a law enforcement request has one, and it is the one it waits for
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
    if is_law_enforcement:
        staff_decision_append(
            Action.LEGAL_AUTHORITY_ASKED,
            by=approved_by,
            reason=f"law enforcement request {authority.pk} ({authority.requester}) recorded; it waits for "
            f"{second_approver.get_username()} to approve it",
        )
        _tell(authority, "asked", second_approver, approved_by)
    return authority


def _tell(authority: LegalAuthority, what: str, *to) -> None:
    """The second approver (at the ask) and the first (at both) are told by e-mail, on the record."""
    staff_notice.send(
        sender=LegalAuthority,
        to=list({u.pk: u for u in to}.values()),
        template="legal_authority_second",
        context={"authority": authority, "what": what},
        regarding=f"legal_authority:{authority.pk}",
    )


@transaction.atomic
def legal_authority_second_approve(*, authority: LegalAuthority, by) -> LegalAuthority:
    """The second approver named on a law enforcement request approves it (the console has them prove it is
    them first): only they, still independent of the first approver, while it is valid. From then on the
    request covers a disclosure."""
    authority = LegalAuthority.objects.select_for_update().get(pk=authority.pk)
    if not authority.is_law_enforcement:
        raise AccountingError("only a law enforcement request waits for a second approver")
    if authority.second_approved_at is not None:
        raise AccountingError(f"legal authority {authority.pk} is approved already")
    if authority.second_approver_id != by.pk:
        raise AccountingError(
            "only the second approver named on the request approves it: the privacy officer records it again "
            "to name another"
        )
    if authority.valid_until < timezone.localdate():
        raise AccountingError("the legal authority is no longer valid")
    _independent_second(by, authority.approved_by, since=authority.recorded_at)
    authority.second_approved_at = timezone.now()
    authority.save(update_fields=["second_approved_at"])
    staff_decision_append(
        Action.LEGAL_AUTHORITY_APPROVED,
        by=by,
        reason=f"law enforcement request {authority.pk} ({authority.requester}) approved as second approver; "
        f"recorded by {authority.approved_by.get_username()}",
    )
    _tell(authority, "approved", authority.approved_by, by)
    return authority
