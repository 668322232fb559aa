"""Unique visitors without a cookie: a code that is the same for one visitor on one local day, from a key
destroyed at midnight that is never written where backups reach (shared through Redis when it is
configured, in each process's memory otherwise); campaign tags kept apart from the path, and only when they
can't name a person."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from custodian.analytics import visitors
from custodian.analytics.models import PageView
from custodian.analytics.visitors import campaign_tags, forget_salts, visitor_code

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture(autouse=True)
def _new_day_for_each_test(db):
    forget_salts()
    yield
    forget_salts()


def visit(path="/", address="203.0.113.77", agent=CHROME):
    Client().get(path, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    return PageView.objects.order_by("-id").first()


def test_one_visitor_is_one_code_for_the_day_and_another_browser_is_another():
    first, again = visit("/"), visit("/privacy/")
    other_browser, other_address = visit("/", agent=FIREFOX), visit("/", address="198.51.100.9")
    assert len(first.visitor) == 16 and first.visitor == again.visitor
    assert len({first.visitor, other_browser.visitor, other_address.visitor}) == 3
    # The same /24 is kept for two addresses of one network, but they are two visitors.
    neighbour = visit("/", address="203.0.113.78")
    assert neighbour.ip_prefix == first.ip_prefix and neighbour.visitor != first.visitor


def test_the_code_cannot_be_recomputed_from_the_address_without_the_days_key():
    code = visit().visitor
    for guess in ("", "testserver"):
        unkeyed = hashlib.blake2b(f"{guess}\n203.0.113.77\n{CHROME}".encode(), digest_size=8).hexdigest()
        assert unkeyed != code
    assert "203.0.113.77" not in code and code not in PageView.objects.values_list("ip_prefix", flat=True)


def test_the_next_day_the_same_visitor_has_another_code():
    now = timezone.localtime()
    kwargs = {"site": "testserver", "client_address": "203.0.113.77", "user_agent": CHROME}
    today = visitor_code(**kwargs, now=now)
    assert visitor_code(**kwargs, now=now) == today
    assert visitor_code(**kwargs, now=now + timedelta(days=1)) != today
    # Tomorrow's key replaced today's in this process: today's codes can't be made again.
    assert visitor_code(**kwargs, now=now) != today


def test_without_redis_the_days_key_is_kept_in_memory_only_never_in_the_database(settings):
    settings.CUSTODIAN_COUNTERS = "database"
    visitor_code(site="testserver", client_address="203.0.113.77", user_agent=CHROME)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM custodian_cache")
        assert not [key for (key,) in cursor.fetchall() if "visitor-salt" in key]


def test_with_redis_every_process_counts_with_the_same_key_and_earlier_keys_are_deleted(settings):
    settings.CUSTODIAN_COUNTERS = "redis"  # the tests' cache stands in for Redis
    now = timezone.localtime()
    kwargs = {"site": "testserver", "client_address": "203.0.113.77", "user_agent": CHROME}
    visitor_code(**kwargs, now=now - timedelta(days=1))
    yesterday_key = visitors._SALT_KEY.format(day=(now - timedelta(days=1)).date().isoformat())
    assert cache.get(yesterday_key) is not None
    visitors._salts.clear()  # a process started today: it holds no earlier key, and deletes them by name
    code = visitor_code(**kwargs, now=now)
    assert cache.get(yesterday_key) is None
    visitors._salts.clear()  # another process: the key comes from the shared cache
    assert visitor_code(**kwargs, now=now) == code


@pytest.mark.parametrize(
    "now, hours",
    [
        (datetime(2026, 11, 1, 0, 30), 24.5),  # the clocks go back at 2:00
        (datetime(2026, 3, 8, 0, 30), 22.5),  # the clocks go forward at 2:00
        (datetime(2026, 11, 27, 23, 59), 1 / 60),
    ],
)
def test_the_shared_key_expires_at_local_midnight_in_elapsed_time(now, hours):
    local = now.replace(tzinfo=ZoneInfo("America/Chicago"))
    assert visitors._seconds_to_midnight(local) == round(hours * 3600)


def test_campaign_tags_are_kept_apart_from_the_path():
    view = visit("/?utm_source=Newsletter&utm_medium=email&utm_campaign=fall-2026&id=42")
    assert view.path == "/"
    assert (view.utm_source, view.utm_medium, view.utm_campaign) == ("newsletter", "email", "fall-2026")


@pytest.mark.parametrize(
    "value",
    [
        "someone@example.com",
        "a b",
        "x" * 61,
        "token=abc",
        "<script>",
        "café",
        "+1-507-451-2480",
        "5074512480",
        "acct-000123456-tok-9f8a7c6b5d4e3f2a1b0c",
    ],
)
def test_a_tag_that_could_name_a_person_is_dropped(value):
    assert campaign_tags({"utm_source": value, "utm_campaign": "spring"}) == {
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "spring",
    }


@pytest.mark.parametrize("value", ["fall-2026", "newsletter_2026_11", "cold-weather-rule", "bill-insert"])
def test_a_campaigns_name_is_kept(value):
    assert campaign_tags({"utm_campaign": value})["utm_campaign"] == value
