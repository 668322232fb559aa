"""Only non-identifying facts are kept: masked addresses, referrer host, path without query, browser/OS
family; X-Forwarded-For is believed only from trusted proxies; bots are flagged; no cookie is set."""

import logging

import pytest

from custodian.analytics.capture import agent, clean_path, client_ip, mask_ip, referrer_host
from custodian.analytics.models import PageView
from custodian.analytics.recorder import RECORDER

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.mark.parametrize(
    "address, masked",
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not an address", ""),
    ],
)
def test_addresses_are_masked(address, masked):
    assert mask_ip(address) == masked


@pytest.mark.parametrize(
    "path, kept",
    [
        ("/contact/?email=alice@example.com&token=abc", "/contact/"),
        ("/", "/"),
        ("/services/#rates", "/services/"),
    ],
)
def test_query_strings_never_survive(path, kept):
    assert clean_path(path) == kept


@pytest.mark.parametrize(
    "referrer, host",
    [
        ("https://www.google.com/search?q=alice+anderson+owatonna", "www.google.com"),
        ("https://mail.example.org/inbox?user=alice@example.org", "mail.example.org"),
        ("https://testserver/privacy/", ""),  # same site
        ("not a url", ""),
        ("", ""),
    ],
)
def test_only_the_referring_host_is_kept(referrer, host):
    assert referrer_host(referrer, {"testserver"}) == host


def test_forwarded_for_is_ignored_from_untrusted_peers(settings):
    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    spoofed = {"REMOTE_ADDR": "198.51.100.20", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert client_ip(spoofed) == "198.51.100.20"


def test_forwarded_for_is_walked_from_the_right_through_trusted_proxies(settings):
    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client forged the left-most entry; the proxies appended the real hops on the right.
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.0.0.9"}
    assert client_ip(meta) == "203.0.113.5"
    garbled = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5, not-an-ip"}
    assert client_ip(garbled) is None


def test_browsers_devices_and_bots():
    assert agent(CHROME) == agent(CHROME)
    chrome, iphone, bot = agent(CHROME), agent(IPHONE), agent(GOOGLEBOT)
    assert (chrome.browser, chrome.browser_major, chrome.os, chrome.device, chrome.is_bot) == (
        "Chrome",
        "131",
        "Windows",
        "desktop",
        False,
    )
    assert (iphone.os, iphone.device) == ("iOS", "mobile")
    assert bot.is_bot and bot.device == "bot"
    assert agent("").is_bot


@pytest.fixture
def synchronous():
    RECORDER.synchronous = True  # the suite's default (conftest); named here for the reader


@pytest.fixture
def batched():
    RECORDER.synchronous = False
    yield
    RECORDER.flush()
    RECORDER.synchronous = True


def test_a_page_view_is_counted_without_a_cookie_or_the_raw_address(client, db, synchronous, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.get(
        "/?email=alice@example.com",
        HTTP_USER_AGENT=CHROME,
        REMOTE_ADDR="203.0.113.77",
        HTTP_REFERER="https://www.google.com/search?q=alice",
    )
    assert response.status_code == 200 and not response.cookies
    view = PageView.objects.get()
    assert (view.path, view.ip_prefix, view.referrer_host, view.browser) == (
        "/",
        "203.0.113.0/24",
        "www.google.com",
        "Chrome",
    )
    stored = " ".join(str(v) for v in PageView.objects.values_list().get())
    assert "203.0.113.77" not in stored and "alice" not in stored
    assert "203.0.113.77" not in caplog.text


def test_staff_and_api_pages_are_not_counted(client, db, synchronous):
    client.get("/staff/login/")
    client.get("/api/v1/docs")
    assert not PageView.objects.exists()


def test_batched_writes_reach_the_database_on_flush(client, db, batched):
    client.get("/", HTTP_USER_AGENT=CHROME)
    client.get("/privacy/", HTTP_USER_AGENT=IPHONE)
    assert RECORDER.flush() == 2
    assert PageView.objects.count() == 2


def test_old_page_views_are_purged(db, synchronous):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    PageView.objects.create(
        at=timezone.now() - timedelta(days=400),
        path="/",
        browser="Chrome",
        os="Windows",
        device="desktop",
        ip_prefix="203.0.113.0/24",
    )
    PageView.objects.create(
        at=timezone.now(),
        path="/",
        browser="Chrome",
        os="Windows",
        device="desktop",
        ip_prefix="203.0.113.0/24",
    )
    call_command("analytics_purge")
    assert PageView.objects.count() == 1


def test_the_access_log_records_the_client_behind_a_trusted_proxy(db, settings, billing_clerk, customer):
    from custodian.api.services import api_token_create
    from custodian.audit.models import AccessEvent

    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    raw = api_token_create(name="t", user=billing_clerk)[1]
    from django.test import Client

    Client().post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.44",
    )
    assert AccessEvent.objects.get().client_ip == "198.51.100.44"
