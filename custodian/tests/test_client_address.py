"""One client address for the whole project (custodian.netaddr.client_ip): the access log, the contact form's
rate limit, the staff lockout (django-axes) and the web statistics see the same address; forwarding headers
count only from trusted proxies, read from the right; the proxy setting is checked at start-up."""

import ipaddress
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodian.analytics.capture import mask_ip
from custodian.analytics.models import PageView
from custodian.api.services import api_token_create
from custodian.audit.models import AccessEvent
from custodian.netaddr import rate_subject
from custodian.testing.production import manage

PROXY = "10.0.0.0/8"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537"
)


@pytest.fixture
def behind_a_proxy(settings):
    settings.CUSTODIAN_TRUSTED_PROXIES = [PROXY, "2001:db8:ffff::/48"]
    settings.CUSTODIAN_PROXY_HEADER = "auto"


@pytest.fixture
def reveal(db, billing_clerk, customer):
    """The client address the access log records for one API reveal with these request headers."""

    raw = api_token_create(name="t", user=billing_clerk)[1]

    def reveal(**headers) -> str:
        Client().post(
            f"/api/v1/customers/{customer.pk}/reveal",
            {"fields": ["name"], "purpose": "billing"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            **headers,
        )
        return AccessEvent.objects.order_by("-seq").first().client_ip

    return reveal


# --- start-up -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["10.0.0.1-10.0.0.9", "10.0.0.0/33", "proxy.internal", "10.0.0.0/8 10.1.0.0/16"]
)
def test_a_bad_trusted_proxy_entry_stops_the_app_at_start_up_naming_it(tmp_path, bad):
    result = manage(
        "check", env={"CUSTODIAN_VAR_DIR": str(tmp_path), "CUSTODIAN_TRUSTED_PROXIES": f"192.0.2.1,{bad}"}
    )
    assert result.returncode != 0
    assert "CUSTODIAN_TRUSTED_PROXIES" in result.stderr and repr(bad) in result.stderr


def test_good_trusted_proxy_entries_start(tmp_path):
    entries = "10.0.0.0/8, 192.0.2.7, 2001:db8::/32, [2001:db8::1], ::ffff:172.16.0.0/108"
    result = manage("check", env={"CUSTODIAN_VAR_DIR": str(tmp_path), "CUSTODIAN_TRUSTED_PROXIES": entries})
    assert result.returncode == 0, result.stderr


def test_an_unknown_proxy_header_stops_the_app(tmp_path):
    result = manage("check", env={"CUSTODIAN_VAR_DIR": str(tmp_path), "CUSTODIAN_PROXY_HEADER": "X-Real-IP"})
    assert result.returncode != 0 and "CUSTODIAN_PROXY_HEADER" in result.stderr


# --- one function, every caller ------------------------------------------------------------------------


def test_only_netaddr_reads_the_peer_and_the_forwarding_headers():
    """Every caller asks custodian.netaddr.client_ip; nothing else reads REMOTE_ADDR or forwarding headers."""
    root = Path(django_settings.BASE_DIR) / "custodian"
    pattern = re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For|HTTP_FORWARDED|\bipware\b")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {"tests", "testing"} & set(path.parts)  # the tests and their helpers
        and path.name != "netaddr.py"
        and pattern.search(path.read_text())
    ]
    assert offenders == []
    # django-axes asks the lockout module, which asks client_ip (and masks a customer's address).
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "custodian.staff.lockout.stored_address"
    lockout = (root / "staff" / "lockout.py").read_text()
    assert "client_ip(request)" in lockout


def test_the_access_log_rate_limit_lockout_and_statistics_see_one_address(
    behind_a_proxy, reveal, billing_clerk, settings
):
    headers = {"REMOTE_ADDR": "::ffff:10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.44:50123"}
    assert reveal(**headers) == "198.51.100.44"

    Client().post("/staff/login/", {"username": "bill.clerk", "password": "wrong"}, **headers)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.44"

    Client().get("/", HTTP_USER_AGENT=CHROME, **headers)
    assert PageView.objects.get().ip_prefix == "198.51.100.0/24"

    settings.CUSTODIAN_CONTACT_RATE_LIMIT = 1
    cache.clear()
    form = {"topic": "billing_question", "message": "Why?", "name": "Dana Moe", "email": "d@example.com"}

    def contact(client_address):
        return (
            Client()
            .post(
                "/contact/",
                {**form, "phone": "", "account_number": ""},
                HTTP_ORIGIN="http://testserver",
                REMOTE_ADDR="::ffff:10.0.0.2",
                HTTP_X_FORWARDED_FOR=client_address,
            )
            .status_code
        )

    # Two visitors behind the same proxy have their own limits; one visitor is limited.
    assert [contact("198.51.100.1"), contact("198.51.100.2"), contact("198.51.100.1")] == [200, 200, 429]


# --- X-Forwarded-For -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "peer, forwarded_for, client",
    [
        ("198.51.100.20", "1.2.3.4", "198.51.100.20"),  # not from a proxy: the header is the client's own
        ("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # forged left part ignored
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),  # the proxy seen through a dual-stack socket
        ("10.0.0.2", "1.2.3.4:5678", "1.2.3.4"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
        ("10.0.0.2", "::ffff:203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5 , , 10.0.0.9", "203.0.113.5"),
        ("10.0.0.2", "10.0.0.7", "10.0.0.7"),  # every hop trusted: the first one is the client
        ("2001:db8:ffff::5", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, unknown", ""),  # the proxy didn't know: unknown, not guessed
        ("10.0.0.2", "203.0.113.5, not-an-ip", ""),
        ("10.0.0.2", "unknown, 203.0.113.5", "203.0.113.5"),  # left of the client is never read
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_forwarded_for_from_trusted_proxies(behind_a_proxy, reveal, peer, forwarded_for, client):
    assert reveal(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for) == client


# --- RFC 7239 Forwarded --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "peer, forwarded, client",
    [
        ("10.0.0.2", "for=192.0.2.60;proto=https;by=10.0.0.2", "192.0.2.60"),
        ("10.0.0.2", 'For="[2001:db8:cafe::17]:4711"', "2001:db8:cafe::17"),
        ("10.0.0.2", "for=192.0.2.43, for=198.51.100.17;by=10.0.0.3", "198.51.100.17"),
        ("10.0.0.2", "for=6.6.6.6, for=192.0.2.43, for=10.0.0.3", "192.0.2.43"),
        ("10.0.0.2", 'for="192.0.2.60:8080";host="a,b;c"', "192.0.2.60"),
        ("10.0.0.2", "for=_hidden", ""),  # obfuscated identifier
        ("10.0.0.2", "for=unknown", ""),
        ("10.0.0.2", "proto=https", ""),  # an element without for=
        ("10.0.0.2", 'for="[2001:db8::1', ""),  # unterminated
        ("198.51.100.20", "for=1.2.3.4", "198.51.100.20"),  # not from a proxy: ignored
    ],
)
def test_rfc_7239_forwarded_from_trusted_proxies(behind_a_proxy, reveal, peer, forwarded, client):
    assert reveal(REMOTE_ADDR=peer, HTTP_FORWARDED=forwarded) == client


def test_when_both_headers_arrive_only_the_configured_one_is_believed(behind_a_proxy, reveal, settings):
    both = {
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_X_FORWARDED_FOR": "1.2.3.4",
        "HTTP_FORWARDED": "for=198.51.100.9",
    }
    assert reveal(**both) == ""  # a proxy writes one; the other came from the client, and we can't tell which
    settings.CUSTODIAN_PROXY_HEADER = "forwarded"
    assert reveal(**both) == "198.51.100.9"
    settings.CUSTODIAN_PROXY_HEADER = "x-forwarded-for"
    assert reveal(**both) == "1.2.3.4"


# --- properties ----------------------------------------------------------------------------------------

_hop = st.one_of(
    st.ip_addresses().map(str),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]:{443}"),
    st.ip_addresses(v=4).map(lambda a: f"{a}:8080"),
    st.sampled_from(["unknown", "_hidden", "", " ", "[", "]:1", "::ffff:10.0.0.2", "10.0.0.9", "\x00"]),
    st.text(max_size=20),
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    peer=st.one_of(st.ip_addresses().map(str), st.sampled_from(["10.0.0.2", "::ffff:10.0.0.2", "", "junk"])),
    hops=st.lists(_hop, max_size=6),
    forwarded=st.one_of(
        st.none(),
        st.text(max_size=60),
        st.lists(_hop, max_size=4).map(lambda hops: ", ".join(f'for="{h}"' for h in hops)),
    ),
)
def test_any_forwarding_header_gives_an_address_or_nothing_and_never_an_error(
    behind_a_proxy, peer, hops, forwarded
):
    headers = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": ",".join(hops), "HTTP_USER_AGENT": CHROME}
    if forwarded is not None:
        headers["HTTP_FORWARDED"] = forwarded
    response = Client().get("/services/", **headers)
    assert response.status_code == 200
    prefix = PageView.objects.order_by("-id").values_list("ip_prefix", flat=True).first()
    if prefix:
        network = ipaddress.ip_network(prefix)  # a masked network, never a host address
        assert network.prefixlen == (24 if network.version == 4 else 48)
    try:
        peer_address = ipaddress.ip_address(peer)
    except ValueError:
        assert prefix == ""  # no peer address, no address at all
        return
    if not any(
        peer_address in ipaddress.ip_network(n) for n in (PROXY, "2001:db8:ffff::/48", "::ffff:10.0.0.0/104")
    ):
        assert prefix == mask_ip(peer)  # from anyone but a proxy the headers change nothing


# --- HTTPS as the proxy says, from trusted proxies only ---------------------------------------------------


@pytest.mark.parametrize(
    "peer, believed",
    [
        ("203.0.113.5", False),  # a client on the internet
        ("10.0.0.2", True),  # the proxy that terminates TLS
        ("::ffff:10.0.0.2", True),  # the same proxy, seen as an IPv4-mapped address
        ("10.0.1.2", False),  # inside the network, but not a proxy
    ],
)
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(db, settings, peer, believed):
    """Django believes SECURE_PROXY_SSL_HEADER from anyone: a client talking plain HTTP could claim HTTPS,
    skip the redirect and have secure cookies sent in clear. Only a configured proxy is believed (also as an
    IPv4-mapped peer), through the whole middleware stack: the redirect to HTTPS happens for everyone else."""
    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    for header in ("https", "HTTPS", "https, http"):
        response = Client().get("/privacy/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO=header)
        if believed and header.split(",")[0] == "https":  # (Django reads the first of a list)
            assert response.status_code == 200, (peer, header)
        else:
            assert response.status_code == 301 and response["Location"].startswith("https://"), (peer, header)
    # Without any header nobody is believed to be on HTTPS.
    assert Client().get("/privacy/", REMOTE_ADDR=peer).status_code == 301


@pytest.mark.parametrize(
    ("address", "subject"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", ""),
        ("not an address", ""),
    ],
)
def test_a_rate_limit_counts_an_ipv4_address_whole_and_an_ipv6_one_by_its_64(address, subject):
    assert rate_subject(address) == subject
