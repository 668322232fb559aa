"""Unique visitors without a cookie: a code that is the same for one visitor on one local day, from a key
that every server process shares and that is destroyed at midnight; campaign tags kept apart from the path,
and only when they look like tags."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from custodian.analytics import visitors
from custodian.analytics.models import PageView
from custodian.analytics.visitors import campaign_tags, daily_salt, forget_salts, visitor_code

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


def test_the_next_day_the_same_visitor_has_another_code_and_yesterdays_key_is_gone():
    now = timezone.localtime()
    tomorrow = now + timedelta(days=1)
    today_key = visitors._SALT_KEY.format(day=now.date().isoformat())
    kwargs = {"site": "testserver", "client_address": "203.0.113.77", "user_agent": CHROME}
    today = visitor_code(**kwargs, now=now)
    assert cache.get(today_key) is not None
    assert visitor_code(**kwargs, now=now) == today
    assert visitor_code(**kwargs, now=tomorrow) != today
    # Tomorrow's key replaced today's, in the shared cache and in this process: today's codes can't be made
    # again, so tomorrow's visitor can't be linked to today's.
    assert cache.get(today_key) is None
    assert visitor_code(**kwargs, now=now) != today


def test_every_server_process_counts_with_the_same_key():
    kwargs = {"site": "testserver", "client_address": "203.0.113.77", "user_agent": CHROME}
    code = visitor_code(**kwargs)
    salt = daily_salt()
    visitors._salts.clear()  # another process: nothing in its memory, the key comes from the shared cache
    assert daily_salt() == salt and visitor_code(**kwargs) == code


def test_the_key_lasts_until_midnight_only():
    now = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)
    assert visitors._seconds_to_midnight(now) == 60


def test_campaign_tags_are_kept_apart_from_the_path():
    view = visit("/?utm_source=Newsletter&utm_medium=email&utm_campaign=fall-2026&id=42")
    assert view.path == "/"
    assert (view.utm_source, view.utm_medium, view.utm_campaign) == ("newsletter", "email", "fall-2026")


@pytest.mark.parametrize(
    "value",
    ["someone@example.com", "a b", "x" * 61, "token=abc", "<script>", "café"],
)
def test_a_tag_that_is_not_shaped_like_one_is_dropped(value):
    assert campaign_tags({"utm_source": value, "utm_campaign": "spring"}) == {
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "spring",
    }
