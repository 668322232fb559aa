"""Settings come from the environment; production refuses to start without its secrets and keys, and
passes Django's deployment checks."""

import importlib
import os

import pytest

from custodian.env import env_bool
from custodian.testing.production import manage


def test_check_deploy_passes_under_production_settings(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CUSTODIAN_MASTER_KEYRING",
        "CUSTODIAN_BLIND_INDEX_KEY",
        "CUSTODIAN_PAYMENT_WEBHOOK_SECRET",
        "CUSTODIAN_LOG_SIGNING_KEYS",
    ],
)
def test_production_refuses_to_start_naming_what_is_missing(production_env, missing):
    env = dict(production_env)
    if missing in ("CUSTODIAN_MASTER_KEYRING", "CUSTODIAN_BLIND_INDEX_KEY", "CUSTODIAN_LOG_SIGNING_KEYS"):
        env[missing] = "/nonexistent/key"
    else:
        del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and missing in result.stderr


def test_development_defaults_need_nothing_set(tmp_path):
    result = manage("check", env={"CUSTODIAN_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_named():
    os.environ["CUSTODIAN_TEST_FLAG"] = "maybe"
    try:
        with pytest.raises(Exception, match="CUSTODIAN_TEST_FLAG='maybe' is not a boolean"):
            env_bool("CUSTODIAN_TEST_FLAG", False)
    finally:
        del os.environ["CUSTODIAN_TEST_FLAG"]


def test_passwords_are_hashed_with_argon2_in_production():
    module = importlib.import_module("custodian.settings")
    assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
