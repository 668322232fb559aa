"""Rate limits are counted once for the whole site: every server process adds to the same counter (in the
database, or in Redis when REDIS_URL is set), and a restart forgets nothing. Failed sign-ins and lockouts are
counted by django-axes in the database already (test_lockout)."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from custodian.testing.servers import free_port, site_migrated
from custodian.web.counters import count_attempt, counters_clear
from custodian.web.models import RateCount
from custodian.web.protection import over_limit

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_reachable(), reason=f"no Redis server at {REDIS_URL}")


def test_the_database_counts_each_attempt_and_starts_again_when_the_window_is_over(db):
    assert [count_attempt("rate:t:a", 60) for _ in range(3)] == [1, 2, 3]
    assert count_attempt("rate:t:b", 60) == 1  # another counter
    # A window of 0 seconds is over at once: the next attempt opens a new window.
    assert [count_attempt("rate:t:c", 0) for _ in range(2)] == [1, 1]
    stored = set(RateCount.objects.values_list("key", flat=True))
    assert {"rate:t:a", "rate:t:b"} <= stored
    assert not any("198.51.100" in k for k in stored)


def test_a_counter_holds_a_keyed_hash_never_the_address_or_account(db):
    assert not over_limit(scope="contact", subject="198.51.100.7", limit=2, window_seconds=60)
    assert not over_limit(scope="contact", subject="198.51.100.7", limit=2, window_seconds=60)
    assert over_limit(scope="contact", subject="198.51.100.7", limit=2, window_seconds=60)
    (key,) = RateCount.objects.values_list("key", flat=True)
    assert key.startswith("rate:contact:") and "198.51.100.7" not in key


@needs_redis
def test_with_redis_configured_the_counts_are_in_redis_and_clearing_leaves_other_keys(db):
    prefix = f"custodian-test-{secrets.token_hex(4)}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache, CUSTODIAN_COUNTERS="redis"):
        cache = caches["default"]
        try:
            cache.set("unrelated", "kept", 60)
            assert [count_attempt("rate:t:r", 60) for _ in range(3)] == [1, 2, 3]
            assert not RateCount.objects.exists()
            counters_clear()
            assert count_attempt("rate:t:r", 60) == 1
            assert cache.get("unrelated") == "kept"
        finally:
            counters_clear()
            cache.delete("unrelated")
            cache.close()


# --- two real server processes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated SQLite site of its own in a temporary directory, for servers started as subprocesses."""
    var = tmp_path_factory.mktemp("site")
    return site_migrated(
        var,
        leave_out=("DATABASE_URL", "REDIS_URL"),
        timeout=300,
        SECRET_KEY=secrets.token_urlsafe(48),  # the counters' keys differ from any other run's
        CUSTODIAN_CONTACT_RATE_LIMIT="3",
        CUSTODIAN_ANALYTICS_ENABLED="0",
        LOG_LEVEL="ERROR",
    )


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/contact/", timeout=5).read()  # noqa: S310
                return
            except OSError:
                assert self.process.poll() is None, "the server stopped while starting"
                time.sleep(0.3)
        self.stop()
        raise AssertionError("the server did not answer within 60 s")

    def post_contact(self) -> int:
        """A well-formed contact form that only a bot sends (the hidden field filled in): it is counted, then
        answered as if received and nothing is kept. A form refused as incomplete is not counted."""
        origin = f"http://127.0.0.1:{self.port}"
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{origin}/contact/",
            data=b"topic=other&message=Hello&website=http%3A%2F%2Fspam.example",
            headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=needs_redis)])
def test_two_server_processes_share_one_limit_and_a_restart_keeps_it(site, store):
    env = dict(site)
    if store == "redis":
        env["REDIS_URL"] = REDIS_URL
        env["CUSTODIAN_CACHE_PREFIX"] = f"custodian-test-{secrets.token_hex(4)}"
    env["SECRET_KEY"] = secrets.token_urlsafe(48)  # a fresh set of counters for each store
    first, second = Server(env), Server(env)
    try:
        # The limit is 3 messages per address: alternate between the processes.
        codes = [first.post_contact(), second.post_contact(), first.post_contact(), second.post_contact()]
        assert codes == [200, 200, 200, 429]
        assert first.post_contact() == 429
    finally:
        first.stop()
        second.stop()
    restarted = Server(env)
    try:
        assert restarted.post_contact() == 429
    finally:
        restarted.stop()
