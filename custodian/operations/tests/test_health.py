"""/healthz answers while the process is up; /readyz checks the database, the keyring, the interval store,
the worker's heartbeat and the scheduled jobs, and answers 503 naming what failed. Both answer a probe by
address over plain HTTP in production, and are not counted as page views."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from custodian.analytics.models import PageView
from custodian.operations import health
from custodian.operations.jobs import JOBS, job_register, job_run
from custodian.vault import sealing


@pytest.fixture
def everything_ran(db, log_keys):
    """A scheduler has seen every job and each has run once."""
    for job in JOBS:
        job_register(job.name)
        if job.name in ("worker_heartbeat", "outbox_retry"):
            job_run(job.name)


def test_healthz_answers_while_the_process_is_up(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_ok_when_everything_works(everything_ran):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["failed"] == []
    assert {"database", "keyring", "interval_store", "worker", "job:audit_sign", "job:bill_run"} <= set(
        body["checks"]
    )


def test_readyz_names_a_missing_worker_and_scheduler(db, log_keys):
    body = Client().get("/readyz")
    assert body.status_code == 503
    failed = body.json()["failed"]
    assert "worker" in failed and "job:audit_sign" in failed
    assert body.json()["checks"]["job:audit_sign"] == "never scheduled: is the scheduler running?"


def test_readyz_names_an_unwritable_interval_store(everything_ran, settings, tmp_path):
    blocker = tmp_path / "a-file-not-a-directory"
    blocker.write_text("")
    settings.CUSTODIAN_INTERVAL_DIR = blocker
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["interval_store"]


def test_readyz_names_an_unreadable_keyring(everything_ran, settings, tmp_path):
    settings.CUSTODIAN_MASTER_KEYRING = tmp_path / "nowhere" / "master-keyring.json"
    settings.CUSTODIAN_CREATE_MISSING_KEYS = False
    try:
        response = Client().get("/readyz")
    finally:
        settings.CUSTODIAN_CREATE_MISSING_KEYS = True
        sealing.KEYS.reset()
    assert response.status_code == 503 and response.json()["failed"] == ["keyring"]
    assert str(tmp_path) not in response.content.decode()  # nothing about the machine's files


def test_readyz_names_an_unreachable_database(everything_ran, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: "unreachable")
    monkeypatch.setattr("custodian.operations.jobs.jobs_health", lambda: pytest.fail("not asked"))
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "worker"]


def test_probes_are_not_counted_as_page_views(everything_ran):
    Client().get("/healthz")
    Client().get("/readyz")
    assert PageView.objects.count() == 0


def test_in_production_a_probe_by_address_over_http_gets_its_answer(tmp_path):
    """DEBUG off, HTTPS redirect on, a host name that is not the site's: the load balancer's probe still
    gets 200 from /healthz, while any other page is refused for the unknown host."""
    keys = tmp_path / "keys"
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "CUSTODIAN_VAR_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "manage.py", "keys", "init", "--dir", str(keys)],
        env=base,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    env = {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": "s" * 20 + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "custodian.example.org",
        "CUSTODIAN_PAYMENT_WEBHOOK_SECRET": os.urandom(24).hex(),
        "CUSTODIAN_MASTER_KEYRING": str(keys / "master-keyring.json"),
        "CUSTODIAN_BLIND_INDEX_KEY": str(keys / "blind-index.key"),
        "CUSTODIAN_LOG_SIGNING_KEYS": str(keys / "log-signing-keys.json"),
    }
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='10.0.0.7')\n"
        "print(c.get('/healthz').status_code, c.get('/privacy/').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "custodian.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[-1].split() == ["200", "400"], result.stdout + result.stderr
