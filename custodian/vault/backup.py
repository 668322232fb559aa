"""Backups and restores of everything Custodian keeps, except its keys.

A backup is one directory:

- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup);
- `intervals/`: the interval store's Parquet files, each copied under the store's own lock (sealed blocks:
  useless without the keys);
- `transparency/`: every signed head of the access log and the tree's tiles, published from the database
  just before the dump, so the restored log can be checked against them (`audit verify --against`);
- `manifest.json`: when, from which database, the access log's size and root at the latest head, every
  file's SHA-256, and which keys it needs, by reference only: the master keys' ids, the blind-index key's
  fingerprint, the access log's verifier keys (public).

The keys are never in it. The master keyring and the blind-index key decrypt the data, and the log-signing
key signs the access log's heads: a backup that held them would be as dangerous as the live system, and
whoever restored it could sign a rewritten log. They are kept apart, with the keyring (docs/operations.md);
`backup --keys-to DIR` copies the three key files to a separate directory of IT's choosing, never inside the
backup. Lose the keyring and every backup is unreadable: the data is gone.

Order: the head is signed and published first, then the database is dumped, then the interval store is
copied. Blocks written after the dump may be in the copy (harmless: they are found only through the
database), never the other way round for a completed write.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from custodian.audit.heads import head_sign, publish_to, verifier_keys
from custodian.audit.tree import current_head
from custodian.vault.interval_files import files_copy
from custodian.vault.keys import master_key_ids
from custodian.vault.models import DataKey

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that can't go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=24 * 3600)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client tools ({what})") from None
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[:2000]}")


# --- what the keys are, by reference ----------------------------------------------------------------------


def key_references() -> dict:
    """Which keys the data needs, without any key material: master key ids, a fingerprint of the blind-index
    key, the access log's public verifier keys."""

    blind = Path(settings.CUSTODIAN_BLIND_INDEX_KEY)
    return {
        "master_key_ids": sorted(set(DataKey.objects.values_list("key_id", flat=True))),
        "blind_index_key_sha256": hashlib.sha256(blind.read_bytes().strip()).hexdigest()
        if blind.is_file()
        else "",
        "log_verifier_keys": [k.text for k in verifier_keys()],
    }


def keys_check(references: dict) -> list[str]:
    """What is missing from the keys configured here for the data of a backup (empty: all present)."""

    problems = []
    try:
        held = master_key_ids()
    except ImproperlyConfigured as exc:  # the keyring is missing or malformed, named
        return [str(exc)]
    missing = [k for k in references.get("master_key_ids", []) if k not in held]
    if missing:
        problems.append(f"the master keyring lacks {', '.join(missing)}: data under them can't be read")
    blind = Path(settings.CUSTODIAN_BLIND_INDEX_KEY)
    wanted = references.get("blind_index_key_sha256", "")
    if wanted and (not blind.is_file() or hashlib.sha256(blind.read_bytes().strip()).hexdigest() != wanted):
        problems.append("the blind-index key is not the one the data was indexed with: nobody would be found")
    try:
        have = {k.text for k in verifier_keys()}
    except Exception as exc:  # a missing or malformed log key file, named
        return [*problems, f"the access log's key file can't be read: {exc}"]
    lost = [k for k in references.get("log_verifier_keys", []) if k not in have]
    if lost:
        problems.append("the access log's key file lacks verifier keys the log was signed with")
    return problems


# --- backup ---------------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    directory: Path
    database_bytes: int
    interval_files: int
    heads: int
    tree_size: int
    keys_copied_to: Path | None


def _dump_database(target: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        out = target / "database.dump"
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(out),
                db["NAME"],
            ],
            env,
            "pg_dump",
        )
        return out.name
    if connection.vendor == "sqlite":
        out = target / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(out)
        try:
            connection.connection.backup(dest)  # SQLite's online backup: a consistent copy while in use
        finally:
            dest.close()
        return out.name
    raise BackupError(f"no backup for a {connection.vendor} database")


def _copy_intervals(target: Path) -> int:

    return files_copy(target / "intervals")


def _keys_apart(keys_to: Path, to: Path) -> None:
    keys_to, to = Path(keys_to).resolve(), Path(to).resolve()
    if keys_to == to or to in keys_to.parents or keys_to in to.parents:
        raise BackupError(
            "--keys-to must be outside the backups' directory: the keys are kept apart from the data"
        )


def _copy_keys(keys_to: Path) -> None:
    keys_to = keys_to.resolve()
    keys_to.mkdir(parents=True, exist_ok=True, mode=0o700)
    for setting in ("CUSTODIAN_MASTER_KEYRING", "CUSTODIAN_BLIND_INDEX_KEY", "CUSTODIAN_LOG_SIGNING_KEYS"):
        source = Path(getattr(settings, setting))
        dest = keys_to / source.name
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(source.read_bytes())


def backup_make(*, to: Path, keys_to: Path | None = None, progress=None) -> BackupReport:
    """Write a new backup directory under `to` (named by the time) and return what it holds."""

    say = progress or (lambda text: None)
    if keys_to is not None:
        _keys_apart(keys_to, to)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    directory = Path(to) / f"custodian-backup-{stamp}"
    if directory.exists():
        raise BackupError(f"{directory} exists already: wait a second and run again")
    directory.mkdir(parents=True, mode=0o700)
    say("signing the access log's head and publishing the heads into the backup")
    head_sign(force=False)
    published = publish_to(directory / "transparency")
    head = current_head()
    say("dumping the database")
    database = _dump_database(directory)
    say("copying the interval store")
    intervals = _copy_intervals(directory)
    if keys_to is not None:
        say("copying the key files to their own place")
        _copy_keys(Path(keys_to))
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database},
        "access_log": {"tree_size": head.size, "root_hash": head.root.hex() if head.root else ""},
        "keys": key_references(),
        "files": {str(p.relative_to(directory)): _sha256(p) for p in _files(directory)},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupReport(
        directory=directory,
        database_bytes=(directory / database).stat().st_size,
        interval_files=intervals,
        heads=published.heads_written,
        tree_size=head.size,
        keys_copied_to=Path(keys_to) if keys_to else None,
    )


# --- restore --------------------------------------------------------------------------------------------


def manifest_read(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} is not a backup: no {MANIFEST}") from None
    except ValueError as exc:
        raise BackupError(f"{path} is not readable JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def backup_check(directory: Path) -> dict:
    """The manifest, after checking every file's digest (a damaged backup is named before anything moves)."""
    directory = Path(directory)
    manifest = manifest_read(directory)
    for name, digest in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            raise BackupError(f"the backup lacks {name}")
        if _sha256(path) != digest:
            raise BackupError(f"{name} in the backup is damaged (its SHA-256 differs from the manifest's)")
    return manifest


def _database_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(directory: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup holds a {vendor} database; DATABASE_URL points at {connection.vendor}: restore into "
            f"a {vendor} database"
        )
    if not _database_empty():
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty: restore into a new, empty "
            "database"
        )
    source = directory / manifest["database"]["file"]
    db = connection.settings_dict
    if vendor == "postgresql":
        args, env = _pg_env(db)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                "--dbname",
                db["NAME"],
                str(source),
            ],
            env,
            "pg_restore",
        )
    else:
        connection.close()
        target = Path(db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        src = sqlite3.connect(source)
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
    connection.close()


def _restore_dir(source: Path, target: Path, what: str) -> int:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{what} {target} is not empty: restore into a new, empty directory")
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


@dataclass
class RestoreReport:
    tree_size: int
    interval_files: int
    published_files: int


def backup_restore(*, directory: Path, progress=None) -> RestoreReport:
    """Restore a backup into the database, interval store and transparency directory configured here, which
    must be new and empty. The keys configured here must be the ones the backup names (checked first)."""
    say = progress or (lambda text: None)
    directory = Path(directory)
    say("checking the backup's files")
    manifest = backup_check(directory)
    say("checking the keys configured here against the backup's")
    problems = keys_check(manifest["keys"])
    if problems:
        raise BackupError("the keys configured here can't read this backup: " + "; ".join(problems))
    if Path(settings.CUSTODIAN_INTERVAL_DIR).exists() and any(
        Path(settings.CUSTODIAN_INTERVAL_DIR).iterdir()
    ):
        raise BackupError(f"the interval store {settings.CUSTODIAN_INTERVAL_DIR} is not empty")
    say("restoring the database")
    _restore_database(directory, manifest)
    say("restoring the interval store and the published heads")
    intervals = _restore_dir(directory / "intervals", settings.CUSTODIAN_INTERVAL_DIR, "the interval store")
    published = _restore_dir(
        directory / "transparency", settings.CUSTODIAN_TRANSPARENCY_DIR, "the transparency directory"
    )
    return RestoreReport(
        tree_size=manifest["access_log"]["tree_size"], interval_files=intervals, published_files=published
    )
