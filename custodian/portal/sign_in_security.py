"""A customer's own sign-in: the password changed and an authenticator app switched on or off, each asked with
the current password in the same form (a session left open or stolen is not enough to lock the customer out),
each an event in the access log and an e-mail to the customer (at the address they sign in with, and at the
address on file where that differs), so a change they did not make does not go unnoticed. A password set from
a reset link (`password_reset`) is recorded and told the same way (`sign_in_change_recorded`)."""

from enum import StrEnum

from django.contrib.auth import authenticate
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.audit.actions import Action
from custodian.portal.models import PortalAccount
from custodian.portal.services import account_holder_tell, sign_in_change_log
from custodian.staff import mfa


class Change(StrEnum):
    """A change to the sign-in (the e-mail template's `change` picks its words)."""

    PASSWORD = "password"
    PASSWORD_RESET = "password_reset"
    AUTHENTICATOR_ON = "authenticator_on"
    AUTHENTICATOR_OFF = "authenticator_off"


ACTIONS = {
    Change.PASSWORD: (Action.PORTAL_PASSWORD_CHANGED, "password changed in My account"),
    Change.PASSWORD_RESET: (Action.PORTAL_PASSWORD_RESET, "password set from a reset link sent by e-mail"),
    Change.AUTHENTICATOR_ON: (Action.PORTAL_AUTHENTICATOR_ON, "authenticator app switched on in My account"),
    Change.AUTHENTICATOR_OFF: (
        Action.PORTAL_AUTHENTICATOR_OFF,
        "authenticator app switched off in My account",
    ),
}


def password_checks(request, password: str) -> bool:
    """Whether `password` is the signed-in user's current password (django-axes counts a wrong one)."""
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


def sign_in_change_recorded(account: PortalAccount, change: Change) -> None:
    """A change to the sign-in in the access log and told to the account's holder, in the caller's
    transaction."""
    action, reason = ACTIONS[change]
    sign_in_change_log(account=account, action=action, reason=reason)
    account_holder_tell(account=account, template="portal_sign_in_changed", context={"change": change.value})


@transaction.atomic
def portal_password_change(*, account: PortalAccount, password: str) -> None:
    """The new password (the caller checked the current one); recorded and told."""
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    sign_in_change_recorded(account, Change.PASSWORD)


@transaction.atomic
def portal_authenticator_on(*, account: PortalAccount, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from the app (the caller checked the password); its
    recovery codes, or None if the code does not match (nothing changes)."""
    codes = mfa.totp_enrolment_confirm(user=account.user, token=code)
    if codes is not None:
        sign_in_change_recorded(account, Change.AUTHENTICATOR_ON)
    return codes


@transaction.atomic
def portal_authenticator_off(*, account: PortalAccount) -> None:
    """Remove the authenticator and its recovery codes (the caller checked the password); recorded, told."""
    TOTPDevice.objects.filter(user=account.user).delete()
    StaticDevice.objects.filter(user=account.user).delete()
    sign_in_change_recorded(account, Change.AUTHENTICATOR_OFF)
