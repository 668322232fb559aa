"""Reads of API tokens: the list for IT, and the actor a presented token stands for right now."""

from django.utils import timezone

from custodian.api.models import ApiToken
from custodian.api.services import hash_token
from custodian.disclosures.services import current_determination
from custodian.policy.loader import current_policy
from custodian.vault import gate


def api_tokens(*, include_inactive: bool = False):
    """Tokens with their owners, newest first; by default only those neither expired nor revoked."""
    qs = ApiToken.objects.select_related("owner", "vendor").order_by("-created_at", "-pk")
    if not include_inactive:
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return qs


def token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= timezone.now():
        return "expired"
    return "active"


def token_actor(raw: str) -> gate.Actor | None:
    """The actor a bearer token stands for, decided now (on every request): None if the token is unknown,
    revoked or expired, its owner is no longer active, its job no longer an API client of the policy file, or
    its vendor revoked, out of contract or without a current determination."""

    token = (
        ApiToken.objects.select_related("owner", "vendor")
        .filter(token_hash=hash_token(raw), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None:
        return None
    policy = current_policy()
    if token.kind == "vendor":
        vendor = token.vendor
        if vendor.function not in policy.vendor_functions or current_determination(vendor) is None:
            return None
        return gate.vendor_actor(str(vendor.pk), vendor.function, vendor.name)
    if token.owner is None or not token.owner.is_active:
        return None
    if token.kind == "staff":
        return gate.staff_actor(token.owner)
    job = policy.system_jobs.get(token.job)
    if job is None or not job.api_client:
        return None
    return gate.system_actor(token.job, on_behalf_of=token.owner)
