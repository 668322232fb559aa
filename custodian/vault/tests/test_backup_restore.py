"""A backup restores into a fresh database and directory: the restored access log verifies against the
signed heads in the backup, and a customer is read through the gate with the keys kept apart from the
backup. No key is ever in a backup. The test runs on the database of the run: SQLite, and PostgreSQL on the
PostgreSQL pass (pg_dump and pg_restore)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from custodian.vault import gate, interval_files
from custodian.vault.backup import BackupError, backup_check, keys_check
from custodian.vault.services import Submission, interval_blocks_record

ROOT = Path(__file__).resolve().parents[3]
METER = Submission(channel="meter", notice_key="metering", recorded_by_label="meter reading")
MONTH = "2026-03"

READ_BACK = """
import json, sys
from django.contrib.auth import get_user_model
from custodian.vault import gate, interval_files
clerk = get_user_model().objects.get(username="bill.clerk")
customer_id = int(sys.argv[1])
actor = gate.staff_actor(clerk)
fields = ["name", "mailing_address"]
values = gate.reveal(actor=actor, customer_id=customer_id, fields=fields, purpose="billing")
start, end = interval_files.month_bounds("2026-03")
blocks = gate.reveal_intervals(actor=gate.staff_actor(clerk), customer_id=customer_id, purpose="billing",
                               start=start, end=end)
print(json.dumps({"values": values, "kwh": float(sum(float(b.values.sum()) for b in blocks))}))
"""


def run(args, env, cwd=ROOT):
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def fresh_database():
    """A new, empty database of the run's kind, and the DATABASE_URL that names it."""
    if connection.vendor == "sqlite":
        yield None  # the restoring process makes its SQLite file in its own directory
        return
    db = connection.settings_dict
    name = f"custodian_restore_{secrets.token_hex(4)}"
    host = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    subprocess.run(["createdb", *host, name], check=True, env=env, timeout=60)
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    yield f"postgres://{db['USER'] or 'postgres'}{password}@{where}/{name}"
    subprocess.run(["dropdb", *host, "--if-exists", "--force", name], env=env, timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_and_directory(
    customer, billing_clerk, tmp_path, fresh_database, capsys
):
    # Some history: a read through the gate (an access event) and a month of meter readings.
    gate.reveal(
        actor=gate.staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing"
    )
    start, end = interval_files.month_bounds(MONTH)
    interval_blocks_record(
        blocks=[
            interval_files.IntervalBlock(
                customer.pk, "electric", MONTH, start, 3600, np.full((end - start) // 3600, 0.5)
            )
        ],
        submission=METER,
    )
    call_command("backup", "--to", str(tmp_path / "backups"), "--keys-to", str(tmp_path / "keys"))
    out = capsys.readouterr().out
    (backup,) = (tmp_path / "backups").iterdir()
    assert f"backup written to {backup}" in out
    manifest = backup_check(backup)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["access_log"]["tree_size"] >= 1 and any(
        n.startswith("intervals/") for n in manifest["files"]
    )

    # No key material in the backup: the keyring's keys, the blind-index key, the log's private key.
    secrets_held = []
    ring = json.loads(Path(settings.CUSTODIAN_MASTER_KEYRING).read_text())
    secrets_held += list(ring["keys"].values())
    secrets_held.append(Path(settings.CUSTODIAN_BLIND_INDEX_KEY).read_text().strip())
    log_keys = json.loads(Path(settings.CUSTODIAN_LOG_SIGNING_KEYS).read_text())
    secrets_held += [k["private"] for k in log_keys["keys"] if k["private"]]
    for path in backup.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets_held if s.encode() in data], path
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == sorted(
        [
            Path(settings.CUSTODIAN_MASTER_KEYRING).name,
            Path(settings.CUSTODIAN_BLIND_INDEX_KEY).name,
            Path(settings.CUSTODIAN_LOG_SIGNING_KEYS).name,
        ]
    )

    # Restore on a "new server": a fresh directory, a fresh database, the keys from where IT kept them.
    site = tmp_path / "restored"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "CUSTODIAN_VAR_DIR": str(site),
        "CUSTODIAN_MASTER_KEYRING": str(tmp_path / "keys" / Path(settings.CUSTODIAN_MASTER_KEYRING).name),
        "CUSTODIAN_BLIND_INDEX_KEY": str(tmp_path / "keys" / Path(settings.CUSTODIAN_BLIND_INDEX_KEY).name),
        "CUSTODIAN_LOG_SIGNING_KEYS": str(tmp_path / "keys" / Path(settings.CUSTODIAN_LOG_SIGNING_KEYS).name),
    }
    if fresh_database:
        env["DATABASE_URL"] = fresh_database
    restored = run(["manage.py", "restore", "--from", str(backup)], env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "access log verified against the backup's signed heads" in restored.stdout
    verified = run(["manage.py", "audit", "verify", "--against", str(site / "transparency")], env)
    assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout + verified.stderr
    read = run(
        ["manage.py", "shell", "-v0", "-c", READ_BACK.replace("sys.argv[1]", repr(str(customer.pk)))], env
    )
    assert read.returncode == 0, read.stderr
    got = json.loads(read.stdout.strip().splitlines()[-1])
    assert got["values"]["name"] == "Alice Anderson"
    assert got["values"]["mailing_address"]
    assert got["kwh"] == pytest.approx(0.5 * ((end - start) // 3600))
    # Restoring again over the restored site is refused: it restores only into empty places.
    again = run(["manage.py", "restore", "--from", str(backup)], env)
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_the_wrong_keys_are_named_before_anything_moves(customer, tmp_path, settings):
    call_command("backup", "--to", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    database = backup / manifest["database"]["file"]
    with open(database, "r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00garbage\x00")
    with pytest.raises(BackupError, match="is damaged"):
        backup_check(backup)
    # Other keys than the data's: the restore names what is missing.
    call_command("keys", "init", "--dir", str(tmp_path / "other-keys"))
    settings.CUSTODIAN_MASTER_KEYRING = tmp_path / "other-keys" / "master-keyring.json"
    settings.CUSTODIAN_BLIND_INDEX_KEY = tmp_path / "other-keys" / "blind-index.key"
    problems = keys_check(manifest["keys"])
    assert any("master keyring lacks" in p for p in problems)
    assert any("blind-index key is not the one" in p for p in problems)


def test_the_keys_are_never_copied_inside_the_backup(db, tmp_path):
    with pytest.raises(CommandError, match="outside the backup"):
        call_command("backup", "--to", str(tmp_path), "--keys-to", str(tmp_path / "keys"))
    assert not list(tmp_path.iterdir())
