"""A process's scratch file: bytes put aside while one piece of work runs and taken back before it ends (a
Green Button file's readings, between reading the file and storing them), so what the work holds in memory
does not grow with its input.

What is put aside is sealed (AES-GCM) under a key made for the one file, held only by this object and never
written anywhere, in a file without a name (the system removes it when it is closed, when this object is
dropped, or when the process ends, a crash included). So the disk never holds it readable, during the work
or after. Nothing stored is opened here: only what this same object sealed moments before, with its own
key; sealed personal data is opened by the gate alone.
"""

import os
import tempfile
import weakref
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _nameless_file(directory: Path) -> int:
    """A file descriptor of a new file in `directory` that has no name there (O_TMPFILE where the system has
    it; else a file made and unlinked at once)."""
    directory.mkdir(parents=True, exist_ok=True)
    flag = getattr(os, "O_TMPFILE", None)
    if flag is not None:
        try:
            return os.open(directory, flag | os.O_RDWR, 0o600)
        except OSError:  # a file system without it
            pass
    fd, name = tempfile.mkstemp(dir=directory, prefix=".scratch-")
    os.unlink(name)
    return fd


class Scratch:
    """`put` seals bytes and appends them to the file, answering where they are; `take` reads them back."""

    def __init__(self, directory: Path):
        self._fd = _nameless_file(Path(directory))
        self._finalizer = weakref.finalize(self, os.close, self._fd)
        self._cipher = AESGCM(AESGCM.generate_key(bit_length=128))
        self._end = 0

    @staticmethod
    def _nonce(at: int) -> bytes:
        # Where the bytes start in the file: never the same twice under the file's key.
        return at.to_bytes(12, "big")

    def put(self, payload: bytes) -> tuple[int, int]:
        """Seal `payload` into the file: where it starts and how many bytes it takes there."""
        at = self._end
        sealed = self._cipher.encrypt(self._nonce(at), payload, None)
        written = os.pwrite(self._fd, sealed, at)
        while written < len(sealed):  # a short write (a signal): the rest
            written += os.pwrite(self._fd, sealed[written:], at + written)
        self._end += len(sealed)
        return at, len(sealed)

    def take(self, at: int, size: int) -> bytes:
        """The bytes that `put` answered (`at`, `size`) for."""
        sealed = os.pread(self._fd, size, at)
        while len(sealed) < size:
            more = os.pread(self._fd, size - len(sealed), at + len(sealed))
            if not more:
                raise OSError(f"the scratch file ends before {at + size}")
            sealed += more
        return self._cipher.decrypt(self._nonce(at), sealed, None)

    def close(self) -> None:
        self._finalizer()
