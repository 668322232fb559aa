"""What a person typed into a form of My account and sent after their sign-in ran out, held until they sign in
again in the same browser (`portal.held_form`): sealed (AES-GCM) under a key made for that one text and handed
to that browser alone (a cookie), while the server keeps only the sealed bytes (in the browser's session). So
neither the server's records nor the browser alone can read it, and a key seals one text once.

Nothing stored is opened here but what this module sealed, with the key the same browser brings back; sealed
personal data is opened by the gate alone.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
_AD = b"custodian held text"


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _raw(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def text_seal(payload: bytes) -> tuple[str, str]:
    """(the key, for the browser; the sealed text, for the server), both as URL-safe text."""
    key = AESGCM.generate_key(bit_length=128)
    nonce = os.urandom(NONCE_BYTES)
    return _text(key), _text(nonce + AESGCM(key).encrypt(nonce, payload, _AD))


def text_open(key: str, sealed: str) -> bytes | None:
    """What `text_seal` sealed, given the key it answered; None for any other key or altered bytes."""
    try:
        raw = _raw(sealed)
        return AESGCM(_raw(key)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _AD)
    except (ValueError, TypeError, InvalidTag):
        return None
