"""The public pages render, and the privacy page is generated from the same policy file the gate uses."""

import re

from custodian.policy.loader import current_policy


def test_home_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Owatonna Public Utilities" in response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


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
