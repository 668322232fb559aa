"""Signed tree heads: signing (hourly by the scheduler, on demand, at shutdown) and publishing them with the
tree's tiles to a directory the database can't reach.

Before it signs, the signer checks that the tree it is about to sign extends every head published before
(a consistency proof from the tiles): it never signs a rewritten log.

A published directory (the server's own, served at /transparency/, or an auditor's mirror written by
`audit publish --to DIR`) holds:

    heads/<number>.checkpoint   every signed head, write-once
    checkpoint                  the latest head
    log-keys.txt                every verifier key the log was signed with (signed-note format)
    tile/<L>/<N>[.p/<W>]        the tree's hashes in the C2SP tlog-tiles layout (hashes only, no events)
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from custodian.audit import log_key, merkle, notes
from custodian.audit.models import SignedHead, Tile
from custodian.audit.tree import TILE_WIDTH, TileReader, current_head, integrate, lock_head
from custodian.policy.loader import current_policy

log = logging.getLogger(__name__)
HASH = merkle.HASH_SIZE


class LogTampered(Exception):
    """The tree no longer extends a head published before: refuse to sign, tell the operator."""


class PublishConflict(Exception):
    """A write-once file in a published directory already holds something else."""


def log_origin() -> str:
    if settings.CUSTODIAN_LOG_ORIGIN:
        return settings.CUSTODIAN_LOG_ORIGIN
    host = urlparse(current_policy().utility["website"]).hostname or "custodian"
    return f"{host}/access-log"


def verifier_keys() -> list[log_key.VerifierKey]:
    return log_key.log_verifier_keys(log_origin())


def _write_once(path: Path, content: bytes) -> bool:
    """Write a file that must never change; True if written, False if already there with this content."""
    if path.exists():
        if path.read_bytes() != content:
            raise PublishConflict(f"{path} already holds a different {path.parent.name} entry")
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def _replace(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


def head_file_name(number: int) -> str:
    return f"{number:08d}.checkpoint"


def published_files(directory: Path) -> list[Path]:
    """The files of a published directory's heads (each signed head, else its one checkpoint), or the one
    checkpoint file given."""
    directory = Path(directory)
    if directory.is_file():
        return [directory]
    files = sorted((directory / "heads").glob("*.checkpoint"))
    if not files and (directory / "checkpoint").is_file():
        files = [directory / "checkpoint"]
    return files


def read_published_heads(directory: Path) -> list[tuple[str, notes.Checkpoint]]:
    """The heads of a published directory, or of one checkpoint file, as (file name, checkpoint)."""
    return [(f.name, notes.parse_note(f.read_text())) for f in published_files(directory)]


def _check_extends(reader: TileReader, size: int, root: bytes, earlier: notes.Checkpoint, where: str) -> None:
    if earlier.size > size:
        raise LogTampered(f"the tree has {size} events but the head {where} recorded {earlier.size}")
    if earlier.size == 0:
        return
    proof = reader.consistency_proof(earlier.size, size)
    if not merkle.verify_consistency(earlier.size, size, earlier.root, root, proof):
        raise LogTampered(f"the tree does not extend the head {where} (size {earlier.size})")


def head_sign(*, force: bool = False) -> SignedHead | None:
    """Integrate what is queued and sign the tree's head, unless the latest signed head already covers it
    with the active key (`force` signs anyway). Safe to run repeatedly and from several processes."""
    integrate()
    origin = log_origin()
    signer = log_key.log_signer(origin)
    with transaction.atomic():
        with connection.cursor() as cursor:  # the sequencer's lock: one signer at a time
            lock_head(cursor)
        head = current_head()
        if head.size == 0:
            return None
        last = SignedHead.objects.order_by("-pk").first()
        if (
            last is not None
            and not force
            and last.tree_size == head.size
            and last.key_hash == signer.hash.hex()
        ):
            return last
        reader = TileReader()
        root = reader.root(head.size)
        if root != head.root:
            raise LogTampered("the tree's head row does not match its tiles")
        earlier = [
            ("in the database", notes.parse_note(h.note)) for h in SignedHead.objects.order_by("-pk")[:1]
        ]
        published = read_published_heads(Path(settings.CUSTODIAN_TRANSPARENCY_DIR))
        earlier += [(f"published as {name}", cp) for name, cp in published[-1:]]
        for where, cp in earlier:
            _check_extends(reader, head.size, root, cp, where)
        checkpoint = notes.sign_checkpoint(origin, head.size, root, signer)
        signed = SignedHead.objects.create(
            tree_size=head.size,
            root=root.hex(),
            note=checkpoint.note,
            key_hash=signer.hash.hex(),
            signed_at=timezone.now(),
        )
        transaction.on_commit(lambda: publish_to(Path(settings.CUSTODIAN_TRANSPARENCY_DIR)))
    return signed


def head_sign_at_shutdown() -> None:
    """Sign what the log holds when a server process stops (errors are logged, never raised)."""
    try:
        head_sign()
    except Exception:
        log.exception("could not sign the access log's head at shutdown")


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """tlog-tiles path of a tile: the index in groups of three digits, all but the last prefixed x."""
    digits = f"{index:03d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    path = "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{path}{suffix}"


def tiles_for(size: int):
    """(level, index, width) of every tile of a tree of `size`, full and partial."""
    level, count = 0, size
    while count > 0:
        full, rest = divmod(count, TILE_WIDTH)
        for index in range(full):
            yield level, index, TILE_WIDTH
        if rest:
            yield level, full, rest
        level, count = level + 1, full


@dataclass
class PublishResult:
    heads_written: int
    tiles_written: int
    latest: SignedHead | None


def publish_to(directory: Path) -> PublishResult:
    """Write every signed head, the verifier keys and the tiles up to the latest head into `directory`.
    Files already there are never changed (a different content is a PublishConflict)."""
    directory = Path(directory)
    heads = list(SignedHead.objects.order_by("pk"))
    written = 0
    for head in heads:
        written += _write_once(directory / "heads" / head_file_name(head.pk), head.note.encode())
    tiles = 0
    latest = heads[-1] if heads else None
    if latest is not None:
        _replace(directory / "checkpoint", latest.note.encode())
        size = max(h.tree_size for h in heads)
        stored = {(t.level, t.idx): bytes(t.hashes) for t in Tile.objects.all()}
        for level, index, width in tiles_for(size):
            data = stored.get((level, index), b"")[: width * HASH]
            if len(data) != width * HASH:
                raise PublishConflict(f"tile {level}/{index} is short in the database")
            tiles += _write_once(directory / tile_path(level, index, width), data)
    _replace(directory / "log-keys.txt", "".join(f"{k.text}\n" for k in verifier_keys()).encode())
    return PublishResult(written, tiles, latest)


# The outbox sends the utility's messages and keeps their record; it sits above the access log, so it
# registers its sender here when its app is ready (`custodian.outbox.apps`).
_message_send = None


def mail_through(message_send) -> None:
    """Register the function that sends a message (keyword arguments of `outbox.services.message_send`)."""
    global _message_send
    _message_send = message_send


def head_mail(head: SignedHead) -> list:
    """Mail a signed head to the privacy officer and the outside auditors, through the outbox (which keeps
    the record of every message sent)."""
    message_send = _message_send
    if message_send is None:
        raise ImproperlyConfigured("no outbox to mail the head through (custodian.outbox is not installed)")
    policy = current_policy()
    recipients = [policy.utility["responsible_authority"]["contact"], *settings.CUSTODIAN_LOG_AUDITOR_EMAILS]
    context = {
        "utility_name": policy.utility["name"],
        "size": head.tree_size,
        "signed_at": f"{head.signed_at:%Y-%m-%d %H:%M}",
        "note": head.note,
        "keys": "".join(f"  {k.text}\n" for k in verifier_keys()),
    }
    return [
        message_send(to_address=r, template="log_head", context=context, sent_by_job="audit_publish")
        for r in dict.fromkeys(recipients)
        if r
    ]
