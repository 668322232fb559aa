"""The code mailed to the customer's mailing address that lifts an online account's limit.

An online account whose sign-up was not confirmed from an e-mail address the utility already held (the
customer has none on file, so the link went to whatever address was typed: anyone holding a paper bill could
have signed up) starts limited: it sees the data, bills and usage and pays, but the acts that bind the
customer or can't be undone wait (`custodian.portal.access.OPEN_WHILE_LIMITED`: every other page is refused)
until the code printed in the letter mailed to the mailing address on file is entered. Only a keyed hash of
the code is kept on the account (HMAC-SHA256 under the site's secret key, compared in constant time); the
code expires CODE_DAYS days after it was mailed and after CODE_TRIES wrong entries; the customer may ask for
a new letter (a new code; the old one stops working) once a day, and at most LETTERS_PER_PERIOD letters go in
LETTER_PERIOD (then the page asks them to call: a letter is paper and postage, and someone trying codes
should not get an endless supply). Lifting the limit is a change in the access log.

A code mailed before the site's secret key was rotated still works while the old key is among
`SECRET_KEY_FALLBACKS` (Django's own rule for rotating it): the code is checked, and drawn into a letter not
yet printed, under whichever key it was issued with. Once that key is gone the code can't be checked: the
page says it no longer works and offers a new letter, and the entry is not counted as a wrong one.

Online accounts opened before this rule (an earlier release's database) are limited by a data migration
(`portal/migrations/0003_earlier_sign_ups_limited.py`, calling `earlier_sign_ups_limit`) where the sign-up
had no e-mail address on file to confirm from and no code was ever mailed; no letter is mailed then (a
migration sends nothing): the customer asks for it on the page "Code from our letter", like a new letter."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.outbox.selectors import letters_since
from custodian.outbox.services import ONE_TIME_CODE, letter_send
from custodian.policy.loader import current_policy
from custodian.portal.models import PortalAccount

LETTER_TEMPLATE = "portal_signed_up"
SENT_BY_JOB = "portal_enrolment"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0 and O, no 1 and I: read off paper and typed
CODE_LENGTH = 10  # 50 bits
CODE_DAYS = 30
CODE_TRIES = 5
NEW_LETTER_AFTER = timedelta(days=1)
LETTERS_PER_PERIOD = 3
LETTER_PERIOD = timedelta(days=30)

CODE_WRONG = gettext_lazy("That code is not the one in our letter. Check it and try again.")
CODE_SPENT = gettext_lazy(
    "The code from our letter has expired or was entered wrongly too many times. Ask for a new letter below."
)
TOO_SOON = gettext_lazy("We mailed a letter less than a day ago. Wait for it to arrive, or call us.")
TOO_MANY = gettext_lazy(
    "We have mailed you %(letters)d letters with a code in the last %(days)d days, the most we send. Call us "
    "at %(phone)s: we will check who you are and help you."
)


class LimitError(ValueError):
    """The code was not accepted, or a new letter can't be sent yet: the message says which."""


def _typed(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def _keys() -> list[str]:
    """The site's secret key and the ones it replaced that still verify (`SECRET_KEY_FALLBACKS`)."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _digest(account: PortalAccount, code: str, key: str | None = None) -> str:
    message = f"custodian.portal.mailed_code|{account.pk}|{_typed(code)}".encode()
    return hmac.new((key or settings.SECRET_KEY).encode(), message, hashlib.sha256).hexdigest()


def _issued_under(account: PortalAccount) -> str | None:
    """The key (current, or a fallback) the account's current code was issued under; None when that key is
    gone (the code can no longer be checked)."""
    for key in _keys():
        if hmac.compare_digest(account.code_hash, _digest(account, _code_of(account, key), key)):
            return key
    return None


def code_expiry(account: PortalAccount):
    return account.code_sent_at + timedelta(days=CODE_DAYS) if account.code_sent_at else None


def _code_of(account: PortalAccount, key: str | None = None) -> str:
    """The account's current code, derived from its issue (the account and the moment it was mailed) under
    the site's secret key: never stored, so the letter's kept text and its PDF kept as printed need not hold
    it; the outbox asks for it when the mailing vendor's PDF is drawn (`code_printed`)."""
    issue = f"custodian.portal.mailed_code.issue|{account.pk}|{account.code_sent_at.isoformat()}".encode()
    digest = hmac.new((key or settings.SECRET_KEY).encode(), issue, hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    code = ""
    for _ in range(CODE_LENGTH):
        number, at = divmod(number, len(CODE_ALPHABET))
        code += CODE_ALPHABET[at]
    return code


def code_printed(customer_id: int) -> str | None:
    """The code a letter to this customer prints now (the latest one mailed; None once the limit is lifted):
    registered with the outbox for the letter's template."""
    account = PortalAccount.objects.filter(
        customer_id=customer_id, limited=True, code_sent_at__isnull=False
    ).first()
    if account is None or not account.code_hash:
        return None
    key = _issued_under(account)
    if key is None:
        return None  # issued under a key that is gone: the page offers a new letter
    code = _code_of(account, key)
    return f"{code[:5]}-{code[5:]}"


def code_letter_send(*, account: PortalAccount, page_language: str = "", again: bool = False) -> None:
    """Issue a new code, keep its hash (the previous code stops working) and mail it in the letter saying an
    online account was opened, to the name and mailing address on file. Runs in the caller's transaction."""
    account.code_sent_at = timezone.now()
    account.code_hash = _digest(account, _code_of(account))
    account.code_failures = 0
    account.save(update_fields=["code_hash", "code_sent_at", "code_failures"])
    letter_send(
        to_customer=account.customer,
        template=LETTER_TEMPLATE,
        context={
            ONE_TIME_CODE: "",  # drawn only into the printed letter (`code_printed`)
            "expires": timezone.localdate(code_expiry(account)),
            "again": again,
        },
        sent_by_job=SENT_BY_JOB,
        page_language=page_language,
    )


@transaction.atomic
def _code_tried(*, account_id: int, code: str):
    """One entry of the code, counted: None once the limit is lifted (or was already), else why not."""
    account = PortalAccount.objects.select_for_update().get(pk=account_id)
    if not account.limited:
        return None
    expiry = code_expiry(account)
    if (
        not account.code_hash
        or expiry is None
        or timezone.now() > expiry
        or account.code_failures >= CODE_TRIES
    ):
        return CODE_SPENT
    key = _issued_under(account)
    if key is None:
        return CODE_SPENT  # the key it was issued under is gone: not the customer's wrong entry
    if not hmac.compare_digest(account.code_hash, _digest(account, code, key)):
        account.code_failures += 1
        account.save(update_fields=["code_failures"])
        return CODE_WRONG if account.code_failures < CODE_TRIES else CODE_SPENT
    account.limited, account.code_hash, account.code_failures = False, "", 0
    account.save(update_fields=["limited", "code_hash", "code_failures"])
    append_change(
        action=Action.PORTAL_LIMIT_LIFTED,
        actor_kind="customer",
        actor_id=str(account.customer_id),
        actor_label="the customer",
        customer_ids=[account.customer_id],
        reason="online account's limit lifted with the code mailed to the mailing address on file",
    )
    return None


def limit_lift(*, account_id: int, code: str) -> None:
    """Lift the account's limit with the code from the letter; LimitError (the wrong entry counted and kept)
    otherwise."""
    refused = _code_tried(account_id=account_id, code=code)
    if refused is not None:
        raise LimitError(refused)


@transaction.atomic
def code_letter_again(*, account_id: int, page_language: str = "") -> None:
    """The customer asks for a new letter (lost, or the code expired): at most one a day, and at most
    LETTERS_PER_PERIOD in LETTER_PERIOD (then they are asked to call). An account limited before any letter
    was mailed (`earlier_sign_ups_limit`) asks for its first one here."""
    account = PortalAccount.objects.select_for_update().select_related("customer").get(pk=account_id)
    if not account.limited:
        return
    if letters_left(account) <= 0:
        raise LimitError(too_many())
    if account.code_sent_at is not None and timezone.now() - account.code_sent_at < NEW_LETTER_AFTER:
        raise LimitError(TOO_SOON)
    code_letter_send(account=account, page_language=page_language, again=account.code_sent_at is not None)


def earlier_sign_ups_limit(*, accounts, values) -> int:
    """Limit the online accounts opened before the mailed code's rule that it would have limited: confirmed,
    not limited, no code ever mailed (so never lifted with one), and no e-mail address on file when the
    sign-up was made, so its confirmation link went to an address only typed on the page, not to the address
    on file. Whether an address was on file is read from the vault's clear columns (a value of the field
    `email` recorded by then and not yet superseded), never by opening one. `accounts` and `values` are the
    PortalAccount and vault PersonalValue models (the migration's historical ones). How many were limited.
    Run again, it limits nothing more."""
    on_file_then = values.objects.filter(
        customer_id=OuterRef("customer_id"), field="email", recorded_at__lte=OuterRef("enrolled_at")
    ).filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=OuterRef("enrolled_at")))
    return (
        accounts.objects.filter(confirmed_at__isnull=False, limited=False, code_sent_at__isnull=True)
        .filter(~Exists(on_file_then))
        .update(limited=True, code_hash="", code_failures=0)
    )


def letters_left(account: PortalAccount) -> int:
    """How many more letters with a code may be mailed for this account's customer in the current period."""
    mailed = letters_since(
        customer_id=account.customer_id, template=LETTER_TEMPLATE, since=timezone.now() - LETTER_PERIOD
    )
    return max(LETTERS_PER_PERIOD - mailed, 0)


def too_many() -> str:
    """Why no further letter is mailed, in the page's language."""
    return TOO_MANY % {
        "letters": LETTERS_PER_PERIOD,
        "days": LETTER_PERIOD.days,
        "phone": current_policy().utility["phone"],
    }
