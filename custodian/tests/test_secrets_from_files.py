"""Every secret can come from a file (`NAME_FILE`, as Docker and systemd hand out credentials) instead of the
environment; the SMTP server's host, port, TLS and credentials come from the environment, and a password is
never sent without TLS."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from custodian.env import env_secret, smtp_options
from custodian.testing.production import manage

SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"
SECRETS = [
    "SECRET_KEY",
    "CUSTODIAN_PAYMENT_WEBHOOK_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
    "CUSTODIAN_IMAP_PASSWORD",
    "EMAIL_HOST_PASSWORD",
]


def test_a_secret_comes_from_the_variable_or_from_the_file_it_names(tmp_path, monkeypatch):
    monkeypatch.setenv("SOME_SECRET", "direct")
    assert env_secret("SOME_SECRET") == "direct"
    monkeypatch.delenv("SOME_SECRET")
    secret = tmp_path / "secret"
    secret.write_text("from a file \n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_secret("SOME_SECRET") == "from a file "  # only the final line break goes
    monkeypatch.setenv("SOME_SECRET", "direct")
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET and SOME_SECRET_FILE are both set"):
        env_secret("SOME_SECRET")
    monkeypatch.delenv("SOME_SECRET")
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET_FILE=.*missing: the file can't be read"):
        env_secret("SOME_SECRET")
    monkeypatch.delenv("SOME_SECRET_FILE")
    assert env_secret("SOME_SECRET", "default") == "default"


# The site's root as people reach it, and the Connect My Data resource server's: public addresses.
PUBLIC_URLS = {"CUSTODIAN_SITE_URL", "CUSTODIAN_CONNECT_BASE_URL"}


def test_every_secret_in_the_settings_is_read_through_env_secret():
    source = SETTINGS.read_text()
    for name in SECRETS[:-1]:
        assert f'env_secret("{name}"' in source, name
    # No other variable that names a password, a secret, a token or a connection URL (which may carry a
    # password) is read as plain text, however the call is laid out. The site's own public addresses are
    # URLs that never carry a credential.
    plain = re.findall(r'env_str\(\s*"([A-Z_]+)"', source)
    assert not [n for n in plain if re.search(r"PASSWORD|SECRET|TOKEN|_URL$", n) and n not in PUBLIC_URLS]
    assert set(plain) >= PUBLIC_URLS


def test_smtp_settings_from_the_environment_with_the_password_from_a_file(tmp_path, monkeypatch):
    password = tmp_path / "smtp-password"
    password.write_text("s3cret-relay-password\n")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    monkeypatch.setenv("EMAIL_HOST_USER", "custodian")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD_FILE", str(password))
    options = smtp_options()
    assert options == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "custodian",
        "password": "s3cret-relay-password",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 30,
    }
    monkeypatch.setenv("EMAIL_USE_TLS", "0")
    monkeypatch.setenv("EMAIL_USE_SSL", "1")
    assert smtp_options()["port"] == 465
    monkeypatch.setenv("EMAIL_PORT", "2465")
    assert smtp_options()["port"] == 2465


def test_smtp_settings_that_would_leak_or_contradict_are_refused(monkeypatch):
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    monkeypatch.setenv("EMAIL_USE_SSL", "1")
    with pytest.raises(ImproperlyConfigured, match="both on"):
        smtp_options()
    monkeypatch.setenv("EMAIL_USE_TLS", "0")
    monkeypatch.setenv("EMAIL_USE_SSL", "0")
    monkeypatch.setenv("EMAIL_HOST_USER", "custodian")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "pw")
    with pytest.raises(ImproperlyConfigured, match="in clear"):
        smtp_options()


def test_production_starts_with_its_secrets_in_files(production_env, tmp_path):  # noqa: F811
    env = dict(production_env)
    for name in ("SECRET_KEY", "CUSTODIAN_PAYMENT_WEBHOOK_SECRET"):
        path = tmp_path / name.lower()
        path.write_text(env.pop(name) + "\n")
        env[f"{name}_FILE"] = str(path)
    password = tmp_path / "smtp"
    password.write_text("relay-password")
    env.update(
        {
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_USE_TLS": "1",
            "EMAIL_HOST_USER": "custodian",
            "EMAIL_HOST_PASSWORD_FILE": str(password),
        }
    )
    # The warnings of what works but needs staff's attention (custodian.operations.advisories: no card
    # processor, unconfirmed retention items) are expected; none of Django's own deployment warnings is.
    result = manage("check", "--deploy", "--fail-level", "ERROR", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr
    shown = manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings as s; o = s.MAILERS['default']['OPTIONS']; "
        "print(o['host'], o['port'], o['use_tls'], o['password'] == 'relay-password', len(s.SECRET_KEY))",
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "smtp.example.org",
        "587",
        "True",
        "True",
        str(len(production_env["SECRET_KEY"])),
    ]
    env["SECRET_KEY"] = "also set directly " * 4
    refused = manage("check", env=env)
    assert refused.returncode != 0 and "SECRET_KEY and SECRET_KEY_FILE are both set" in refused.stderr
