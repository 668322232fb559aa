"""Export files only the vendor can read: hybrid public-key encryption from kept libraries.

A random 256-bit file key encrypts the file in chunks with AES-256-GCM (`cryptography`); the file key is
sealed to the vendor's X25519 public key with libsodium's sealed box (PyNaCl). Each chunk's associated data
binds the export id, its position and whether it is the last, so chunks can't be reordered, dropped or the
file cut short without the vendor noticing. Custodian never holds a vendor's private key; `read_export` is
the vendor's side, used by the tests and shipped to vendors.
"""

import base64
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.public import PrivateKey, PublicKey, SealedBox

MAGIC = b"CUSTODIAN-EXPORT-1\n"


def new_vendor_keypair() -> tuple[str, str]:
    """(private, public) as base64: for vendors, and for tests."""
    key = PrivateKey.generate()
    return base64.b64encode(bytes(key)).decode(), base64.b64encode(bytes(key.public_key)).decode()


def _ad(export_id: str, index: int, last: bool) -> bytes:
    return f"{export_id}|{index}|{'last' if last else 'more'}".encode()


class ExportWriter:
    """Writes an encrypted export file chunk by chunk; `sealed_key` goes into the manifest."""

    def __init__(self, path: Path, *, export_id: str, vendor_public_key: str):
        self.path, self.export_id = path, export_id
        self._key = AESGCM.generate_key(bit_length=256)
        self.sealed_key = base64.b64encode(
            SealedBox(PublicKey(base64.b64decode(vendor_public_key))).encrypt(self._key)
        ).decode()
        self._aead = AESGCM(self._key)
        self._index = 0
        self._fh = open(path, "wb")  # noqa: SIM115 (closed in finish/abort)
        self._fh.write(MAGIC)

    def write(self, plaintext: bytes, *, last: bool = False) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext, _ad(self.export_id, self._index, last))
        self._fh.write(struct.pack(">BI", 1 if last else 0, len(sealed)) + nonce + sealed)
        self._index += 1

    def finish(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()

    def abort(self) -> None:
        self._fh.close()

    def __enter__(self) -> "ExportWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        """Finished (flushed to disk) when the block ends normally; closed unfinished when anything, even an
        interrupt, ends it early, and the exception goes on to the caller."""
        if exc_type is None:
            self.finish()
        else:
            self.abort()
        return False


def read_export(path: Path, *, export_id: str, sealed_key: str, vendor_private_key: str) -> Iterator[bytes]:
    """The vendor's side: yield the plaintext chunks; raises if the file was altered, reordered or cut."""
    key = SealedBox(PrivateKey(base64.b64decode(vendor_private_key))).decrypt(base64.b64decode(sealed_key))
    aead = AESGCM(key)
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise ValueError("not a Custodian export file")
        index, finished = 0, False
        while header := fh.read(5):
            if finished:
                raise ValueError("data after the last chunk")
            last, length = struct.unpack(">BI", header)
            nonce, sealed = fh.read(12), fh.read(length)
            yield aead.decrypt(nonce, sealed, _ad(export_id, index, bool(last)))
            finished, index = bool(last), index + 1
        if not finished:
            raise ValueError("the file was cut short")
