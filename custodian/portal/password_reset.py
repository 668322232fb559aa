"""A forgotten portal password: a link by e-mail (through the outbox, on the record) to the address that
signs in, valid for a few hours and once (Django's token changes with the password). The answer to the
request is the same whether or not the address signs in, so the form can't be used to find customers.
The link goes to the address the account signs in with as we hold it, never to the address typed: the look-up
matches a look-alike address too (the Kelvin sign "\u212a" lower-cased is "k"), which may be another mailbox.
So the e-mail is read by the account holder: it is in the language they chose, whatever the page it was asked
from (`outbox.services.language_of`)."""

from datetime import timedelta

from axes.utils import reset as lockout_lift
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from custodian.bounds import MAX_ID
from custodian.outbox.selectors import sent_since
from custodian.outbox.services import language_of, message_send
from custodian.portal.models import PortalAccount
from custodian.portal.services import address_signed_in_with, login_name
from custodian.portal.sign_in_security import Change, sign_in_change_recorded

RESET_HOURS = 2
TEMPLATE = "portal_password_reset"
# Reset links e-mailed for one account an hour, however many networks ask: more are not sent, and the page
# answers as it always does (it answers before the look-up), so the cap tells nobody whether the address
# signs in. The limit per network (`account_views.password_forgotten`) can't protect one mailbox from many.
RESETS_PER_HOUR = 3


class ResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens (they change when the password does: a link works once), for RESET_HOURS."""

    key_salt = "custodian.portal.password_reset"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= RESET_HOURS * 3600


TOKENS = ResetTokens()


def _account_of(user_id) -> PortalAccount | None:
    return (
        PortalAccount.objects.select_related("user", "customer")
        .filter(user_id=user_id, confirmed_at__isnull=False, user__is_active=True)
        .first()
    )


@transaction.atomic
def portal_password_reset_request(*, email: str, reset_url, page_language: str = "") -> bool:
    """E-mail a reset link if `email` signs in to a confirmed account; whether it did is for the caller's
    tests only, never for the page. `reset_url(uid, token, language)` builds the link in the message's
    language: the customer's chosen one, else `page_language` (the one the reset was asked for in)."""
    account = (
        PortalAccount.objects.select_related("user", "customer")
        .filter(user__username=login_name(email), confirmed_at__isnull=False, user__is_active=True)
        .first()
    )
    address = address_signed_in_with(account) if account is not None else ""
    if not address or _resets_sent_this_hour(account) >= RESETS_PER_HOUR:
        return False
    uid = urlsafe_base64_encode(force_bytes(account.user.pk))
    language = language_of(account.customer, page=page_language)
    message_send(
        to_address=address,
        to_customer=account.customer,
        template=TEMPLATE,
        context={
            "reset_url": reset_url(uid, TOKENS.make_token(account.user), language),
            "hours": RESET_HOURS,
        },
        sent_by_job="portal_enrolment",
        page_language=page_language,
    )
    return True


def _resets_sent_this_hour(account: PortalAccount) -> int:
    since = timezone.now() - timedelta(hours=1)
    return sent_since(customer_id=account.customer_id, template=TEMPLATE, since=since, channel="email")


def reset_account(uid: str, token: str) -> PortalAccount | None:
    """The account a reset link is for, if the link is still good."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    if not 1 <= user_id <= MAX_ID:
        return None
    account = _account_of(user_id)
    if account is None or not TOKENS.check_token(account.user, token):
        return None
    return account


@transaction.atomic
def portal_password_set(*, account: PortalAccount, password: str) -> None:
    """The new password, recorded in the access log as a change to the customer's sign-in and told to its
    holder (at the address it signs in with and at the address on file), as a change in My account is: a
    reset they did not ask for does not go unnoticed."""
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    # The link came to the address that signs in: whoever holds it may sign in now, even while repeated
    # failures (someone else's guesses, perhaps) keep the sign-in locked.
    lockout_lift(username=account.user.username)
    sign_in_change_recorded(account, Change.PASSWORD_RESET)
