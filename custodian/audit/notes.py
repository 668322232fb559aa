"""Checkpoints (signed tree heads) in the C2SP tlog-checkpoint / signed-note text format.

    <origin>\\n<tree size>\\n<base64 root hash>\\n
    \\n
    — <key name> <base64(4-byte key hash || Ed25519 signature of the text above the blank line)>\\n

The same parsing lives, with the standard library only, in verifier/custodian_verify.py.
"""

import base64
import binascii
from dataclasses import dataclass

SIGNATURE_DASH = "\u2014 "


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    text: str  # the signed text (body), ending in a newline
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key hash, signature)

    @property
    def note(self) -> str:
        lines = "".join(
            f"{SIGNATURE_DASH}{name} {base64.b64encode(khash + sig).decode()}\n"
            for name, khash, sig in self.signatures
        )
        return f"{self.text}\n{lines}"


class NoteError(ValueError):
    pass


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign_checkpoint(origin: str, size: int, root: bytes, signer) -> Checkpoint:
    text = checkpoint_text(origin, size, root)
    signature = signer.sign(text.encode())
    return Checkpoint(origin, size, root, text, ((signer.name, signer.hash, signature),))


def parse_note(note: str) -> Checkpoint:
    at = note.rfind("\n\n")
    if at < 0 or not note.endswith("\n"):
        raise NoteError("not a signed note: no blank line before the signatures")
    text, sig_block = note[: at + 1], note[at + 2 :]
    signatures = []
    for line in sig_block.splitlines():
        if not line.startswith(SIGNATURE_DASH):
            raise NoteError(f"not a signature line: {line[:60]!r}")
        name, _, blob = line[len(SIGNATURE_DASH) :].rpartition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise NoteError("a signature is not base64") from None
        if len(raw) < 5 or not name:
            raise NoteError("a signature line is too short")
        signatures.append((name, raw[:4], raw[4:]))
    lines = text.split("\n")
    if len(lines) < 4 or not (lines[1].isascii() and lines[1].isdigit()):
        raise NoteError("not a checkpoint: expected origin, tree size and root hash")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        raise NoteError("the root hash is not base64") from None
    if len(root) != 32:
        raise NoteError("the root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root, text, tuple(signatures))


def verified_by(checkpoint: Checkpoint, keys) -> list:
    """The keys (custodian.audit.log_key.VerifierKey) whose valid signature the checkpoint carries."""
    good = []
    for name, khash, sig in checkpoint.signatures:
        for key in keys:
            if key.name == name and key.hash == khash and key.verify(checkpoint.text.encode(), sig):
                good.append(key)
    return good
