"""Writes for customer requests. Each change adds a history row in the same transaction."""

from django.db import transaction
from django.utils import timezone

from custodian.casework.models import CustomerRequest, RequestEvent, RequestKind, RequestStatus
from custodian.policy.loader import current_policy

# Privacy questions and data-subject requests go to the privacy officer.
_PRIVACY_KINDS = {RequestKind.PRIVACY_QUESTION, RequestKind.DATA_ACCESS, RequestKind.CORRECTION}
_DEFAULT_OWNER = {
    RequestKind.BILLING_QUESTION: "billing",
    RequestKind.PAYMENT: "collections",
    RequestKind.PROBLEM: "field_services",
    RequestKind.SERVICE_CHANGE: "customer_service",
    RequestKind.OTHER: "customer_service",
}


class RequestError(ValueError):
    pass


def owner_for(kind: str) -> str:
    return "privacy_officer" if kind in _PRIVACY_KINDS else _DEFAULT_OWNER[kind]


@transaction.atomic
def request_open(*, customer, kind: str, channel: str, opened_by=None, owning_service: str | None = None):
    if kind not in RequestKind.values:
        raise RequestError(f"unknown request type {kind!r}")
    owner = owning_service or owner_for(kind)
    if owner not in current_policy().services:
        raise RequestError(f"unknown support service {owner!r}")
    req = CustomerRequest.objects.create(
        customer=customer, kind=kind, channel=channel, owning_service=owner, opened_by=opened_by
    )
    RequestEvent.objects.create(request=req, by=opened_by, action="opened", to_service=owner)
    return req


@transaction.atomic
def request_hand_off(*, request: CustomerRequest, to_service: str, reason: str, by=None):
    if to_service not in current_policy().services:
        raise RequestError(f"unknown support service {to_service!r}")
    if not reason.strip():
        raise RequestError("a hand-off needs a reason")
    if request.status != RequestStatus.OPEN:
        raise RequestError("only an open request can be handed off")
    RequestEvent.objects.create(
        request=request,
        by=by,
        action="handed_off",
        from_service=request.owning_service,
        to_service=to_service,
        reason=reason.strip(),
    )
    request.owning_service = to_service
    request.save(update_fields=["owning_service"])
    return request


@transaction.atomic
def request_close(*, request: CustomerRequest, by=None, reason: str = ""):
    request.status = RequestStatus.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    RequestEvent.objects.create(
        request=request, by=by, action="closed", from_service=request.owning_service, reason=reason
    )
    return request
