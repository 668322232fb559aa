"""Legal authority for a disclosure without consent (a subpoena, a court order, a statute), recorded with its
citation.

Every one is compelled or permitted by law rather than chosen by the customer, so every one waits for a
second member of staff: the privacy officer records it naming a second approver from the privacy office or
legal, independent of the first (custodian.staff.independence, both ways), and it covers nothing until that
second approver approves it themselves, signed in in their own session and proving it is them again (the
console's step), confirming what the document is, whether it comes from a law enforcement agency and who
asks. Whether the check applies is never the first approver's to decide: not a checkbox, not the § 13.685
release she chooses. A law enforcement request (the box ticked, or a release the policy file lists under
`law_enforcement_releases`) is marked as one on the record, and the second approver confirms that too. They
are told by e-mail when asked (`staff.signals.staff_notice`), and the ask and the approval are events in the
access log."""

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

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
from custodian.staff.independence import decider_refusal
from custodian.staff.services import staff_decision_append
from custodian.staff.signals import staff_notice

SECOND_APPROVERS = SECOND_APPROVER_SERVICES


def _releases_as_adopted(name: str) -> list[str]:
    """A list of the policy's legal authority basis as the file adopted it, whatever the active language: a
    release's key is its entry in the policy's own language, never the words it is shown in."""
    return list(dict.get(current_policy().disclosure_bases["legal_authority"], name, []))


def statute_releases() -> list[tuple[str, str]]:
    """The § 13.685 release list as choices: each release's key (as adopted) with its words in the active
    language (the translations give every entry, in order)."""
    shown = current_policy().disclosure_bases["legal_authority"]["release_list"]
    return list(zip(_releases_as_adopted("release_list"), shown, strict=True))


def law_enforcement_release(statute_release: str) -> bool:
    """Whether a statutory release (by its key) is a law enforcement request by the policy file's list."""
    return bool(statute_release) and statute_release in _releases_as_adopted("law_enforcement_releases")


def _independent_second(second_approver, approved_by, *, since=None) -> None:
    if second_approver is None:
        raise AccountingError(
            gettext(
                "a disclosure under legal authority needs a second approver: name a member of the privacy "
                "office or legal"
            )
        )
    unfit = None
    if not second_approver.is_active:
        unfit = "the second approver's account is not active"
    elif not second_approver_of(second_approver):
        unfit = "the second approver is from the privacy office or legal"
    why = decider_refusal(
        second_approver,
        on=(approved_by,),
        since=since,
        own=gettext("the second approver must be someone other than you"),
        unfit=unfit,
        lead="the second approver must be independent of the first",
        both_ways=True,
    )
    if why:
        raise AccountingError(why)


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
    """A subpoena, court order or statutory release, approved by the privacy officer. Every one names
    `second_approver`, from the privacy office or legal and independent of the first, and waits for them
    (`legal_authority_second_approve`); they are told now. `is_law_enforcement` (or a law enforcement release,
    on any kind) marks it as a law enforcement request; it changes nothing of the wait."""
    cats = categories_checked(categories)
    if kind not in {k for k, _ in LegalAuthority.KINDS}:
        raise AccountingError(f"unknown kind of legal authority {kind!r}")
    # A release named on any kind is one of the list, and one on the policy file's law enforcement list marks
    # it as law enforcement whatever box is ticked (a subpoena under it as much as a statutory release).
    if (kind == "statute" or statute_release) and statute_release not in _releases_as_adopted("release_list"):
        raise AccountingError("a statutory release names an entry of the § 13.685 release list")
    if not document:
        raise AccountingError("keep the document (subpoena, order or request letter)")
    if not reviews_access_of(approved_by):
        raise AccountingError("the privacy officer approves disclosures under legal authority")
    is_law_enforcement = is_law_enforcement or law_enforcement_release(statute_release)
    _independent_second(second_approver, approved_by)
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
    staff_decision_append(
        Action.LEGAL_AUTHORITY_ASKED,
        by=approved_by,
        reason=f"{_named(authority)} ({authority.requester}) recorded; it waits for "
        f"{second_approver.get_username()} to approve it",
    )
    _tell(authority, "asked", second_approver, approved_by)
    return authority


def _named(authority: LegalAuthority) -> str:
    what = "law enforcement request" if authority.is_law_enforcement else "legal authority"
    return f"{what} {authority.pk}"


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
def legal_authority_second_approve(
    *, authority: LegalAuthority, by, kind: str, requester: str, is_law_enforcement: bool
) -> LegalAuthority:
    """The second approver named on a legal authority approves it (the console has them prove it is them
    first), saying what they read in its document: its `kind`, its `requester` and whether that is a law
    enforcement agency. Only they, still independent of the first approver, while it is valid, and only when
    what they read is what was recorded (otherwise the privacy officer records it again as it is). From then
    on it covers a disclosure."""
    authority = LegalAuthority.objects.select_for_update().get(pk=authority.pk)
    if authority.second_approved_at is not None:
        raise AccountingError(f"legal authority {authority.pk} is approved already")
    if authority.approved_by_id == by.pk:
        raise AccountingError(gettext("the second approver must be someone other than you"))
    if authority.second_approver_id != by.pk:
        raise AccountingError(
            "only the second approver named on the legal authority approves it: the privacy officer records "
            "it again to name another"
        )
    if authority.valid_until < timezone.localdate():
        raise AccountingError("the legal authority is no longer valid")
    _independent_second(by, authority.approved_by, since=authority.recorded_at)
    _as_read(authority, kind=kind, requester=requester, is_law_enforcement=is_law_enforcement)
    authority.second_approved_at = timezone.now()
    authority.save(update_fields=["second_approved_at"])
    staff_decision_append(
        Action.LEGAL_AUTHORITY_APPROVED,
        by=by,
        reason=f"{_named(authority)} ({authority.requester}) approved as second approver, read as "
        f"{authority.get_kind_display().lower()}; recorded by {authority.approved_by.get_username()}",
    )
    _tell(authority, "approved", authority.approved_by, by)
    return authority


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _as_read(authority: LegalAuthority, *, kind: str, requester: str, is_law_enforcement: bool) -> None:
    """Refused unless the second approver read the authority as it was recorded: its kind, its requester
    and whether it is a law enforcement request."""
    again = gettext("nothing is approved; the privacy officer records it again as it is")
    if kind != authority.kind:
        kinds = dict(LegalAuthority.KINDS)
        raise AccountingError(
            gettext("it was recorded as “%(recorded)s”, and you read “%(read)s”")
            % {"recorded": gettext(kinds[authority.kind]), "read": gettext(kinds.get(kind, kind))}
            + f": {again}"
        )
    if _words(requester) != _words(authority.requester):
        raise AccountingError(
            gettext("it was recorded as from %(requester)s, and you read another requester")
            % {"requester": authority.requester}
            + f": {again}"
        )
    if is_law_enforcement != authority.is_law_enforcement:
        raise AccountingError(
            (
                gettext("it was recorded as a law enforcement request, and you read that it is not one")
                if authority.is_law_enforcement
                else gettext("it was recorded as not from law enforcement, and you read that it is")
            )
            + f": {again}"
        )
