"""`manage.py` run in a child process with only the environment given, and a production environment (its
secrets and fresh key files) to run it in."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args, env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    result = manage("keys", "init", "--dir", str(tmp_path / "keys"), env={"CUSTODIAN_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    return {
        "DEBUG": "0",
        "SECRET_KEY": "p" * 20 + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "custodian.example.org",
        "CUSTODIAN_VAR_DIR": str(tmp_path),
        "CUSTODIAN_MASTER_KEYRING": str(tmp_path / "keys" / "master-keyring.json"),
        "CUSTODIAN_BLIND_INDEX_KEY": str(tmp_path / "keys" / "blind-index.key"),
        "CUSTODIAN_PAYMENT_WEBHOOK_SECRET": os.urandom(24).hex(),
        "CUSTODIAN_LOG_SIGNING_KEYS": str(tmp_path / "keys" / "log-signing-keys.json"),
    }
