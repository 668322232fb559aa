"""Vendors, the privacy officer's determinations that their use advances the public's welfare, health or
safety, and revocation (the API revokes the vendor's tokens on `signals.vendor_revoked`).

A determination lets customer data leave for the vendor, so one person never makes it alone: the privacy
officer records it, and it takes effect only once a second person from the privacy office or legal,
independent of the one who recorded it (custodian.staff.independence: not them, not an account they added or
empowered, not an account added after it was recorded), approves it. Until then no export goes to the vendor
under it. Every determination recorded, approved or declined is an event in the access log, and the privacy
officers and the second persons who may approve it are told at once (`staff.signals.staff_notice`, an e-mail
through the outbox), the one who recorded it too when it is decided."""

import base64
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.record_seals import with_seal
from custodian.disclosures import signals
from custodian.disclosures.models import (
    DeterminationDecision,
    Vendor,
    VendorDetermination,
)
from custodian.disclosures.sealed import DECISIONS, DETERMINATIONS
from custodian.disclosures.services.accounting import (
    AccountingError,
    reviews_access_of,
    second_approver_of,
    second_approvers,
)
from custodian.policy.loader import current_policy
from custodian.staff.independence import decider_refusal
from custodian.staff.services import staff_decision_append
from custodian.staff.signals import staff_notice


@transaction.atomic
def vendor_register(
    *,
    registered_by,
    name: str,
    function: str,
    contact: str,
    contract_start: date,
    contract_end: date,
    public_key: str,
) -> Vendor:

    if not reviews_access_of(registered_by):
        raise AccountingError("the privacy officer registers vendors")
    if function not in current_policy().vendor_functions:
        raise AccountingError(f"{function!r} is not a vendor function of the policy file")
    try:
        if len(base64.b64decode(public_key, validate=True)) != 32:
            raise ValueError
    except ValueError:
        raise AccountingError("the vendor's public key must be a base64 X25519 key (32 bytes)") from None
    if contract_end < contract_start:
        raise AccountingError("the contract ends before it starts")
    return Vendor.objects.create(
        name=name.strip(),
        function=function,
        contact=contact.strip(),
        contract_start=contract_start,
        contract_end=contract_end,
        public_key=public_key,
    )


@transaction.atomic
def vendor_determine(*, vendor: Vendor, decided_by, rationale: str, review_by: date) -> VendorDetermination:
    """Record that the vendor's use directly advances the general welfare, health or safety of the public:
    waiting for a second person's approval (`determination_approve`), without effect until then."""
    if not reviews_access_of(decided_by):
        raise AccountingError("the privacy officer makes vendor determinations")
    if len(rationale.strip()) < 30:
        raise AccountingError("say why the vendor's use advances the public's welfare, health or safety")
    if review_by <= timezone.localdate():
        raise AccountingError("the review date must be in the future")
    determination = VendorDetermination.objects.create(
        vendor=vendor,
        decided_by=decided_by,
        decided_at=timezone.now(),
        rationale=rationale.strip(),
        review_by=review_by,
    )
    reason = with_seal(_described(determination), DETERMINATIONS.seal(determination.pk))
    staff_decision_append(Action.DETERMINATION_ASKED, by=decided_by, reason=reason)
    _tell(determination, "recorded")
    return determination


def _described(determination: VendorDetermination) -> str:
    return (
        f"determination {determination.pk} for vendor {determination.vendor_id} "
        f"({determination.vendor.function}), review by {determination.review_by.isoformat()}, recorded by "
        f"{determination.decided_by.get_username()}"
    )


def _tell(determination: VendorDetermination, what: str, *also) -> None:
    """Every privacy officer and every second person who may approve it (and `also`: the one who recorded
    it, on a decision) told, at the ask as at the decision."""
    to = {u.pk: u for u in (*second_approvers(), *also)}
    staff_notice.send(
        sender=VendorDetermination,
        to=list(to.values()),
        template="vendor_determination",
        context={"determination": determination, "vendor": determination.vendor, "what": what},
        regarding=f"vendor_determination:{determination.pk}",
    )


def _waiting(determination: VendorDetermination) -> VendorDetermination:
    determination = VendorDetermination.objects.select_for_update().get(pk=determination.pk)
    if DeterminationDecision.objects.filter(determination=determination).exists():
        raise AccountingError(f"determination {determination.pk} was already decided")
    return determination


def _decision_record(
    determination, *, approved: bool, by, action: Action, what: str
) -> DeterminationDecision:
    decision = DeterminationDecision.objects.create(
        determination=determination, approved=approved, decided_by=by, decided_at=timezone.now()
    )
    reason = f"{_described(determination)}: {what} by {by.get_username()}"
    staff_decision_append(action, by=by, reason=with_seal(reason, DECISIONS.seal(decision.pk)))
    _tell(determination, what, determination.decided_by)
    return decision


@transaction.atomic
def determination_approve(*, determination: VendorDetermination, by) -> DeterminationDecision:
    """The second person's approval: from the privacy office or legal, independent of the one who recorded
    the determination; from then on it is in force (until its review date)."""
    determination = _waiting(determination)
    why = decider_refusal(
        by,
        on=(determination.decided_by,),
        since=determination.decided_at,
        own=gettext("the second approver must be someone other than you"),
        unfit=None if second_approver_of(by) else "the second person is from the privacy office or legal",
        lead="the second person must be independent of the first",
    )
    if why:
        raise AccountingError(why)
    if determination.review_by < timezone.localdate():
        raise AccountingError("its review date has passed: record a new determination")
    return _decision_record(
        determination, approved=True, by=by, action=Action.DETERMINATION_APPROVED, what="approved"
    )


@transaction.atomic
def determination_decline(*, determination: VendorDetermination, by) -> DeterminationDecision:
    """Decline a waiting determination (a second person; the one who recorded it withdraws it this way): it
    never takes effect."""
    if not second_approver_of(by):
        raise AccountingError("the second person is from the privacy office or legal")
    determination = _waiting(determination)
    return _decision_record(
        determination, approved=False, by=by, action=Action.DETERMINATION_DECLINED, what="declined"
    )


@transaction.atomic
def vendor_revoke(*, vendor: Vendor, revoked_by) -> Vendor:
    """No more exports, and the vendor's API tokens stop (`signals.vendor_revoked`, received by the API in
    this transaction; tokens are also checked on every request)."""
    if not reviews_access_of(revoked_by):
        raise AccountingError("the privacy officer revokes vendors")
    vendor.revoked_at = timezone.now()
    vendor.save(update_fields=["revoked_at"])
    signals.vendor_revoked.send(sender=Vendor, vendor=vendor)
    return vendor


def current_determination(vendor: Vendor, on: date | None = None) -> VendorDetermination | None:
    """The determination in force: approved by a second person, vendor not revoked, contract running, review
    date not passed. One still waiting for its approval is not in force."""
    on = on or timezone.localdate()
    if vendor.revoked_at is not None or not (vendor.contract_start <= on <= vendor.contract_end):
        return None
    return (
        vendor.determinations.filter(review_by__gte=on, decision__approved=True)
        .order_by("-decided_at")
        .first()
    )
