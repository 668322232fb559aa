"""Every staff view against every support service (and an anonymous visitor): 200, 302, 403 or 404 as the
policy file says. The expectations are computed from the policy file, not from the views."""

import pytest
from django.test import Client

from custodian.policy.loader import current_policy

SERVICES = list(current_policy().services)


def reads_customers(service):
    policy = current_policy()
    return any(policy.purposes[p].categories for p in policy.services[service].purposes)


def reviews(service):
    return current_policy().services[service].reviews_access


def markets(service):
    return "marketing" in current_policy().services[service].purposes


@pytest.fixture
def world(customer, open_request):
    return {
        "customer": customer,
        "cs_request": open_request(customer, "customer_service"),
        "dsr": open_request(customer, "privacy_officer", kind="data_access"),
    }


def cases(w):
    c, r, d = w["customer"].pk, w["cs_request"].pk, w["dsr"].pk
    return [
        ("get", "/staff/", lambda s: 200),
        ("get", "/staff/recovery-codes/", lambda s: 200),
        ("get", "/staff/customers/", lambda s: 200 if reads_customers(s) else 403),
        ("get", f"/staff/customers/{c}/", lambda s: 200 if reads_customers(s) else 404),
        ("get", "/staff/customers/999999/", lambda s: 404),
        ("get", "/staff/requests/", lambda s: 200),
        ("get", "/staff/requests/new/", lambda s: 200),
        ("get", f"/staff/requests/{r}/", lambda s: 200 if s == "customer_service" or reviews(s) else 404),
        ("get", "/staff/requests/999999/", lambda s: 404),
        ("get", f"/staff/requests/{d}/package/", lambda s: 200 if s == "privacy_officer" else 404),
        ("post", f"/staff/requests/{r}/hand-off/", lambda s: 302 if s == "customer_service" else 404),
        ("get", "/staff/privacy/", lambda s: 200 if reviews(s) else 403),
        ("get", "/staff/privacy/access/", lambda s: 200 if reviews(s) else 403),
        ("get", "/staff/privacy/inventory/", lambda s: 200 if reviews(s) else 403),
        ("post", "/staff/privacy/break-glass/999999/review/", lambda s: 404 if reviews(s) else 403),
        ("get", "/staff/marketing/", lambda s: 200 if markets(s) else 403),
        ("get", "/staff/privacy/disclosures/", lambda s: 200 if reviews(s) else 403),
        ("get", "/staff/web/", lambda s: 200 if s == "web" else 403),
        (
            "get",
            f"/staff/customers/{c}/green-button.xml",
            lambda s: 200 if ("providing_services" in current_policy().services[s].purposes) else 404,
        ),
        (
            "get",
            f"/staff/customers/{c}/usage-import/",
            lambda s: 200 if ("providing_services" in current_policy().services[s].purposes) else 404,
        ),
        (
            "get",
            "/staff/reports/",
            lambda s: (
                200 if ("providing_services" in current_policy().services[s].purposes or reviews(s)) else 403
            ),
        ),
        ("post", "/staff/privacy/disclosures/disclose/", lambda s: 302 if reviews(s) else 403),
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_every_view_for_every_service(service, all_staff, console, world):
    client = console(all_staff[service])
    for method, url, expected in cases(world):
        data = {"note": "x", "to_service": "billing", "reason": "test"} if method == "post" else None
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == expected(service), (service, method, url, response.status_code)


def test_every_view_sends_an_anonymous_visitor_to_sign_in(world):
    client = Client()
    for method, url, _ in cases(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith("/staff/login/"), (method, url)


def test_a_signed_in_but_unverified_session_reaches_nothing(billing_clerk, world):
    client = Client()
    client.force_login(billing_clerk)
    for method, url, _ in cases(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url == "/staff/login/second-factor/", (method, url)
