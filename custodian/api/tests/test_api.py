"""The JSON API: token authentication, every read through the gate, one answer for missing and forbidden,
and a permission matrix of every endpoint against every persona."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from custodian.api.services import api_token_create
from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent
from custodian.policy.loader import current_policy
from custodian.testing import determination_approved, vendor_registered, vendor_with_determination
from custodian.vault import gate

PURPOSE_FOR = {  # a purpose each service may act for without an open request, where it has one
    "customer_service": "providing_services",
    "billing": "billing",
    "collections": "collecting_payments",
    "field_services": "providing_services",
    "marketing": "marketing",
    "web": "enhancing_website",
    "it_database": "providing_services",
    "privacy_officer": "legal_obligations",
    "legal": "legal_obligations",
}


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def token_for():
    def make(user=None, **kw):
        return api_token_create(name="test", user=user, **kw)[1]

    return make


def test_every_endpoint_needs_a_token(api, customer):
    assert (
        api.post(
            "/api/v1/customers/lookup",
            {"field": "email", "value": "x", "purpose": "billing"},
            content_type="application/json",
        ).status_code
        == 401
    )
    assert (
        api.post(f"/api/v1/customers/{customer.pk}/reveal", {}, content_type="application/json").status_code
        == 401
    )
    assert api.get("/api/v1/access-events").status_code == 401
    assert api.get("/api/v1/access-events", **bearer("cust_forged")).status_code == 401


def test_openapi_docs_are_served(api):
    assert api.get("/api/v1/docs").status_code == 200
    schema = api.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/customers/lookup",
        "/api/v1/customers/{customer_id}/reveal",
        "/api/v1/access-events",
    } <= set(schema["paths"])


def test_reveal_returns_plaintext_never_ciphertext(api, billing_clerk, customer, token_for):
    response = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **bearer(token_for(billing_clerk)),
    )
    assert response.status_code == 200
    assert response.json() == {
        "customer_id": customer.pk,
        "purpose": "billing",
        "values": {"name": "Alice Anderson"},
    }
    assert AccessEvent.objects.get(action="reveal").client_ip == "127.0.0.1"


def test_missing_and_forbidden_are_the_same_404(api, billing_clerk, customer, token_for):
    headers = bearer(token_for(billing_clerk))
    missing = api.post(
        "/api/v1/customers/987654/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **headers,
    )
    forbidden = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["bank_account"], "purpose": "billing"},
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()


def test_bad_input_gets_a_clear_error_not_a_500(api, billing_clerk, customer, token_for):
    headers = bearer(token_for(billing_clerk))
    response = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"purpose": "billing"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422 and "fields" in response.content.decode()
    response = api.post(
        "/api/v1/customers/abc/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code in (404, 422)


@pytest.mark.parametrize(
    "path", ["/api/v1/customers/lookup", "/api/v1/customers/{customer}/reveal"], ids=["lookup", "reveal"]
)
def test_a_body_that_is_not_unicode_text_is_refused_by_name(api, billing_clerk, customer, token_for, path):
    # JSON's escapes can spell an unpaired surrogate; no column or log line takes one.
    headers = bearer(token_for(billing_clerk))
    events = AccessEvent.objects.count()
    body = '{"field": "email", "value": "a", "fields": ["name"], "purpose": "\\ud800"}'
    response = api.post(
        path.format(customer=customer.pk),
        body,
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert "not Unicode text" in response.json()["detail"]
    assert AccessEvent.objects.count() == events  # refused before any read was asked


def test_a_body_that_is_not_json_is_refused_saying_why(api, billing_clerk, customer, token_for):
    response = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        '{"fields": ["name"',
        content_type="application/json",
        **bearer(token_for(billing_clerk)),
    )
    assert response.status_code == 400 and response.json()["detail"].startswith("The body is not JSON")


def test_a_purpose_the_log_cant_store_as_it_is_is_still_logged(billing_clerk, customer):
    # Past the API (a caller of the gate's functions): the refusal is on the record, the text escaped.
    with pytest.raises(gate.Denied):
        gate.reveal(
            actor=gate.staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="\ud800"
        )
    event = AccessEvent.objects.latest("seq")
    assert event.decision == "deny" and event.purpose == "\\ud800"


def test_a_fault_of_ours_is_answered_in_json(api, billing_clerk, customer, token_for, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a fault in the server")

    monkeypatch.setattr(gate, "reveal", broken)
    response = Client(raise_request_exception=False).post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **bearer(token_for(billing_clerk)),
    )
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert "a fault in the server" not in response.content.decode()


def test_lookup_finds_by_blind_index(api, service_rep, customer, other_customer, token_for, open_request):
    headers = bearer(token_for(service_rep))
    response = api.post(
        "/api/v1/customers/lookup",
        {"field": "account_number", "value": "0010000001", "purpose": "providing_services"},
        content_type="application/json",
        **headers,
    )
    assert response.json() == {"customer_ids": [customer.pk]}
    # A request-driven purpose needs an open request the service owns, and finds only its customer.
    by_email = {"field": "email", "value": "ALICE@example.com", "purpose": "contacting_customers"}
    assert (
        api.post("/api/v1/customers/lookup", by_email, content_type="application/json", **headers).status_code
        == 404
    )
    req = open_request(customer, "customer_service")
    found = api.post(
        "/api/v1/customers/lookup",
        {**by_email, "request_id": req.pk},
        content_type="application/json",
        **headers,
    )
    assert found.json() == {"customer_ids": [customer.pk]}
    other = api.post(
        "/api/v1/customers/lookup",
        {**by_email, "value": "bob@example.net", "request_id": req.pk},
        content_type="application/json",
        **headers,
    )
    assert other.json() == {"customer_ids": []}


def test_system_and_vendor_tokens_act_as_their_job_or_vendor(
    api, customer, token_for, billing_clerk, privacy_officer, api_client_job
):
    def name_read(purpose: str, token: dict):
        body = {"fields": ["name"], "purpose": purpose}
        return api.post(
            f"/api/v1/customers/{customer.pk}/reveal", body, content_type="application/json", **token
        )

    job = bearer(token_for(job="billing_run", on_behalf_of=billing_clerk))
    assert name_read("billing", job).status_code == 200
    registered, _ = vendor_with_determination(function="consumption_reports", officer=privacy_officer)
    vendor = bearer(token_for(vendor=registered))
    assert name_read("providing_services", vendor).status_code == 404
    assert api.get("/api/v1/access-events", **vendor).status_code == 403


def test_the_privacy_officer_filters_the_access_log(
    api, privacy_officer, billing_clerk, customer, other_customer, token_for
):
    clerk = bearer(token_for(billing_clerk))
    for c in (customer, other_customer):
        api.post(
            f"/api/v1/customers/{c.pk}/reveal",
            {"fields": ["name"], "purpose": "billing"},
            content_type="application/json",
            **clerk,
        )
    events = api.get(
        "/api/v1/access-events", {"customer_id": customer.pk}, **bearer(token_for(privacy_officer))
    ).json()
    reads = [e for e in events if e["action"] == "reveal"]  # the customer's values were recorded too
    assert [(e["customer_id"], e["actor_label"], e["purpose"], e["categories"]) for e in reads] == [
        (str(customer.pk), "bill.clerk", "billing", ["name"])
    ]
    assert {e["customer_id"] for e in events} == {str(customer.pk)}
    # and the privacy officer's read of the log is in the log, for the customer it was of
    read = AccessEvent.objects.get(action="access_log_downloaded")
    assert read.actor_label == "priya.privacy" and read.customer_id == str(customer.pk)
    assert read.reason.startswith(f"downloaded {len(events)} events; filters: customer_id {customer.pk}")


def test_a_revoked_or_inactive_owner_token_stops_working(api, billing_clerk, token_for):
    raw = token_for(billing_clerk)
    billing_clerk.is_active = False
    billing_clerk.save()
    assert api.get("/api/v1/access-events", **bearer(raw)).status_code == 401


@pytest.mark.parametrize("service", list(PURPOSE_FOR))
def test_permission_matrix_of_every_endpoint(service, all_staff, customer, api, token_for):
    """Each role: 200, 403 or 404 on every endpoint, as the policy file says."""

    policy = current_policy()
    headers = bearer(token_for(all_staff[service]))
    purpose = PURPOSE_FOR[service]
    # Without an open request, a request-driven purpose reveals nothing.
    may_read_name = (service, purpose, "name") in policy.service_grants and not policy.purposes[
        purpose
    ].request_required
    reveal = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": purpose},
        content_type="application/json",
        **headers,
    )
    assert reveal.status_code == (200 if may_read_name else 404), service
    # The same request rule for lookups: without a request, no lookup for a request-driven purpose.
    may_lookup = (service, purpose, "account_number") in policy.service_grants and not policy.purposes[
        purpose
    ].request_required
    lookup = api.post(
        "/api/v1/customers/lookup",
        {"field": "account_number", "value": "0010000001", "purpose": purpose},
        content_type="application/json",
        **headers,
    )
    assert lookup.status_code == (200 if may_lookup else 404), service
    reviews = policy.services[service].reviews_access
    assert api.get("/api/v1/access-events", **headers).status_code == (200 if reviews else 403), service


def test_the_token_command_prints_a_working_token(api, billing_clerk, customer, capsys):
    call_command("api_token", "create", "--user", "bill.clerk")
    raw = capsys.readouterr().out.split("secret (shown once): ", 1)[1].split("\n")[0]
    response = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 200


def test_the_api_docs_load_nothing_from_other_sites(api):
    html = api.get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_disclosure_endpoints(api, privacy_officer, billing_clerk, customer, token_for):
    today = timezone.localdate()
    vendor = vendor_registered(
        function="mailing", officer=privacy_officer, name="Acme Mailing", contact="ops@acme.example"
    )
    officer, clerk = bearer(token_for(privacy_officer)), bearer(token_for(billing_clerk))
    url, as_json = f"/api/v1/vendors/{vendor.pk}/exports", {"content_type": "application/json"}
    assert api.post(url, **as_json, **clerk).status_code == 403
    assert api.post(url, **as_json, **officer).status_code == 409  # no determination
    determination_approved(
        vendor=vendor,
        officer=privacy_officer,
        review_by=today + timedelta(days=30),
        rationale="Bills and outage notices by mail keep customers informed and safe.",
    )
    everyone = api.post(url, **as_json, **officer)
    assert everyone.status_code == 409 and "names what is being mailed" in everyone.json()["detail"]
    mailed = {"mailing": "A planned outage notice", "customers": [customer.pk]}
    export = api.post(url, mailed, **as_json, **officer).json()
    assert export["status"] == "done" and export["rows"] == 1
    vendor_token = bearer(token_for(vendor=vendor))
    other_vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer, name="Other")
    other_vendor_token = bearer(token_for(vendor=other_vendor))
    assert api.get(f"/api/v1/exports/{export['id']}/file", **vendor_token).status_code == 200
    assert api.get(f"/api/v1/exports/{export['id']}/file", **other_vendor_token).status_code == 404
    assert api.get(f"/api/v1/exports/{export['id']}/file", **officer).status_code == 404
    summary = api.get(f"/api/v1/customers/{customer.pk}/disclosures", **officer).json()
    assert [(s["recipient"], s["times"]) for s in summary] == [("Acme Mailing", 1)]
    assert api.get(f"/api/v1/customers/{customer.pk}/disclosures", **clerk).status_code == 404


def test_an_actor_id_matches_only_actors_of_its_own_kind(
    api, privacy_officer, billing_clerk, customer, token_for, console
):
    """Staff member N and vendor N are different actors: an id is asked with its kind, and never matches
    an actor of another kind; an id alone is refused with a clear 422 (and a form error in the console)."""

    api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **bearer(token_for(billing_clerk)),
    )
    same_id = str(billing_clerk.pk)
    for kind in ("vendor", "customer", "system"):
        append_events(
            [
                {
                    "action": "vendor_export" if kind == "vendor" else "reveal",
                    "actor_kind": kind,
                    "actor_id": same_id,
                    "actor_label": f"a {kind} numbered like the clerk",
                    "purpose": "billing",
                    "customer_id": str(customer.pk),
                    "categories": "name",
                    "decision": "allow",
                    "reason": "planted",
                }
            ]
        )
    officer = bearer(token_for(privacy_officer))
    for kind in ("staff", "vendor", "customer", "system"):
        found = api.get("/api/v1/access-events", {"actor_kind": kind, "actor_id": same_id}, **officer)
        assert found.status_code == 200
        assert {(e["actor_kind"], e["actor_id"]) for e in found.json()} == {(kind, same_id)}, kind
    alone = api.get("/api/v1/access-events", {"actor_id": same_id}, **officer)
    assert alone.status_code == 422 and "actor_kind" in alone.content.decode()
    bad_kind = api.get("/api/v1/access-events", {"actor_kind": "admin", "actor_id": same_id}, **officer)
    assert bad_kind.status_code == 422

    page = console(privacy_officer).get("/staff/privacy/access/", {"actor_id": same_id})
    assert page.status_code == 400 and "Say who the number is" in page.content.decode()
    assert "numbered like the clerk" not in page.content.decode()
    page = console(privacy_officer).get(
        "/staff/privacy/access/", {"actor_kind": "vendor", "actor_id": same_id}
    )
    body = page.content.decode()
    assert "a vendor numbered like the clerk" in body and "bill.clerk" not in body.split("<tbody>")[1]
