"""The public pages render, and the privacy page is generated from the same policy file the gate uses."""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.html import escape

import custodian
from custodian.netaddr import mask_ip
from custodian.policy.loader import BASIS_TEXT_FIELDS, current_policy
from custodian.testing import vendor_registered, vendor_with_determination
from custodian.web.views import COOKIES


def test_home_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Owatonna Public Utilities" in response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_paragraph_of_the_published_policy_is_on_the_privacy_page(client, db, language):
    # The Spanish page shows the text the utility adopted, in English, and says so: every paragraph of it,
    # as the page escapes it, in order.
    html = client.get(f"/privacy/?lang={language}").content.decode()
    text = current_policy().published_text
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    assert len(paragraphs) == 7
    shown = [" ".join(p.split()) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]
    found = [shown.index(escape(p)) for p in paragraphs]
    assert found == sorted(found)


def test_privacy_page_shows_the_policy_and_agrees_with_the_policy_file(client, db):
    html = client.get("/privacy/").content.decode()
    policy = current_policy()
    assert "customer privacy is extremely important to us" in html
    assert set(re.findall(r'data-purpose="([^"]+)"', html)) == set(policy.purposes)
    assert set(re.findall(r'data-category="([^"]+)"', html)) == set(policy.categories)
    assert set(re.findall(r'data-service="([^"]+)"', html)) == set(policy.services)
    assert set(re.findall(r'data-vendor-function="([^"]+)"', html)) == set(policy.vendor_functions)
    assert policy.version in html


def test_portal_page(client, db):
    assert client.get("/portal/").status_code == 200


def test_privacy_page_lists_current_vendors_with_determination_dates_bases_and_cookies(
    client, privacy_officer
):
    today = timezone.localdate()
    current, _ = vendor_with_determination(
        function="mailing", officer=privacy_officer, name="Prairie Print", days=60
    )
    vendor_registered(
        function="mailing", officer=privacy_officer, name="Undetermined Co", contact="x", days=90
    )
    html = client.get("/privacy/").content.decode()
    assert set(re.findall(r'data-vendor="(\d+)"', html)) == {str(current.pk)}
    assert "Undetermined Co" not in html and (today + timedelta(days=60)).strftime("%B") in html
    assert set(re.findall(r'<li data-cookie="([^"]+)"', html)) == {c.name for c in COOKIES}

    for item in current_policy().website["collects"]:
        assert escape(item) in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_basis_of_disclosure_in_the_policy_file_is_on_the_privacy_page(client, db, language):
    # "When we give data to anyone else": each basis the file holds, with its words in the page's language,
    # and what a basis that names it gives (Connect My Data: meter usage; the bills for usage summaries).
    html = client.get(f"/privacy/?lang={language}").content.decode()
    policy = current_policy()
    items = dict(re.findall(r'<li data-basis="([^"]+)">(.*?)</li>', html, re.S))
    assert set(items) == set(policy.disclosure_bases) >= {"prior_written_consent", "connect_my_data"}
    for key, basis in policy.disclosure_bases.items():
        words = basis.in_language(language)
        for name in (*BASIS_TEXT_FIELDS[key], *(["citation"] if "citation" in words else [])):
            for text in words[name] if isinstance(words[name], list) else [words[name]]:
                assert escape(text) in items[key], (key, name)
        for read in (basis, basis.get("usage_summaries") or {}):
            if "purpose" in read:
                assert escape(policy.purposes[read["purpose"]].in_language(language).label) in items[key]
                for category in read["categories"]:
                    assert escape(policy.categories[category].in_language(language).label) in items[key]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_privacy_page_and_the_policy_file_say_the_network_the_code_keeps(client, db, language):
    # The figures as the masking does it, not as a constant says: the page's paragraph and the website's
    # list in the policy file, in each language, state them.
    ipv4 = ipaddress.ip_network(mask_ip("203.0.113.77")).prefixlen
    ipv6 = ipaddress.ip_network(mask_ip("2001:db8:5:6:7::9")).prefixlen
    html = client.get(f"/privacy/?lang={language}").content.decode()
    shown = re.search(r'<p class="addresses">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r"/(\d+)", shown) == [str(ipv4), str(ipv6)]
    collects = " ".join(current_policy().website.in_language(language)["collects"])
    assert re.findall(r"/(\d+)", collects) == [str(ipv4), str(ipv6)]


def test_security_headers(client, db):
    response = client.get("/contact/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_template_carries_inline_script():
    for path in Path(custodian.__file__).parent.rglob("templates/**/*.html"):
        text = path.read_text()
        assert "<script>" not in text and " onclick=" not in text and "javascript:" not in text, path
