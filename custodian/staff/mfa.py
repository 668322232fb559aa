"""The second factor of staff sign-in: TOTP devices (django-otp) and one-time recovery codes."""

import base64
import secrets

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def chose_totp(user) -> bool:
    """`has_confirmed_totp` as it was when the request's user was read (custodian.staff.backends reads it
    with the user, in the same query); asked of the database when the user was read otherwise."""
    known = getattr(user, "confirmed_totp_at_load", None)
    return has_confirmed_totp(user) if known is None else known


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """An unconfirmed device for the QR code; any earlier unconfirmed one is replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns fresh recovery codes, or None."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token((token or "").strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify_second_factor(*, user, token: str):
    """The device that accepts the TOTP or recovery code, or None (django-otp throttles failures)."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def totp_device_set(*, user, name: str = "authenticator") -> TOTPDevice:
    """Enrol a confirmed device with a random key (demo data; tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True, key=secrets.token_hex(20))


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_enrolment_pending(*, user) -> TOTPDevice:
    """The device awaiting confirmation (after a mistyped code the same QR code stays valid)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first() or totp_enrolment_start(user=user)


def totp_secret_b32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed instead of scanned."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")
