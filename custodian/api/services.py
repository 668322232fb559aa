"""API tokens: made for a staff member, a system job (on behalf of a staff member) or a registered vendor,
each with an expiry; expired early and revoked. Whether a token still works is decided on every request."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.api.models import ApiToken
from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.disclosures.services import current_determination
from custodian.policy.loader import current_policy
from custodian.staff.approvals import staff_change_ask, staff_change_use
from custodian.staff.choices import ChangeKind
from custodian.staff.models import StaffChange
from custodian.staff.services import change_actor

MAX_DAYS = 366


class TokenError(ValueError):
    pass


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    name: str = "",
    user=None,
    job: str = "",
    on_behalf_of=None,
    vendor=None,
    days: int | None = None,
    changed_by=None,
) -> tuple[ApiToken, str]:
    """Create a token for exactly one of: a staff member (`user`), a system job that runs outside Custodian
    (`job`, with the staff member who answers for it as `on_behalf_of`), a registered vendor (`vendor`).
    Returns it with the raw secret, which is shown once and never stored."""
    policy = current_policy()
    if sum(x is not None and x != "" for x in (user, job, vendor)) != 1:
        raise TokenError(
            "a token belongs to exactly one of: a staff member, a system job, a registered vendor"
        )
    days = settings.CUSTODIAN_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lasts between 1 and {MAX_DAYS} days, not {days}")
    if user is not None and not user.is_active:
        raise TokenError(f"{user.get_username()} is not an active staff member")
    if job:
        if job not in policy.system_jobs:
            raise TokenError(f"unknown system job {job!r}")
        if not policy.system_jobs[job].api_client:
            raise TokenError(f"the system job {job!r} runs inside Custodian and takes no API token")
        if on_behalf_of is None or not on_behalf_of.is_active:
            raise TokenError("a system job's token names the active staff member who answers for it")
    elif on_behalf_of is not None:
        raise TokenError("only a system job's token acts on behalf of a staff member")
    if vendor is not None and current_determination(vendor) is None:
        raise TokenError(
            f"vendor {vendor.pk} has no current determination (revoked, contract ended, review lapsed, or "
            "not yet approved by a second person)"
        )
    raw = "cust_" + secrets.token_urlsafe(32)
    kind = "staff" if user is not None else "system" if job else "vendor"
    token = ApiToken.objects.create(
        name=(name or (user.get_username() if user else job or vendor.name))[:100],
        kind=kind,
        owner=user if user is not None else on_behalf_of,
        job=job,
        vendor=vendor,
        token_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    _log(Action.API_TOKEN_ISSUED, token, changed_by, f"expires {token.expires_at:%Y-%m-%d}")
    return token, raw


@transaction.atomic
def api_token_for_member(
    *, member, asked_by, name: str = "", days: int | None = None
) -> tuple[ApiToken, str] | StaffChange:
    """A token that acts as `member`, asked on the console by `asked_by`. Their own (they re-authenticated
    first) is issued at once. One that acts as another member lets its holder act as them: the first ask is
    held for another administrator's approval (the change is returned); once approved, the asker's next ask
    issues it, once, with the name and lifetime approved."""
    if member.pk != asked_by.pk:
        approved = staff_change_use(kind=ChangeKind.API_TOKEN, subject=member, by=asked_by)
        if approved is None:
            detail = {"name": name or "", "days": days}
            return staff_change_ask(
                kind=ChangeKind.API_TOKEN, subject=member, asked_by=asked_by, detail=detail
            )
        name, days = approved.detail.get("name", ""), approved.detail.get("days")
    return api_token_create(user=member, name=name, days=days, changed_by=asked_by)


def _log(action: Action, token: ApiToken, changed_by, detail: str) -> None:
    """Tokens are issued, expired and revoked on the record: an event in the access log naming who did it
    (a member of staff in the console, or the command line)."""

    acts = f"job {token.job} for {token.owner_label}" if token.kind == "system" else token.owner_label
    append_change(
        action=action, reason=f"token {token.pk} ({token.kind}, {acts}): {detail}", **change_actor(changed_by)
    )


@transaction.atomic
def api_token_revoke(*, token: ApiToken, changed_by=None) -> ApiToken:
    """The token stops working now; a revoked token stays revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _log(Action.API_TOKEN_REVOKED, token, changed_by, "revoked")
    return token


@transaction.atomic
def api_token_expire(*, token: ApiToken, at: datetime | None = None, changed_by=None) -> ApiToken:
    """Bring the token's expiry forward (to now by default); an expiry is never pushed back."""
    at = at or timezone.now()
    if at < token.expires_at:
        token.expires_at = at
        token.save(update_fields=["expires_at"])
        _log(Action.API_TOKEN_EXPIRED, token, changed_by, f"expires {timezone.localtime(at):%Y-%m-%d %H:%M}")
    return token


@transaction.atomic
def api_tokens_revoke_for_user(*, user, changed_by=None, record: bool = True) -> int:
    """Revoke every token of a staff member: those that act as them and the system job tokens they answer
    for (staff offboarding). Returns how many were revoked. `record=False`: the caller's own event (the
    offboarding) names them."""
    count = ApiToken.objects.filter(owner=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if record and count:
        append_change(
            action=Action.API_TOKEN_REVOKED,
            reason=f"every token of {user.get_username()} revoked ({count})",
            **change_actor(changed_by),
        )
    return count


@transaction.atomic
def api_tokens_revoke_for_vendor(*, vendor) -> int:
    """Revoke every token of a vendor (the vendor itself is revoked, or its contract is over)."""
    return ApiToken.objects.filter(vendor=vendor, revoked_at__isnull=True).update(revoked_at=timezone.now())
