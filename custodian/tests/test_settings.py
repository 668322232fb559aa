"""Settings come from the environment; production refuses to start without its secrets and keys, and
passes Django's deployment checks."""

import importlib
import os

import pytest

from custodian.env import env_bool
from custodian.testing.production import manage


def test_check_deploy_passes_under_production_settings_warning_of_what_needs_attention(production_env):
    """Django's deployment checks pass; what works but needs staff (no card processor, retention items the
    records officer has not confirmed) is a warning naming it (custodian.operations.advisories)."""
    result = manage("check", "--deploy", "--fail-level", "ERROR", env=production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    warned = result.stdout + result.stderr
    assert "custodian.W001" in warned and "CUSTODIAN_PAYMENT_PROCESSOR" in warned
    assert "custodian.W002" in warned and "closed_accounts" in warned
    assert "security." not in warned  # none of Django's own deployment warnings


def test_the_simulated_processor_runs_with_debug_off_only_as_a_demonstration(production_env):
    refused = manage("check", env={**production_env, "CUSTODIAN_PAYMENT_PROCESSOR": "simulated"})
    assert refused.returncode != 0 and "CUSTODIAN_DEMO=1" in refused.stderr
    unknown = manage("check", env={**production_env, "CUSTODIAN_PAYMENT_PROCESSOR": "acme"})
    assert unknown.returncode != 0 and "CUSTODIAN_PAYMENT_PROCESSOR='acme'" in unknown.stderr
    demo = {**production_env, "CUSTODIAN_PAYMENT_PROCESSOR": "simulated", "CUSTODIAN_DEMO": "1"}
    result = manage("check", "--deploy", "--fail-level", "ERROR", env=demo)
    assert result.returncode == 0 and "no real payment is taken" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CUSTODIAN_MASTER_KEYRING",
        "CUSTODIAN_BLIND_INDEX_KEY",
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


def test_the_webhook_secret_is_required_once_a_processor_is_configured(production_env):
    """Without a processor no webhook is taken (payments.processor.verify), so production starts without its
    secret; with one, it refuses to start until the processor's real secret is set."""
    env = dict(production_env)
    del env["CUSTODIAN_PAYMENT_WEBHOOK_SECRET"]
    assert manage("check", env=env).returncode == 0
    demo = {**env, "CUSTODIAN_PAYMENT_PROCESSOR": "simulated", "CUSTODIAN_DEMO": "1"}
    result = manage("check", env=demo)
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and "CUSTODIAN_PAYMENT_WEBHOOK_SECRET" in result.stderr


HSTS = "from django.conf import settings as s; print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"


def test_hsts_subdomains_and_preload_come_from_the_environment(production_env):
    """A utility whose other subdomains are not all HTTPS turns the subdomains off; preloading the domain is
    the domain owner's step, taken by setting it (docs/operations.md)."""
    defaults = manage("shell", "-c", HSTS, env=production_env)
    assert defaults.returncode == 0 and defaults.stdout.split()[-2:] == ["True", "False"], defaults.stderr
    chosen = {**production_env, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0", "SECURE_HSTS_PRELOAD": "1"}
    result = manage("shell", "-c", HSTS, env=chosen)
    assert result.returncode == 0 and result.stdout.split()[-2:] == ["False", "True"], result.stderr
    malformed = manage("check", env={**production_env, "SECURE_HSTS_PRELOAD": "sometimes"})
    assert (
        malformed.returncode != 0 and "SECURE_HSTS_PRELOAD='sometimes' is not a boolean" in malformed.stderr
    )


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
