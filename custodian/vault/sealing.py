"""Sealing primitives of the vault: keys, data-key wrapping, sealing values and documents, blind indexes.
Opening a sealed value is not here: it is in `custodian.vault._crypto`, which only the gate imports.

Envelope encryption with AES-256-GCM (`cryptography`): each customer has a random data key, stored
wrapped (encrypted) under a master key that has a key id; each value is encrypted under the data key
with the customer id and field name bound as associated data, so a ciphertext moved to another row or
field fails to decrypt. Blind indexes are HMAC-SHA256 under a separate key over the normalized value.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class KeyringError(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, bytes]


def new_key_id() -> str:
    return "mk-" + time.strftime("%Y%m%d%H%M%S") + "-" + os.urandom(3).hex()


def write_keyring(path: Path, keyring: Keyring) -> None:
    """Write atomically (temp file + rename), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "active": keyring.active_id,
        "keys": {k: base64.b64encode(v).decode() for k, v in keyring.keys.items()},
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh, indent=2)
    os.replace(tmp, path)


def _read_keyring(path: Path) -> Keyring:
    try:
        doc = json.loads(path.read_text())
        keys = {k: base64.b64decode(v) for k, v in doc["keys"].items()}
        active = doc["active"]
    except FileNotFoundError:
        raise KeyringError(f"master keyring not found at {path}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyringError(f"master keyring {path} is malformed: {exc}") from None
    if active not in keys:
        raise KeyringError(f"master keyring {path}: active key {active!r} is not in its keys")
    if any(len(k) != 32 for k in keys.values()):
        raise KeyringError(f"master keyring {path}: every key must be 32 bytes (AES-256)")
    return Keyring(active, keys)


class _KeyCache:
    """Keys read from their files, re-read when a file changes (a rotation while the app runs)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._keyring: Keyring | None = None
        self._keyring_stamp = None
        self._blind: bytes | None = None
        self._checked_at = 0.0

    def _ensure_files(self):
        ring_path, blind_path = settings.CUSTODIAN_MASTER_KEYRING, settings.CUSTODIAN_BLIND_INDEX_KEY
        if settings.CUSTODIAN_CREATE_MISSING_KEYS:
            if not ring_path.exists():
                key_id = new_key_id()
                write_keyring(ring_path, Keyring(key_id, {key_id: AESGCM.generate_key(bit_length=256)}))
            if not blind_path.exists():
                blind_path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(blind_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(base64.b64encode(os.urandom(32)).decode())
        return ring_path, blind_path

    def keyring(self, force: bool = False) -> Keyring:
        now = time.monotonic()
        if self._keyring is not None and not force and now - self._checked_at < 1.0:
            return self._keyring
        with self._lock:
            ring_path, _ = self._ensure_files()
            stat = ring_path.stat()
            stamp = (str(ring_path), stat.st_mtime_ns, stat.st_size)
            if force or stamp != self._keyring_stamp:
                self._keyring = _read_keyring(ring_path)
                self._keyring_stamp = stamp
            self._checked_at = now
            return self._keyring

    def blind_key(self) -> bytes:
        if self._blind is None:
            with self._lock:
                _, blind_path = self._ensure_files()
                try:
                    key = base64.b64decode(blind_path.read_text().strip())
                except FileNotFoundError:
                    raise KeyringError(f"blind index key not found at {blind_path}") from None
                if len(key) < 32:
                    raise KeyringError(f"blind index key {blind_path} must be at least 32 bytes")
                self._blind = key
        return self._blind

    def reset(self):
        with self._lock:
            self._keyring, self._keyring_stamp, self._blind = None, None, None


KEYS = _KeyCache()


def _master(key_id: str) -> bytes:
    ring = KEYS.keyring()
    if key_id not in ring.keys:
        ring = KEYS.keyring(force=True)
    try:
        return ring.keys[key_id]
    except KeyError:
        raise KeyringError(f"master key {key_id!r} is not in the keyring") from None


# Each master key's cipher, built once (its key schedule costs about as much as unwrapping a data key): a
# bill run unwraps a thousand data keys a chunk under the same master key. Keyed by the key's bytes as well
# as its id, so a keyring re-read with other bytes under the same id is never answered by an old cipher.
_MASTER_CIPHERS: dict[tuple[str, bytes], AESGCM] = {}


def _master_cipher(key_id: str) -> AESGCM:
    key = _master(key_id)
    cipher = _MASTER_CIPHERS.get((key_id, key))
    if cipher is None:
        if len(_MASTER_CIPHERS) > 16:  # keys rotated many times in one process: start again
            _MASTER_CIPHERS.clear()
        cipher = _MASTER_CIPHERS[(key_id, key)] = AESGCM(key)
    return cipher


def _wrap_ad(customer_id: int) -> bytes:
    return b"custodian-data-key|" + str(customer_id).encode()


def new_data_key(customer_id: int) -> tuple[bytes, str, bytes]:
    """A fresh data key: (plain key, master key id, wrapped key)."""
    ring = KEYS.keyring()
    plain = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + AESGCM(ring.keys[ring.active_id]).encrypt(nonce, plain, _wrap_ad(customer_id))
    return plain, ring.active_id, wrapped


def unwrap_data_key(customer_id: int, key_id: str, wrapped: bytes) -> bytes:
    wrapped = bytes(wrapped)
    kept = getattr(_KEPT, "keys", None)
    if kept is not None and (held := kept.get(customer_id)) is not None and held[0] == (key_id, wrapped):
        return held[1]
    plain = _master_cipher(key_id).decrypt(
        wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_ad(customer_id)
    )
    if kept is not None:
        kept[customer_id] = ((key_id, wrapped), plain)
    return plain


# Data keys unwrapped inside a `data_keys_kept()` block, by customer, for this thread only.
_KEPT = threading.local()


@contextmanager
def data_keys_kept():
    """Within the block, a customer's data key is unwrapped once: a bill run's chunk opens the customers'
    values through the gate and then seals their bills with the same keys (`kept_data_key`), instead of
    fetching and unwrapping each key again. The keys are forgotten when the block ends (one transaction's
    chunk); nothing is opened here, and the gate still decides and logs every read."""
    if getattr(_KEPT, "keys", None) is not None:  # an inner block shares the outer one's keys
        yield
        return
    _KEPT.keys, _KEPT.ciphers = {}, {}
    try:
        yield
    finally:
        _KEPT.keys = _KEPT.ciphers = None


def kept_data_key(customer_id: int) -> bytes | None:
    """The customer's data key if a `data_keys_kept()` block unwrapped it already, else None."""
    kept = getattr(_KEPT, "keys", None)
    held = kept.get(customer_id) if kept is not None else None
    return held[1] if held is not None else None


def rewrap_data_key(customer_id: int, key_id: str, wrapped: bytes, new_key_id: str) -> bytes:
    """Re-wrap a data key under another master key (rotation); the data key itself never leaves here."""
    plain = unwrap_data_key(customer_id, key_id, wrapped)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_master(new_key_id)).encrypt(nonce, plain, _wrap_ad(customer_id))


def value_ad(customer_id: int, field: str) -> bytes:
    return f"custodian-value|{customer_id}|{field}".encode()


def seal_value(data_key: bytes, customer_id: int, field: str, plaintext: str) -> bytes:
    return seal_bytes(data_key, customer_id, field, plaintext.encode("utf-8"))


def seal_bytes(data_key: bytes, customer_id: int, field: str, payload: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + key_cipher(data_key).encrypt(nonce, payload, value_ad(customer_id, field))


def key_cipher(data_key: bytes) -> AESGCM:
    """The data key's cipher. Inside a `data_keys_kept()` block it is built once per key and kept with it (the
    key schedule costs as much as sealing a bill): the gate opens a customer's values and the bill run then
    seals the bill with the same cipher. Outside, a new one each time (nothing is kept)."""
    ciphers = getattr(_KEPT, "ciphers", None)
    if ciphers is None:
        return AESGCM(data_key)
    cipher = ciphers.get(data_key)
    if cipher is None:
        cipher = ciphers[data_key] = AESGCM(data_key)
    return cipher


def blind_index(field: str, normalized: str) -> str:
    return hmac.new(KEYS.blind_key(), f"{field}|{normalized}".encode(), hashlib.sha256).hexdigest()
