"""Bad input gets a clear 4xx, never a 500: every route of the URL configuration, as an anonymous visitor, a
signed-in customer, staff and an API token, with ids too large for the database, dates far in the past or
future, integers of 24 digits in every form field, and bodies over the upload limit.

The routes and form fields are read from the code (the URL configuration and every form class), so a new
route or field is covered without touching this test."""

import re

import numpy as np
import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver

from custodian.api.services import api_token_create
from custodian.casework.choices import VERIFIED_WITH, RequestKind, Verification
from custodian.casework.models import CustomerRequest
from custodian.policy.loader import current_policy
from custodian.testing import portal_browser
from custodian.testing.routes import HUGE_ID, routes
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.services import Submission, interval_blocks_record

DATE_VARIANTS = (
    {"date": "1900-01-01", "later": "1900-01-02"},
    {"date": "0001-01-01", "later": "0001-01-02"},
    {"date": "9999-12-30", "later": "9999-12-31"},
)
INT_VARIANTS = (HUGE_ID, "-" + HUGE_ID, "0")
LATER_NAMES = re.compile(r"(end|until|to)$")


def form_fields() -> dict[str, forms.Field]:
    """Every field of every form class of the project, by name."""
    found: dict[str, forms.Field] = {}
    pending = [forms.Form]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("custodian."):
            found.update(getattr(cls, "base_fields", {}))
    return found


def hostile_data(variant: int) -> dict[str, str]:
    data = {}
    for name, field in form_fields().items():
        if isinstance(field, forms.DateField):
            dates = DATE_VARIANTS[variant]
            data[name] = dates["later"] if LATER_NAMES.search(name) else dates["date"]
        elif isinstance(field, forms.IntegerField | forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            data[name] = INT_VARIANTS[variant]
        else:
            data[name] = HUGE_ID
    return data


def assert_no_500(client: Client, who: str, big_bodies: bool = False, **headers):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    failures = []
    for path in routes():
        attempts = [("GET", path, hostile_data(v), None) for v in range(3)]
        attempts += [("POST", path, hostile_data(v), None) for v in range(3)]
        if path.startswith("/api/"):
            attempts.append(("POST", path, '{"fields": ["' + big + '"]}', "application/json"))
        elif big_bodies:  # Django refuses them before any view runs: once per route is enough
            attempts.append(("POST", path, {"field": big}, None))
        for method, url, data, content_type in attempts:
            kwargs = {"content_type": content_type} if content_type else {}
            response = (client.get if method == "GET" else client.post)(url, data, **kwargs, **headers)
            if response.status_code >= 500:
                failures.append(f"{method} {url} ({len(str(data))} bytes) → {response.status_code}")
    assert not failures, f"server errors as {who}:\n" + "\n".join(dict.fromkeys(failures))


@pytest.fixture(autouse=True)
def _as_in_development(settings):
    """DEBUG on, as in `make run` (some libraries answer an error differently then)."""
    settings.DEBUG = True


@pytest.fixture
def customer(customer):
    """Alice, with a month of hourly readings in the interval store."""

    start, end = month_bounds("2026-03")
    values = np.full((end - start) // 3600, 0.5)
    interval_blocks_record(
        blocks=[IntervalBlock(customer.pk, "electric", "2026-03", start, 3600, values)],
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
    )
    return customer


@pytest.fixture
def signed_in_customer(customer):
    return portal_browser(customer, "c-fuzz")


def test_no_route_answers_500_to_an_anonymous_visitor(customer):
    assert_no_500(Client(raise_request_exception=False), "an anonymous visitor", big_bodies=True)


def test_no_route_answers_500_to_a_customer(signed_in_customer):
    assert_no_500(signed_in_customer, "a signed-in customer")


@pytest.mark.parametrize("persona", ["privacy_officer", "web_editor", "marketer", "service_rep"])
def test_no_route_answers_500_to_staff(customer, console, persona, request):
    client = console(request.getfixturevalue(persona))
    client.raise_request_exception = False
    assert_no_500(client, persona)


def test_no_route_answers_500_to_an_api_token(customer, privacy_officer):
    _, raw = api_token_create(name="fuzz", user=privacy_officer)
    assert_no_500(Client(raise_request_exception=False), "an API token", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_reported_cases_get_a_clear_4xx(signed_in_customer, customer, privacy_officer, console):
    period = signed_in_customer.get("/portal/me/green-button.csv?start=1900-01-01&end=1900-01-02")
    assert (
        period.status_code == 400
        and "between January 1, 1970 and December 31, 2999" in period.content.decode()
    )

    _, raw = api_token_create(name="t", user=privacy_officer)
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    big = '{"field": "email", "purpose": "billing", "value": "' + "x" * 2_700_000 + '"}'
    too_big = api.post("/api/v1/customers/lookup", big, content_type="application/json")
    assert too_big.status_code == 413 and "over 2,621,440 bytes" in too_big.json()["detail"]
    huge = api.post(
        f"/api/v1/customers/{HUGE_ID}/reveal", {"fields": ["name"], "purpose": "billing"}, "application/json"
    )
    assert huge.status_code == 422
    assert console(privacy_officer).get(f"/staff/customers/{HUGE_ID}/").status_code == 404


def test_every_id_in_a_url_is_bounded():
    """`<int:…>` takes any number of digits; `<id:…>` (custodian.bounds) only what fits the database."""
    unbounded = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif "<int:" in route:
                unbounded.append(route)

    walk(get_resolver().url_patterns, "")
    assert not unbounded, f"use <id:…> for ids: {unbounded}"


INTAKE_ACCOUNT_NUMBERS = ("", HUGE_ID, " 12-34 ", "١٢٣٤٥", "' OR 1=1 --", "x" * 40, "\x00")
INTAKE_MESSAGES = ("Calling about my bill.", '=HYPERLINK("http://evil.example")', "<script>x</script>" * 500)


@pytest.mark.parametrize(
    "persona", ["service_rep", "billing_clerk", "collections_agent", "privacy_officer", "dba", "marketer"]
)
def test_staff_entered_requests_never_answer_500(customer, console, persona, request):
    """Casework intake as each service: the real account number and odd ones, every purpose the form may
    offer (and some it doesn't), every way of verifying and what was checked, every channel and kind; then
    the requests opened, handed off and closed with bad values. A clear answer every time, never a 500."""

    client = console(request.getfixturevalue(persona))
    client.raise_request_exception = False
    account = "0010000001"  # Alice's (conftest)
    purposes = [*current_policy().purposes, "", "no_such_purpose", HUGE_ID]
    checks = [(v, w) for v, kinds in VERIFIED_WITH.items() for w in kinds]
    checks += [
        (Verification.NOT_A_CUSTOMER, ""),
        ("account_and_fact", "passport"),
        ("", ""),
        (HUGE_ID, HUGE_ID),
    ]
    failures = []

    def post(url, data):
        response = client.post(url, data)
        if response.status_code >= 500:
            failures.append(f"POST {url} {data} → {response.status_code}")
        return response

    for i, purpose in enumerate(purposes):
        for verification, verified_with in (("account_and_fact", "last_bill"), ("photo_id", "passport")):
            post(
                "/staff/requests/new/",
                {
                    "channel": "phone",
                    "kind": "billing_question",
                    "account_number": account,
                    "purpose": purpose,
                    "verification": verification,
                    "verified_with": verified_with,
                    "message": INTAKE_MESSAGES[i % len(INTAKE_MESSAGES)],
                    "notice_given": "on",
                },
            )
        verification, verified_with = checks[i % len(checks)]
        for number in (account, *INTAKE_ACCOUNT_NUMBERS):
            post(
                "/staff/requests/new/",
                {
                    "channel": ("phone", "in_person", "paper", "fax")[i % 4],
                    "kind": list(RequestKind.values)[i % len(RequestKind.values)],
                    "account_number": number,
                    "purpose": purpose,
                    "verification": verification,
                    "verified_with": verified_with,
                    "name": "" if number else "Dana Caller",
                    "phone": "" if number else ("507-555-0100", HUGE_ID)[i % 2],
                    "email": "" if number else ("dana@example.org", "not an e-mail")[i % 2],
                    "message": INTAKE_MESSAGES[i % len(INTAKE_MESSAGES)],
                    "notice_given": ("on", "")[i % 5 == 4],
                },
            )
    # Not vacuous: requests were opened, for Alice's account too where the persona's services find accounts.
    if persona not in ("marketer", "dba"):
        assert CustomerRequest.objects.filter(customer=customer).exists(), persona
    for req in CustomerRequest.objects.all():
        for data in ({"to_service": HUGE_ID, "reason": ""}, {"to_service": "billing", "reason": "x" * 600}):
            post(f"/staff/requests/{req.pk}/hand-off/", data)
        post(f"/staff/requests/{req.pk}/", {"read": "1", "purpose": HUGE_ID})
        post(f"/staff/requests/{req.pk}/close/", {"outcome": HUGE_ID, "note": "x" * 20_000})
    assert not failures, "server errors in intake:\n" + "\n".join(dict.fromkeys(failures))
