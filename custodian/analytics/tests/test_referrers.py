"""The "domain name of website the customer used to link to us", and nothing else: the referrer's public host
name in one form (IDNA A-label, lower case); nothing for our own site (subdomains, a trailing dot, ports,
ALLOWED_HOSTS' `.domain` entries), nothing for IP literals in any form a browser accepts, single-label,
private or reserved names."""

import ipaddress
import re

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodian.analytics.models import PageView

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537"
)


@pytest.fixture
def our_site(settings):
    settings.ALLOWED_HOSTS = ["www.owatonna-utilities.org", ".opu-custodian.net", "testserver", "127.0.0.1"]


def stored_referrer(referrer: str, **extra) -> str:
    response = Client().get("/", HTTP_USER_AGENT=CHROME, HTTP_REFERER=referrer, **extra)
    assert response.status_code == 200
    return PageView.objects.order_by("-id").values_list("referrer_host", flat=True).first()


@pytest.mark.parametrize(
    "referrer",
    [
        "http://203.0.113.77/x",
        "http://203.0.113.77./x",
        "https://203.0.113.77:8443/",
        "http://[2001:db8::1]/",
        "http://[2001:db8::1]:8080/page",
        "http://[::ffff:203.0.113.77]/",
        "http://[fe80::1%25eth0]/",
        "http://3405803853/",  # 203.0.113.77 as one number
        "http://0xcb00714d/",  # … in hex
        "http://0xcb.0x0.0x71.0x4d/",
        "http://0313.0.0161.0115/",  # … in octal
        "http://203.7431629/",  # a.b-c form
        "http://203.0.29005/",
        "http://%32%30%33.0.113.77/",  # percent-encoded digits
        # full-width digits and dots
        "http://\uff12\uff10\uff13\uff0e\uff10\uff0e\uff11\uff11\uff13\uff0e\uff17\uff17/",
        "http://203.0.113.77.nip.io/",  # an address spelt inside a name
        "http://host-203-0-113-77.dsl.example-isp.com/",
        "http://77.113.0.203.in-addr.arpa/",
        "http://intranet/",  # single labels
        "http://localhost:8000/",
        "http://printer.local/",  # private and reserved names
        "http://wiki.corp/",
        "http://db.internal/",
        "http://router.home.arpa/",
        "http://app.localhost/",
        "http://site.test/",
        "http://www.example/",
        "http://x.invalid/",
        "ftp://files.example.com/",  # not a web page
        "android-app://com.google.android.gm/",
        "http:///nohost",
        "http://[not-closed/",
        "http://exa mple.com/",
    ],
)
def test_no_host_is_stored_for_addresses_and_private_names(db, our_site, referrer):
    assert stored_referrer(referrer) == ""


@pytest.mark.parametrize(
    "referrer",
    [
        "https://www.owatonna-utilities.org/services/",
        "https://WWW.Owatonna-Utilities.ORG/",
        "https://www.owatonna-utilities.org./privacy/",  # trailing dot
        "https://www.owatonna-utilities.org:8443/",  # port
        "https://owatonna-utilities.org/",  # the same site (registrable domain) as www.
        "https://pay.owatonna-utilities.org/",  # a subdomain
        "https://opu-custodian.net/",  # ALLOWED_HOSTS ".opu-custodian.net": the domain…
        "https://portal.eu.opu-custodian.net./x",  # … and every subdomain
        "http://testserver/privacy/",
    ],
)
def test_our_own_site_is_not_a_referrer(db, our_site, referrer):
    assert stored_referrer(referrer) == ""


def test_the_host_the_request_came_in_on_is_our_site(db, settings):
    settings.ALLOWED_HOSTS = ["*"]  # says nothing about who we are
    assert stored_referrer("https://news.utility-mirror.org/", HTTP_HOST="www.utility-mirror.org") == ""
    assert stored_referrer("https://www.google.com/", HTTP_HOST="www.utility-mirror.org") == "www.google.com"


@pytest.mark.parametrize(
    "referrer, host",
    [
        ("https://www.google.com/search?q=alice+anderson+owatonna", "www.google.com"),
        ("https://mail.example.org/inbox?user=alice@example.org", "mail.example.org"),
        ("https://WWW.Bing.COM./search?q=x", "www.bing.com"),
        ("https://owatonna-utilities.org.evil.example.com/", "owatonna-utilities.org.evil.example.com"),
        ("https://notowatonna-utilities.org/", "notowatonna-utilities.org"),
        ("https://user:secret@news.example.com:8443/a", "news.example.com"),  # never the credentials
    ],
)
def test_other_sites_are_kept_by_host_only(db, our_site, referrer, host):
    assert stored_referrer(referrer) == host


@pytest.mark.parametrize(
    "referrer",
    [
        "https://bücher.de/",
        "https://BÜCHER.de/",
        "https://bu\u0308cher.de/",  # decomposed ü (NFD)
        "https://xn--bcher-kva.de/",
        "https://XN--BCHER-KVA.DE./",
        "https://b%C3%BCcher.de/",
        "https://bücher\uff0ede/",  # a full-width dot
    ],
)
def test_international_names_are_stored_in_one_form(db, our_site, referrer):
    assert stored_referrer(referrer) == "xn--bcher-kva.de"


def test_the_dashboard_and_csv_show_no_address_referrer(console, web_editor, db):
    for referrer in (
        "http://203.0.113.77/x",
        "http://[2001:db8::77]/",
        "http://3405803853/",
        "https://bücher.de/",
    ):
        stored_referrer(referrer, REMOTE_ADDR="2002:cb00:714d::1")
    client = console(web_editor)
    html = client.get("/staff/web/").content.decode()
    csv_text = client.get("/staff/web/", {"format": "csv", **_today()}).content.decode()
    for text in (html, csv_text):
        assert "203.0.113.77" not in text and "2001:db8" not in text and "3405803853" not in text
        assert "2002:cb00" not in text
    assert "xn--bcher-kva.de" in csv_text


def _today():
    today = timezone.localdate().isoformat()
    return {"since": today, "until": today}


# --- property: no stored referrer host is ever an address ----------------------------------------------


def browser_reads_as_ipv4(host: str) -> bool:
    """The WHATWG URL Standard's IPv4 parser (what browsers do with a host), written out on its own here so
    the test doesn't trust the code under test: 1–4 parts, each decimal, 0x-hex or 0-octal."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return False
    numbers = []
    for part in parts:
        if re.fullmatch(r"0[xX][0-9a-fA-F]*", part):
            numbers.append(int(part[2:] or "0", 16))
        elif re.fullmatch(r"0[0-7]+", part):
            numbers.append(int(part, 8))
        elif re.fullmatch(r"[0-9]+", part):
            numbers.append(int(part))
        else:
            return False
    return all(n < 256 for n in numbers[:-1]) and numbers[-1] < 256 ** (5 - len(numbers))


def _ipv4_spellings(address: ipaddress.IPv4Address):
    octets = [int(o) for o in str(address).split(".")]
    n = int(address)
    return st.sampled_from(
        [
            str(address),
            str(n),
            hex(n),
            ".".join(hex(o) for o in octets),
            ".".join(f"0{o:o}" for o in octets),
            f"{octets[0]}.{n & 0xFFFFFF}",
            f"{octets[0]}.{octets[1]}.{n & 0xFFFF}",
            f"{address}.",
            f"[::ffff:{address}]",
            f"{address}.nip.io",
            "-".join(map(str, octets)) + ".sslip.io",
        ]
    )


_hosts = st.one_of(
    st.ip_addresses(v=4).flatmap(_ipv4_spellings),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]"),
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),  # single labels
    st.from_regex(
        r"([a-z0-9-]{1,8}\.){1,3}(com|org|de|uk|local|internal|corp|arpa|[0-9]{1,3})", fullmatch=True
    ),
    st.text(min_size=1, max_size=30),
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(host=_hosts, port=st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")))
def test_no_stored_referrer_host_is_ever_an_address_or_a_private_name(our_site, host, port):
    stored = stored_referrer(f"https://{host}{port}/page?q=1")
    if not stored:
        return
    assert stored == stored.lower() and stored.isascii() and not stored.endswith(".")
    assert "." in stored  # never a single label
    assert not browser_reads_as_ipv4(stored)
    labels = stored.split(".")
    assert not re.fullmatch(r"[0-9]+|0x[0-9a-f]*", labels[-1])
    assert not any(
        all(re.fullmatch(r"[0-9]{1,3}", label) for label in labels[i : i + 4]) for i in range(len(labels) - 3)
    )
    assert labels[-1] not in ("local", "internal", "corp", "arpa", "localhost", "test", "example", "invalid")
    try:
        ipaddress.ip_address(stored)
    except ValueError:
        pass
    else:
        raise AssertionError(f"{stored!r} is an address")
