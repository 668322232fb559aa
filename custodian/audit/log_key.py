"""The access log's signing key (Ed25519), kept with the keyring in a file, never in the database.

Rotation adds a new active key and destroys the old private key; the old public key stays in the file, so
heads signed before still verify. Key hashes and verifier keys follow the C2SP signed-note format:
the key hash is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), a verifier key is
`name+hex(hash)+base64(0x01 || public key)`.

Each log key has an event-sealing key beside it (`custodian.audit.seals`): an HMAC key derived from the
private key, so it is in the same file and never in the database. Rotation keeps a retired key's sealing key
(`seal`) when it destroys its private key: the events it sealed are checked by `audit verify` for good.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519 = b"\x01"
SEAL_CONTEXT = b"custodian access-log event seal\n"


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def verifier_key_text(name: str, public: bytes) -> str:
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + public).decode()}"


@dataclass(frozen=True)
class NamedKey:
    """A log key's name and public key: what its key hash is made of (a verifier key's and a signer's)."""

    name: str
    public: bytes

    @property
    def hash(self) -> bytes:
        return key_hash(self.name, self.public)


@dataclass(frozen=True)
class VerifierKey(NamedKey):
    created: str
    retired: str

    @property
    def text(self) -> str:
        return verifier_key_text(self.name, self.public)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer(NamedKey):
    _private: bytes

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self._private).sign(message)


def _path() -> Path:
    return Path(settings.CUSTODIAN_LOG_SIGNING_KEYS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _new_key() -> dict:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    raw = private.private_bytes_raw()
    return {
        "public": base64.b64encode(public).decode(),
        "private": base64.b64encode(raw).decode(),
        "created": _now(),
        "retired": "",
    }


def _write(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh, indent=2)
    os.replace(tmp, path)


def _read(name: str) -> dict:
    path = _path()
    if not path.exists():
        if not settings.CUSTODIAN_CREATE_MISSING_KEYS:
            raise ImproperlyConfigured(f"CUSTODIAN_LOG_SIGNING_KEYS: no key file at {path}")
        # Several processes may start at once: each writes a candidate, the first link wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        _write(candidate, {"name": name, "keys": [_new_key()]})
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    doc = json.loads(path.read_text())
    if doc.get("name") != name:
        raise ImproperlyConfigured(
            f"the log key file {path} is for the log {doc.get('name')!r}, not {name!r}"
        )
    return doc


def log_signer(name: str) -> Signer:
    doc = _read(name)
    active = doc["keys"][-1]
    return Signer(name, base64.b64decode(active["public"]), base64.b64decode(active["private"]))


def seal_key_of(private: bytes) -> bytes:
    """The event-sealing key that goes with a log key's private key (a hash of it under its own context)."""
    return hashlib.sha256(SEAL_CONTEXT + private).digest()


def log_seal_keys(name: str) -> tuple[str, dict[str, bytes]]:
    """The active key's hash (hex) and every event-sealing key the file holds, by the hash of its log key."""
    keys = {}
    for key in _read(name)["keys"]:
        if key.get("private"):
            secret = seal_key_of(base64.b64decode(key["private"]))
        elif key.get("seal"):
            secret = base64.b64decode(key["seal"])
        else:  # retired before events were sealed: it sealed none
            continue
        keys[key_hash(name, base64.b64decode(key["public"])).hex()] = secret
    return next(reversed(keys), ""), keys


def log_verifier_keys(name: str) -> list[VerifierKey]:
    """Every key the log was ever signed with, oldest first (retired ones keep only the public key)."""
    return [
        VerifierKey(name, base64.b64decode(k["public"]), k["created"], k["retired"])
        for k in _read(name)["keys"]
    ]


def log_key_rotate(name: str) -> VerifierKey:
    """A new active key; the old private key is destroyed (its public key stays for old heads)."""
    doc = _read(name)
    for key in doc["keys"]:
        if not key["retired"]:
            seal = base64.b64encode(seal_key_of(base64.b64decode(key["private"]))).decode()
            key["retired"], key["private"], key["seal"] = _now(), "", seal
    doc["keys"].append(_new_key())
    _write(_path(), doc)
    return log_verifier_keys(name)[-1]


def log_key_file_init(directory: Path, name: str) -> Path:
    """A new log key file in `directory` (refuses to overwrite)."""
    path = directory / "log-signing-keys.json"
    if path.exists():
        raise FileExistsError(f"{path} exists; refusing to overwrite a key")
    _write(path, {"name": name, "keys": [_new_key()]})
    return path
