"""The payment processor's interface, and a local simulation of it for development and tests.

A processor (1) opens a hosted checkout for an amount and our opaque reference and gives the page's
address, and (2) reports the outcome by a webhook signed with a shared secret:
`Custodian-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The simulated processor
keeps the same interface; its hosted page is served by Custodian in development (and a demonstration that
says it is one, `CUSTODIAN_DEMO`) only, takes a test card number to decide the outcome and keeps nothing of
it.

`settings.CUSTODIAN_PAYMENT_PROCESSOR` names the processor; with none (production's default until a real
processor is integrated) `processor()` is None: the portal offers no card payment and says how else to pay,
so no customer is sent to a page that does not exist.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from django.conf import settings

SIGNATURE_HEADER = "HTTP_CUSTODIAN_SIGNATURE"
TOLERANCE_SECONDS = 300
DECLINED_TEST_CARD = "4000000000000002"


class BadSignature(ValueError):
    pass


def webhook_secret() -> bytes:
    return settings.CUSTODIAN_PAYMENT_WEBHOOK_SECRET.encode()


def sign(body: bytes, *, at: int | None = None, secret: bytes | None = None) -> str:
    t = int(time.time() if at is None else at)
    mac = hmac.new(secret or webhook_secret(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(body: bytes, header: str, *, now: int | None = None) -> None:
    """Refuse a webhook whose signature is missing, forged, or too old (a replay of a captured request), and
    every webhook while no processor is configured: production then needs no signing secret, and an empty or
    short one must never be the key a forger signs with."""
    if processor() is None or len(webhook_secret()) < 32:
        raise BadSignature("no payment processor is configured")
    try:
        parts = dict(p.split("=", 1) for p in (header or "").split(","))
        t, given = int(parts["t"]), parts["v1"]
    except (ValueError, KeyError):
        raise BadSignature("missing or malformed signature") from None
    expected = hmac.new(webhook_secret(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise BadSignature("signature does not match")
    if abs((now or int(time.time())) - t) > TOLERANCE_SECONDS:
        raise BadSignature("signature too old")


@dataclass(frozen=True)
class Checkout:
    token: str
    url: str


class SimulatedProcessor:
    """The development processor: the same interface, no network."""

    def checkout_create(self, *, amount: str, reference: str) -> Checkout:
        return Checkout(reference, f"/payments/simulated-processor/checkout/{reference}/")

    def outcome_event(self, *, reference: str, amount: str, card_number: str) -> bytes:
        """The webhook body the processor would send after the customer submitted its page."""
        ok = card_number.replace(" ", "") != DECLINED_TEST_CARD
        return json.dumps(
            {
                "id": f"evt_{secrets.token_hex(12)}",
                "type": "payment.succeeded" if ok else "payment.failed",
                "data": {
                    "reference": reference,
                    "amount": amount,
                    "payment_id": f"pay_{secrets.token_hex(10)}" if ok else "",
                    "failure_reason": "" if ok else "card declined",
                },
            },
            sort_keys=True,
        ).encode()


PROCESSORS = {"simulated": SimulatedProcessor}


def processor() -> SimulatedProcessor | None:
    """The processor configured, or None: card payments are not offered."""
    chosen = PROCESSORS.get(settings.CUSTODIAN_PAYMENT_PROCESSOR)
    return chosen() if chosen else None


def simulated() -> bool:
    return isinstance(processor(), SimulatedProcessor)
