"""Shared fixtures: the named people of the tests, built through the same services the app uses."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from custodian.analytics.recorder import RECORDER
from custodian.audit.events import close_detached, settle_detached
from custodian.casework.choices import Verification
from custodian.casework.services import request_open
from custodian.customers.services import Application, customer_enrol
from custodian.demo.personas import STAFF_PERSONAS
from custodian.staff.mfa import totp_device_set
from custodian.testing import TEST_ROUTING, persona, vendor_with_determination
from custodian.vault import sealing
from custodian.vault.gate import customer_actor, staff_actor
from custodian.vault.services import Submission
from custodian.web.counters import backend, counters_clear

# The test helpers' fixtures (a household on the portal, billed customers on automatic payment, the
# mailing house and the bank, the canary customer, a production environment) serve every app's tests.
pytest_plugins = [
    "custodian.testing.portal",
    "custodian.testing.billing",
    "custodian.testing.canary_scenario",
    "custodian.testing.production",
]

# Property tests run each example against the database and real cryptography: on a loaded machine (or
# PostgreSQL under other suites' load) one example can take far longer than Hypothesis's default 200 ms
# deadline, which then fails the test although nothing is wrong. No deadline, and no "too slow" health
# check; a test's own @settings still sets its number of examples. HYPOTHESIS_PROFILE picks another.
hypothesis_settings.register_profile("custodian", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "custodian"))


@pytest.fixture(scope="session", autouse=True)
def _test_keys(tmp_path_factory):
    """Fresh key files for the test run: never the developer's var/keys."""
    _flush_past_the_append_only_triggers()
    keys = tmp_path_factory.mktemp("keys")
    settings.VAR_DIR = tmp_path_factory.mktemp("var")  # export files and the like, never the developer's var/
    settings.CUSTODIAN_MASTER_KEYRING = keys / "master-keyring.json"
    settings.CUSTODIAN_BLIND_INDEX_KEY = keys / "blind-index.key"
    settings.CUSTODIAN_LOG_SIGNING_KEYS = keys / "log-signing-keys.json"
    settings.CUSTODIAN_CREATE_MISSING_KEYS = True
    sealing.KEYS.reset()
    # Background tasks run where they are queued (one test runs the database queue with its worker).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)
    # Page views are written at once in tests (no background writer racing the test's transaction).
    RECORDER.synchronous = True
    # Argon2 is the hasher in production (test_settings checks it); tests hash faster.
    production_hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    settings.PASSWORD_HASHERS = production_hashers
    sealing.KEYS.reset()


def _flush_past_the_append_only_triggers():
    """Transactional tests empty every table after they run; the records' triggers refuse that (TRUNCATE on
    PostgreSQL, DELETE on SQLite). In tests only, the flush runs with the triggers off."""

    operations = type(connections["default"].ops)
    flush = operations.sql_flush
    vendor = connections["default"].vendor

    def sql_flush(self, style, tables, **kwargs):
        sql = flush(self, style, tables, **kwargs)
        if not sql:
            return sql
        if vendor == "postgresql":
            return ["SET session_replication_role = replica", *sql, "SET session_replication_role = DEFAULT"]
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
        return [*(f"DROP TRIGGER {name}" for name, _ in triggers), *sql, *(ddl for _, ddl in triggers)]

    operations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def _settle_access_log():
    """Denials written on a connection of their own (SQLite) land before the next test starts."""
    yield

    settle_detached()
    close_detached()  # the test database can't be dropped while it is open


@pytest.fixture(autouse=True)
def _interval_store(tmp_path, settings):
    """Each test gets an empty interval store (Parquet files are outside the test's transaction)."""
    settings.CUSTODIAN_INTERVAL_DIR = tmp_path / "intervals"
    # Signed heads are published to files: each test's log starts empty, so do its published heads.
    settings.CUSTODIAN_TRANSPARENCY_DIR = tmp_path / "transparency"


def _staff(username):
    # The same account when a shared set-up made the persona first (a vendor determination's second person).
    return persona(username)


def _persona(username: str, description: str):
    @pytest.fixture
    def fixture(db):
        return _staff(username)

    fixture.__doc__ = description
    return fixture


service_rep = _persona("cora.service", "a customer-service representative")
billing_clerk = _persona("bill.clerk", "a billing clerk")
collections_agent = _persona("colin.collections", "a collections agent")
field_tech = _persona("fiona.field", "a field-services technician")
marketer = _persona("mark.marketer", "a marketer")
web_editor = _persona("wendy.web", "the web editor")
dba = _persona("ivan.it", "a database administrator")
privacy_officer = _persona("priya.privacy", "the privacy officer")
counsel = _persona("lena.legal", "the utility's counsel")


@pytest.fixture
def all_staff(db):
    """Every staff persona, keyed by support service."""
    return {p.services[0]: _staff(p.username) for p in STAFF_PERSONAS}


def application_for(name, email, phone, account, **extra) -> Application:
    return Application(
        customer_class="residential",
        premise_type="single_family",
        size_sqft=1600,
        heating_fuel="gas",
        zip_code="55060",
        feeder="F01",
        services=["electric", "gas", "water"],
        personal={
            "name": name,
            "email": email,
            "phone": phone,
            "account_number": account,
            "service_address": "115 Elm Street, Owatonna, MN 55060",
            "mailing_address": "115 Elm Street, Owatonna, MN 55060",
            "bank_account": f"routing {TEST_ROUTING} account 123456789",
            "meter_usage": '{"electric":{"unit":"kWh","months":[]}}',
            **extra,
        },
    )


PAPER_FORM = Submission(channel="paper", notice_key="account_application", recorded_by_label="front desk")


@pytest.fixture
def customer(db):
    """Alice Anderson, a residential customer."""
    return customer_enrol(
        application=application_for("Alice Anderson", "Alice@Example.com", "(507) 555-0101", "0010000001"),
        submission=PAPER_FORM,
    )


@pytest.fixture
def other_customer(db):
    """Bob Brandt, another residential customer."""
    return customer_enrol(
        application=application_for("Bob Brandt", "bob@example.net", "507-555-0202", "0010000002"),
        submission=PAPER_FORM,
    )


@pytest.fixture
def open_request():
    """Open a request of `customer` owned by `service` (a phone call); `verified`: the caller gave the account
    number and the last bill's amount, as a challenge of one's data is verified before it is corrected;
    `photo_id`: the customer came to the counter and showed photo ID instead, the proof a correction of the
    e-mail address or the mailing address on file needs (`custodian.casework.identity.PROVES_A_CHANNEL`)."""

    def make(customer, service, kind="other", *, verified=False, photo_id=False):
        if photo_id:
            return request_open(
                customer=customer,
                kind=kind,
                channel="in_person",
                owning_service=service,
                verification=Verification.PHOTO_ID,
                verified_with="drivers_license",
            )
        proof = (
            {"verification": Verification.ACCOUNT_AND_FACT, "verified_with": "last_bill"} if verified else {}
        )
        return request_open(customer=customer, kind=kind, channel="phone", owning_service=service, **proof)

    return make


@pytest.fixture
def as_staff():
    return staff_actor


@pytest.fixture
def as_customer():
    return lambda c: customer_actor(c.pk, "the customer")


@pytest.fixture
def console():
    """A browser signed in to the staff console as `user`, second factor verified."""

    def sign_in(user):
        device = totp_device_set(user=user)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session["reauth_at"] = 0
        session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state start empty in every test: counts in the database go with the
    test's transaction; a Redis cache (REDIS_URL set) is emptied."""

    if backend() == "redis":
        counters_clear()
    yield


@pytest.fixture
def card_processor(privacy_officer):
    """The payment processor: a vendor of the `payment_processing` function with a current determination."""
    vendor, _ = vendor_with_determination(
        function="payment_processing",
        officer=privacy_officer,
        name="Prairie Card Payments",
        days=365,
        contact="ops@payments.example",
        rationale="Card payments on a hosted page let customers pay at any hour without a trip to the "
        "office.",
    )
    return vendor


@pytest.fixture
def api_client_job(settings, tmp_path):
    """The policy file with the billing run marked as a job that reads through the API (`api_client`): no
    job of the shipped policy does, but a utility's file may declare one. Returns the job's key."""

    source = Path(settings.CUSTODIAN_POLICY_FILE)
    text = source.read_text().replace(
        "[system_jobs.billing_run]\n", "[system_jobs.billing_run]\napi_client = true\n"
    )
    shutil.copy(source.parent / "owatonna-policy.txt", tmp_path / "owatonna-policy.txt")
    (tmp_path / "owatonna.toml").write_text(text)
    settings.CUSTODIAN_POLICY_FILE = tmp_path / "owatonna.toml"
    return "billing_run"


@pytest.fixture
def log_keys(settings, tmp_path):
    """A log key file and a transparency directory of the test's own."""
    settings.CUSTODIAN_LOG_SIGNING_KEYS = tmp_path / "keys" / "log-signing-keys.json"
    settings.CUSTODIAN_TRANSPARENCY_DIR = tmp_path / "transparency"
    return tmp_path
