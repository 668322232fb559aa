"""Master key management: creating key files and rotating the master key while the app runs."""

import base64
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.vault import sealing
from custodian.vault.models import DataKey


def key_files_check() -> None:
    """Read the master keyring and the blind-index key from their files now (not from the cache), raising
    sealing.KeyringError if either is missing or malformed: the readiness check's question."""
    sealing.KEYS.keyring(force=True)
    sealing.KEYS.blind_key()


def key_files_init(directory: Path) -> tuple[Path, Path]:
    """Create a new keyring and blind-index key in `directory` (refuses to overwrite)."""
    directory.mkdir(parents=True, exist_ok=True)
    ring, blind = directory / "master-keyring.json", directory / "blind-index.key"
    for path in (ring, blind):
        if path.exists():
            raise FileExistsError(f"{path} exists; refusing to overwrite a key")
    key_id = sealing.new_key_id()
    sealing.write_keyring(ring, sealing.Keyring(key_id, {key_id: os.urandom(32)}))
    fd = os.open(blind, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(os.urandom(32)).decode())
    return ring, blind


def master_key_rotate(
    *, batch: int = 1000, retire: bool = False, progress: Callable[[int], None] | None = None
) -> dict:
    """Add a new active master key and re-wrap every data key under it, in small committed batches.

    Safe while the app runs: old keys stay in the keyring until no data key uses them, readers pick up
    the new keyring file within a second, and a data key wrapped meanwhile under the old key is caught
    by the final sweep. Re-running is safe.
    """
    path = settings.CUSTODIAN_MASTER_KEYRING
    ring = sealing.KEYS.keyring(force=True)
    new_id = sealing.new_key_id()
    sealing.write_keyring(path, sealing.Keyring(new_id, {**ring.keys, new_id: os.urandom(32)}))
    sealing.KEYS.keyring(force=True)
    done = 0
    while True:
        with transaction.atomic():
            rows = list(DataKey.objects.select_for_update().exclude(key_id=new_id).order_by("pk")[:batch])
            if not rows:
                break
            now = timezone.now()
            for dk in rows:
                dk.wrapped = sealing.rewrap_data_key(dk.customer_id, dk.key_id, dk.wrapped, new_id)
                dk.key_id, dk.rewrapped_at = new_id, now
            DataKey.objects.bulk_update(rows, ["wrapped", "key_id", "rewrapped_at"])
        done += len(rows)
        if progress:
            progress(len(rows))
    retired = []
    if retire:
        ring = sealing.KEYS.keyring(force=True)
        in_use = set(DataKey.objects.values_list("key_id", flat=True).distinct())
        keep = {k: v for k, v in ring.keys.items() if k == new_id or k in in_use}
        retired = sorted(set(ring.keys) - set(keep))
        sealing.write_keyring(path, sealing.Keyring(new_id, keep))
        sealing.KEYS.keyring(force=True)
    return {"active": new_id, "rewrapped": done, "retired": retired}


def master_key_ids() -> set[str]:
    """The ids of the master keys in the configured keyring (no key material); KeyringError if unreadable."""
    return set(sealing._read_keyring(Path(settings.CUSTODIAN_MASTER_KEYRING)).keys)
