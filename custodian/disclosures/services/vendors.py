"""Vendors, the privacy officer's determinations that their use advances the public's welfare, health or
safety, and revocation (the API revokes the vendor's tokens on `signals.vendor_revoked`)."""

import base64
from datetime import date

from django.db import transaction
from django.utils import timezone

from custodian.disclosures import signals
from custodian.disclosures.models import (
    Vendor,
    VendorDetermination,
)
from custodian.disclosures.services.accounting import AccountingError, reviews_access_of
from custodian.policy.loader import current_policy


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
    """Record that the vendor's use directly advances the general welfare, health or safety of the public."""
    if not reviews_access_of(decided_by):
        raise AccountingError("the privacy officer makes vendor determinations")
    if len(rationale.strip()) < 30:
        raise AccountingError("say why the vendor's use advances the public's welfare, health or safety")
    if review_by <= timezone.localdate():
        raise AccountingError("the review date must be in the future")
    return VendorDetermination.objects.create(
        vendor=vendor,
        decided_by=decided_by,
        decided_at=timezone.now(),
        rationale=rationale.strip(),
        review_by=review_by,
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
    """The determination in force: vendor not revoked, contract running, review date not passed."""
    on = on or timezone.localdate()
    if vendor.revoked_at is not None or not (vendor.contract_start <= on <= vendor.contract_end):
        return None
    return vendor.determinations.filter(review_by__gte=on).order_by("-decided_at").first()
