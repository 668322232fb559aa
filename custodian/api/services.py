import hashlib
import secrets

from django.db import transaction

from custodian.api.models import ApiToken
from custodian.policy.loader import current_policy


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, name: str, user=None, job: str = "", vendor_function: str = "", vendor=None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the raw secret, which is shown once and never stored."""
    policy = current_policy()
    if vendor is not None:
        vendor_function = vendor.function
    if sum(bool(x) for x in (user, job, vendor_function)) != 1:
        raise ValueError("a token belongs to exactly one of: a staff user, a system job, a vendor function")
    if job and job not in policy.system_jobs:
        raise ValueError(f"unknown system job {job!r}")
    if vendor_function and vendor_function not in policy.vendor_functions:
        raise ValueError(f"unknown vendor function {vendor_function!r}")
    raw = "cust_" + secrets.token_urlsafe(32)
    kind = "staff" if user else "system" if job else "vendor"
    token = ApiToken.objects.create(
        name=name,
        kind=kind,
        user=user,
        job=job,
        vendor_function=vendor_function,
        vendor=vendor,
        token_hash=hash_token(raw),
    )
    return token, raw
