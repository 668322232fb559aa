"""The deployment files say what docs/operations.md says: the compose file parses and has the app, the
worker, the scheduler and PostgreSQL; the image runs as a user without privileges with a health check on
/healthz; the systemd units run as the custodian user; and every environment variable the settings read is
documented in docs/operations.md. (Docker itself is not run here: see the guide.)"""

import configparser
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "operations.md").read_text()


def test_the_compose_file_has_the_four_services_and_keeps_keys_and_secrets_out_of_the_image():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "worker", "scheduler", "db"}
    for name in ("app", "worker", "scheduler"):
        service = services[name]
        env = service["environment"]
        assert env["DEBUG"] == "0"
        # Secrets only as files; keys mounted read-only.
        assert {"SECRET_KEY", "DATABASE_URL", "CUSTODIAN_PAYMENT_WEBHOOK_SECRET"}.isdisjoint(env)
        assert env["SECRET_KEY_FILE"].startswith("/run/secrets/")
        assert "./keys:/etc/custodian/keys:ro" in service["volumes"]
        assert env["CUSTODIAN_MASTER_KEYRING"].startswith("/etc/custodian/keys/")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["worker"]["command"][-2:] == ["db_worker", "--no-reload"]
    assert services["scheduler"]["command"][-1] == "scheduler"
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["app"]["ports"] == ["127.0.0.1:8000:8000"]  # only the TLS proxy on the host reaches it
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert set(compose["secrets"]) >= {"database_url", "secret_key", "payment_webhook_secret"}


def test_the_image_is_slim_runs_unprivileged_and_checks_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert bases and all(b.endswith("-slim") for b in bases)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.M)
    assert "--require-hashes -r /tmp/runtime.lock" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)  # no development keys or database in the image


def test_the_systemd_units_run_as_the_custodian_user_with_secrets_as_credentials():
    units = sorted((ROOT / "deploy" / "systemd").glob("custodian-*.service"))
    assert {u.name for u in units} == {
        "custodian-web.service",
        "custodian-worker.service",
        "custodian-scheduler.service",
        "custodian-backup.service",
    }
    for unit in units:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read_string(unit.read_text())
        service = parser["Service"]
        assert service["User"] == "custodian", unit.name
        assert service["ExecStart"].startswith("/opt/custodian/.venv/bin/"), unit.name
        text = unit.read_text()
        assert "Environment=SECRET_KEY_FILE=%d/secret_key" in text
        assert "ReadOnlyPaths=/etc/custodian/keys" in text
    timer = configparser.ConfigParser()
    timer.read_string((ROOT / "deploy" / "systemd" / "custodian-backup.timer").read_text())
    assert timer["Timer"]["OnCalendar"]


def test_every_environment_variable_the_settings_read_is_in_the_operations_guide():
    names = set()
    for source in (ROOT / "custodian" / "settings.py", ROOT / "custodian" / "env.py"):
        names |= set(
            re.findall(r'env_(?:str|bool|int|list|path|secret)\(\s*"([A-Z][A-Z0-9_]+)"', source.read_text())
        )
    assert len(names) > 40
    missing = sorted(
        n for n in names if f"`{n}`" not in GUIDE and not re.search(rf"`[^`]*\b{n}\b[^`]*`", GUIDE)
    )
    assert missing == [], f"not in docs/operations.md: {missing}"


def test_the_guide_says_plainly_what_losing_the_keyring_means():
    assert "Lose the keyring, lose the data." in GUIDE
    for section in (
        "## Keys",
        "## TLS in front",
        "## Several app servers",
        "## Upgrades",
        "## Backups and restore",
        "## Key rotation runbook",
    ):
        assert section in GUIDE
