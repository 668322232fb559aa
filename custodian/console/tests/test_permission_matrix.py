"""Every staff route against every support service (and an anonymous visitor, and a session without its
second factor): 200, 302, 403 or 404 as the policy file says. The routes come from the URL configuration
itself, and a route the matrix does not cover fails the test; the expectations are computed from the policy
file, not from the views.

One module (over 400 lines) on purpose: the matrix is one table with a row per staff route, so a route
left out shows in one place."""

import pytest
from django.test import Client
from django.urls import clear_url_caches, include, path, reverse
from django_otp.oath import totp

import custodian.urls
from custodian.demo.personas import DEMO_PASSWORD
from custodian.policy.loader import current_policy
from custodian.testing.routes import named_routes

SERVICES = list(current_policy().services)
# Routes a visitor uses before signing in (or to sign out): not behind the console's sign-in.
SIGN_IN_ROUTES = {"staff:login", "staff:mfa", "staff:logout", "staff:set_up"}


def staff_routes() -> dict[str, str]:
    """Every named route under /staff/, from the URL configuration: name → route pattern."""
    return named_routes("staff/")


def reads_customers(service):
    policy = current_policy()
    return any(policy.purposes[p].categories for p in policy.services[service].purposes)


def reviews(service):
    return current_policy().services[service].reviews_access


def acts_for(service, purpose):
    return purpose in current_policy().services[service].purposes


def administers(service):
    return current_policy().services[service].administers_staff


def second_person(service):
    return service in ("privacy_officer", "legal")


def markets(service):
    return acts_for(service, "marketing")


def breaks_glass(service, purpose):
    return purpose in current_policy().emergency_access.get(service, ())


@pytest.fixture
def world(customer, open_request):
    return {
        "customer": customer,
        "account": customer.accounts.get(),
        "cs_request": open_request(customer, "customer_service"),
        "to_hand_off": open_request(customer, "customer_service"),
        "to_close": open_request(customer, "customer_service"),
        "to_work": open_request(customer, "customer_service"),
        "dsr": open_request(customer, "privacy_officer", kind="data_access"),
        "correction": open_request(customer, "privacy_officer", kind="correction"),
        "meter_challenge": meter_challenge_at(open_request(customer, "field_services", kind="correction")),
    }


def meter_challenge_at(request):
    """A challenge of meter readings the privacy officer sent to field services for a re-read."""
    request.history.create(action="meter_challenge", reason="reread: October's reading doubled")
    return request


def fresh_code(user) -> str:
    device = user.totpdevice_set.get()
    device.last_t = -1  # a test re-authenticates within one 30-second step
    device.save(update_fields=["last_t"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def cases(w, user=None):
    """Route name → (method, URL arguments, form data, expected status for a service). Every staff route."""
    c = w["customer"].pk
    req, dsr, corr = w["cs_request"].pk, w["dsr"].pk, w["correction"].pk

    def glass():
        code = fresh_code(user) if user is not None else "000000"
        return {
            "purpose": "contacting_customers",
            "reason": "Gas smell reported at the premise",
            "password": DEMO_PASSWORD,
            "code": code,
        }

    po_get = lambda s: 200 if reviews(s) else 403  # noqa: E731
    po_post = lambda s: 302 if reviews(s) else 403  # noqa: E731
    # A form that does not validate: the page drawn again with it (400), for those who may take the step.
    po_again = lambda s: 400 if reviews(s) else 403  # noqa: E731
    provides = lambda s: acts_for(s, "providing_services")  # noqa: E731
    bills = lambda s: acts_for(s, "billing")  # noqa: E731
    collects = lambda s: acts_for(s, "collecting_payments")  # noqa: E731

    def missing(rule, method, key, data=None):
        """A record that does not exist (its URL argument `key` 999999): not found for the services `rule`
        lets in (the view looks the record up only then), forbidden for the rest."""
        return (method, {key: 999999}, data, lambda s: 404 if rule(s) else 403)

    return {
        "staff:home": ("get", {}, None, lambda s: 200),
        "staff:login": ("get", {}, None, lambda s: 200),
        "staff:mfa": ("get", {}, None, lambda s: 302),  # already verified: on to the console
        "staff:recovery_codes": ("get", {}, None, lambda s: 200),
        # A set-up link is its own key: one that is not a link is not found, whoever opens it.
        "staff:set_up": ("get", {"token": "not-a-link"}, None, lambda s: 404),
        "console:customers": ("get", {}, None, lambda s: 200 if reads_customers(s) else 403),
        "console:customer": ("get", {"customer_id": c}, None, lambda s: 200 if reads_customers(s) else 404),
        "console:break_glass": (
            "post",
            {"customer_id": c},
            glass,
            lambda s: 302 if breaks_glass(s, "contacting_customers") else 404,
        ),
        "console:green_button": ("get", {"customer_id": c}, None, lambda s: 200 if provides(s) else 404),
        "console:usage_import": ("get", {"customer_id": c}, None, lambda s: 200 if provides(s) else 404),
        "console:reports": ("get", {}, None, lambda s: 200 if provides(s) or reviews(s) else 403),
        "console:requests": ("get", {}, None, lambda s: 200),
        "console:request_new": ("get", {}, None, lambda s: 200),
        "console:request": (
            "get",
            {"request_id": req},
            None,
            lambda s: 200 if s == "customer_service" or reviews(s) else 404,
        ),
        "console:hand_off": (
            "post",
            {"request_id": w["to_hand_off"].pk},
            {"to_service": "billing", "reason": "test"},
            lambda s: 302 if s == "customer_service" else 404,
        ),
        "console:close": (
            "post",
            {"request_id": w["to_close"].pk},
            {"reason": "done", "confirmed": "1"},  # past the confirmation step
            lambda s: 302 if s == "customer_service" else 404,
        ),
        # The desk's steps: back to the request's page (a refusal there in words), others not found.
        "console:request_take": (
            "post",
            {"request_id": w["to_work"].pk},
            {},
            lambda s: 302 if s == "customer_service" else 404,
        ),
        "console:request_assign": (
            "post",
            {"request_id": w["to_work"].pk},
            {"to": "999999"},  # nobody of the service: the request's page again, saying so
            lambda s: 400 if s == "customer_service" else 404,
        ),
        "console:request_note": (
            "post",
            {"request_id": w["to_work"].pk},
            {"text": "Called back; no answer."},
            lambda s: 302 if s == "customer_service" else 404,
        ),
        "console:request_reply": (
            "post",
            {"request_id": w["to_work"].pk},
            {"body": "We have your request and will call you back."},
            lambda s: 302 if s == "customer_service" else 404,
        ),
        # The person behind the request is not verified: the privacy officer is sent back to verify them.
        "console:package": (
            "get",
            {"request_id": dsr},
            None,
            lambda s: 302 if s == "privacy_officer" else 404,
        ),
        "console:request_verify": (
            "post",
            {"request_id": dsr},
            {"method": "photo_id"},  # incomplete: the request's page again, saying what is missing
            lambda s: 400 if s == "privacy_officer" else 404,
        ),
        "console:request_answer": (
            "post",
            {"request_id": dsr},
            {},  # not confirmed: the package's page again (here: sent on to verify the person first)
            lambda s: 302 if s == "privacy_officer" else 404,
        ),
        # Not a repeat: the privacy officer gets the request's page again with the refusal and the reason
        # typed; others not found.
        "console:request_in_full": (
            "post",
            {"request_id": dsr},
            {"reason": "The customer's lawyer needs the whole record for a hearing."},
            lambda s: 400 if s == "privacy_officer" else 404,
        ),
        "console:correction": (
            "post",
            {"request_id": corr},
            {"field": "name"},  # no value: the request's page again
            lambda s: 400 if s == "privacy_officer" else 404,
        ),
        "console:meter_challenge_result": (
            "post",
            {"request_id": w["meter_challenge"].pk},
            {"result": "confirmed", "findings": "The meter read 48213 on a second visit."},
            lambda s: 302 if s == "field_services" else 404,
        ),
        "console:privacy": ("get", {}, None, po_get),
        "console:review": missing(reviews, "post", "grant_id", {"note": "x"}),
        "console:access_review": ("get", {}, None, po_get),
        "console:inventory": ("get", {}, None, po_get),
        "console:marketing": ("get", {}, None, lambda s: 200 if markets(s) else 403),
        "console:web_stats": ("get", {}, None, lambda s: 200 if s == "web" else 403),
        "console:operations": ("get", {}, None, lambda s: 200 if s == "it_database" else 403),
        "console:disclosures": ("get", {}, None, po_get),
        "console:vendor_add": ("post", {}, {"name": "x"}, po_again),
        "console:determination": missing(reviews, "post", "vendor_id", {"rationale": "x"}),
        # A vendor determination's second person: the privacy office or legal.
        "console:determinations": ("get", {}, None, lambda s: 200 if second_person(s) else 403),
        "console:determination_approve": missing(second_person, "post", "determination_id", {}),
        "console:determination_decline": missing(second_person, "post", "determination_id", {}),
        "console:vendor_export": missing(reviews, "post", "vendor_id", {}),
        "console:export_file": (
            "get",
            {"export_id": 999999, "part": "file"},
            None,
            lambda s: 404 if reviews(s) else 403,
        ),
        "console:consent_add": ("post", {}, {"customer_id": c}, po_again),
        "console:consent_revoke": missing(reviews, "post", "consent_id", {}),
        "console:authority_add": ("post", {}, {"kind": "subpoena"}, po_again),
        "console:disclose": ("post", {}, {"basis_kind": "consent"}, po_again),
        "console:incidents": ("get", {}, None, po_get),
        "console:incident_open": ("post", {}, {"summary": "x"}, po_again),
        "console:incident_from_flag": ("post", {}, {"kind": "x"}, po_post),
        "console:flag_review": ("post", {}, {"kind": "x", "note": "x"}, po_post),
        "console:assessment_add": ("post", {}, {"scope": "x"}, po_again),
        "console:incident": missing(reviews, "get", "incident_id"),
        **{
            f"console:incident_{step}": missing(reviews, "post", "incident_id", {"text": "x"})
            for step in ("note", "determine", "delay", "notify", "agencies", "report")
        },
        "console:hold_decide": missing(reviews, "post", "hold_id", {"approve": "yes", "note": "x"}),
        "console:retention": ("get", {}, None, po_get),
        "console:correction_notices": ("get", {}, None, po_get),
        "console:third_parties": ("get", {}, None, po_get),
        "console:third_party_review": missing(reviews, "post", "third_party_id", {"decision": "approved"}),
        "console:representatives": (
            "get",
            {"customer_id": c},
            None,
            lambda s: 200 if s in ("customer_service", "privacy_officer") else 404,
        ),
        "console:representative_verify": ("post", {"representative_id": 999999}, {}, lambda s: 404),
        "console:representative_revoke": (
            "post",
            {"representative_id": 999999},
            {"reason": "x"},
            lambda s: 404,
        ),
        "console:correction_notice": (
            "get",
            {"request_id": corr, "notice_id": 999999},
            None,
            lambda s: 404,
        ),
        "console:billing": ("get", {}, None, lambda s: 200 if bills(s) else 403),
        "console:bill": missing(bills, "get", "bill_id"),
        "console:bill_correct": missing(bills, "post", "bill_id", {"reason": "a misread meter"}),
        "console:billing_account": (
            "get",
            {"account_id": w["account"].pk},
            None,
            lambda s: 200 if bills(s) or collects(s) else 403,
        ),
        "console:collections": ("get", {}, None, lambda s: 200 if collects(s) else 403),
        "console:deposit_ask": (
            "post",
            {"account_id": w["account"].pk},
            {},  # an empty form: the account's page again, with what is missing
            lambda s: 400 if bills(s) else 403,
        ),
        "console:deposit_paid": missing(bills, "post", "deposit_id", {}),
        "console:refund_sent": missing(bills, "post", "refund_id", {}),
        "console:budget": (
            "post",
            {"account_id": w["account"].pk},
            {"choice": "stop"},  # not on budget billing: the account's page again, saying so
            lambda s: 400 if bills(s) else 403,
        ),
        "console:agreement_agree": missing(collects, "post", "agreement_id", {}),
        "console:agreement_decline": missing(collects, "post", "agreement_id", {}),
        # A payment received: billing, and collections where the policy file lets them work with bills.
        "console:payment_received": missing(lambda s: bills(s) or collects(s), "post", "account_id", {}),
        "console:disconnection_notice": missing(collects, "post", "account_id", {}),
        "console:disconnection_order": missing(collects, "post", "account_id", {}),
        "console:protection_facts": missing(collects, "post", "account_id", {}),
        "console:agreement_request": missing(collects, "post", "account_id", {}),
        # The bank's notifications of change: collections' (automatic payment is theirs).
        "console:bank_notices": ("get", {}, None, lambda s: 200 if collects(s) else 403),
        "console:bank_notice": missing(collects, "get", "notice_id"),
        "console:bank_notice_apply": missing(collects, "post", "notice_id", {}),
        "console:bank_notice_no_change": missing(
            collects, "post", "notice_id", {"reason": "autopay_stopped"}
        ),
        "console:disconnection_orders": (
            "get",
            {},
            None,
            lambda s: 200 if provides(s) or collects(s) else 403,
        ),
        "console:service_desk": ("get", {}, None, lambda s: 200 if provides(s) else 403),
        "console:service_start": ("get", {}, None, lambda s: 200 if provides(s) else 403),
        "console:reads_import": ("get", {}, None, lambda s: 200 if provides(s) else 403),
        "console:account_service": (
            "get",
            {"account_id": w["account"].pk},
            None,
            lambda s: 200 if provides(s) else 403,
        ),
        "console:meter_reads": (
            "get",
            {"account_id": w["account"].pk},
            None,
            lambda s: 200 if provides(s) else 403,
        ),
        "console:account_stop": missing(provides, "post", "account_id", {}),
        "console:account_move": missing(provides, "post", "account_id", {}),
        "console:service_change_withdraw": missing(provides, "post", "change_id", {}),
        "console:people": ("get", {}, None, lambda s: 200 if administers(s) else 403),
        "console:person": missing(administers, "get", "user_id"),
        **{
            f"console:person_{action}": missing(administers, "post", "user_id", {"services": ["billing"]})
            for action in ("services", "deactivate", "reactivate", "second_factor", "password")
        },
        "console:staff_changes": ("get", {}, None, lambda s: 200 if administers(s) else 403),
        "console:law_enforcement": ("get", {}, None, lambda s: 200 if second_person(s) else 403),
        "console:law_enforcement_document": missing(second_person, "get", "authority_id"),
        "console:law_enforcement_approve": missing(second_person, "post", "authority_id", {}),
        "console:staff_change_approve": missing(administers, "post", "change_id", {}),
        "console:staff_change_decline": missing(administers, "post", "change_id", {}),
        "tokens:list": ("get", {}, None, lambda s: 200 if administers(s) else 403),
        "tokens:issue": ("post", {}, {"username": "nobody"}, lambda s: 400 if administers(s) else 403),
        "tokens:revoke": missing(administers, "post", "token_id", {}),
        "staff:logout": ("post", {}, {}, lambda s: 302),  # last: it ends the session
    }


def test_the_matrix_covers_every_staff_route(world):
    routes = staff_routes()
    covered = cases(world)
    assert set(routes) - set(covered) == set(), "staff routes the permission matrix does not cover"
    assert set(covered) - set(routes) == set(), "matrix entries for routes that no longer exist"


def _request(client, method, name, kwargs, data):
    url = reverse(name, kwargs=kwargs)
    data = data() if callable(data) else data
    return url, (getattr(client, method)(url, data) if data is not None else getattr(client, method)(url))


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_for_every_service(service, all_staff, console, world):
    user = all_staff[service]
    client = console(user)
    for name, (method, kwargs, data, expected) in cases(world, user).items():
        url, response = _request(client, method, name, kwargs, data)
        assert response.status_code == expected(service), (service, method, url, response.status_code)


def test_every_console_route_sends_an_anonymous_visitor_to_sign_in(world):
    client = Client()
    for name, (method, kwargs, _, _) in cases(world).items():
        if name in SIGN_IN_ROUTES:
            continue
        url, response = _request(client, method, name, kwargs, None)
        assert response.status_code == 302 and response.url.startswith("/staff/login/"), (method, url)


def test_a_signed_in_but_unverified_session_reaches_nothing(billing_clerk, world):
    client = Client()
    client.force_login(billing_clerk)
    for name, (method, kwargs, _, _) in cases(world).items():
        if name in SIGN_IN_ROUTES:
            continue
        url, response = _request(client, method, name, kwargs, None)
        assert response.status_code == 302 and response.url == "/staff/login/second-factor/", (method, url)


def test_the_route_walk_finds_a_route_added_to_the_console(world, settings):
    """The coverage check is real: a new console route shows up as uncovered."""

    def extra(request):
        raise AssertionError("never called")

    added = [path("staff/new-tool/", include(([path("", extra, name="new_tool")], "console_extra")))]
    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": added + custodian.urls.urlpatterns})
    clear_url_caches()
    try:
        assert "console_extra:new_tool" in set(staff_routes()) - set(cases(world))
    finally:
        clear_url_caches()
