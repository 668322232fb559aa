"""Only non-identifying facts are kept: masked addresses, path without query, browser/OS family; no cookie is
set. (Referrers: test_referrers.py; devices and bots: test_devices.py; the client address behind proxies:
custodian/tests/test_client_address.py.)"""

import importlib
import ipaddress
import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodian.analytics.capture import agent, clean_path
from custodian.analytics.models import PageView
from custodian.analytics.recorder import RECORDER
from custodian.api.services import api_token_create
from custodian.audit.models import AccessEvent

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def stored_prefix(remote_addr: str) -> str:
    Client().get("/", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=remote_addr)
    return PageView.objects.order_by("-id").values_list("ip_prefix", flat=True).first()


@pytest.mark.parametrize(
    "address, masked",
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),  # IPv4-mapped
        ("::cb00:714d", "203.0.113.0/24"),  # IPv4-compatible (deprecated)
        ("2002:cb00:714d::1", "203.0.113.0/24"),  # 6to4: the /48 is the whole IPv4 address
        ("2002:cb00:714d:9:a:b:c:d", "203.0.113.0/24"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.0/24"),  # Teredo: the client's IPv4, obfuscated
        ("64:ff9b::cb00:714d", "203.0.113.0/24"),  # NAT64 well-known prefix
        ("fe80::1%eth0", "fe80::/48"),  # a zone never reaches the stored text
    ],
)
def test_addresses_are_masked_even_when_an_ipv4_address_rides_inside_ipv6(db, synchronous, address, masked):
    assert stored_prefix(address) == masked


def _embeddings(v4: ipaddress.IPv4Address) -> list[str]:
    n = int(v4)
    return [
        str(v4),
        f"::ffff:{v4}",
        str(ipaddress.IPv6Address(n)) if n > 1 else str(v4),
        str(ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 0xABCD)),
        str(
            ipaddress.IPv6Address((0x20010000 << 96) | (0x4136E378 << 64) | (0x8000 << 48) | (n ^ 0xFFFFFFFF))
        ),
        str(ipaddress.IPv6Address((0x64FF9B << 96) | n)),
    ]


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(v4=st.ip_addresses(v=4), v6=st.ip_addresses(v=6))
def test_no_stored_address_is_unmasked(synchronous, v4, v6):
    """Whatever the peer, the stored prefix is a /24 or /48 network; an IPv4 address carried inside IPv6 is
    stored as that IPv4 address's /24, never more of it."""
    expected = ipaddress.ip_network(f"{v4}/24", strict=False)
    for address in _embeddings(v4):
        assert ipaddress.ip_network(stored_prefix(address)) == expected, address
    stored = ipaddress.ip_network(stored_prefix(str(v6)))
    assert stored.prefixlen in (24, 48)
    if stored.version == 6:
        assert int(stored.network_address) & ((1 << 80) - 1) == 0 and v6 in stored
        assert not (v6.sixtofour or v6.teredo or v6.ipv4_mapped)


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
    assert (iphone.os, iphone.device) == ("iOS", "phone")
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


@pytest.mark.parametrize("prefix", ["", "/opu", "/utility/custodian"])
def test_only_public_pages_are_counted_under_any_script_name(db, synchronous, prefix):
    """Deployed under a prefix (SCRIPT_NAME), the console, portal and API are still not counted, and public
    pages are counted under their path inside the site."""
    client = Client(SCRIPT_NAME=prefix, HTTP_USER_AGENT=CHROME)
    for path in (
        "/staff/login/",
        "/portal/login/",
        "/portal/enrol/",
        "/api/v1/docs",
        "/.well-known/gpc.json",
    ):
        client.get(path)
    assert not PageView.objects.exists()
    assert client.get("/services/").status_code == 200
    assert PageView.objects.get().path == "/services/"


def test_batched_writes_reach_the_database_on_flush(client, db, batched):
    client.get("/", HTTP_USER_AGENT=CHROME)
    client.get("/privacy/", HTTP_USER_AGENT=IPHONE)
    assert RECORDER.flush() == 2
    assert PageView.objects.count() == 2


def test_old_page_views_are_purged(db, synchronous):
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
    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    raw = api_token_create(name="t", user=billing_clerk)[1]

    Client().post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.44",
    )
    assert AccessEvent.objects.get(action="reveal").client_ip == "198.51.100.44"


def test_views_stored_before_the_stricter_rules_are_reduced(db, settings):
    """The data migration empties referrer "hosts" that are addresses or private names, re-masks 6to4 prefixes
    (whose /48 is a whole IPv4 address) and renames the old "mobile" class."""

    settings.ALLOWED_HOSTS = [".owatonna-utilities.org"]
    rows = [
        ("203.0.113.77", "2002:cb00:714d::/48", "mobile"),
        ("intranet", "198.51.100.0/24", "desktop"),
        ("www.owatonna-utilities.org", "198.51.100.0/24", "desktop"),
        ("www.google.com", "2001:db8:abcd::/48", "tablet"),
    ]
    for host, prefix, device in rows:
        PageView.objects.create(
            at=timezone.now(),
            path="/",
            browser="Chrome",
            os="Android",
            device=device,
            ip_prefix=prefix,
            referrer_host=host,
        )
    migration = importlib.import_module("custodian.analytics.migrations.0002_reduce_stored_views")
    migration.reduce_stored_views(apps, None)
    assert list(PageView.objects.order_by("id").values_list("referrer_host", "ip_prefix", "device")) == [
        ("", "203.0.113.0/24", "phone"),
        ("", "198.51.100.0/24", "desktop"),
        ("", "198.51.100.0/24", "desktop"),
        ("www.google.com", "2001:db8:abcd::/48", "tablet"),
    ]
