"""Green Button Connect My Data end to end: a third party registers, the privacy officer approves it, the
customer authorises it in the portal (PKCE), it fetches ESPI resources (each one a disclosure the customer
sees), refreshes its token, and the customer revokes it: every token dies at once."""

import base64
import hashlib
import io
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client, RequestFactory
from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.services import third_party_review
from custodian.disclosures.models import Consent, DisclosureEntry
from custodian.portal.account_views import RETURN_AFTER_SIGN_IN, after_sign_in
from custodian.testing import project_file
from custodian.testing.connect import REDIRECT, SCOPE, register
from custodian.testing.portal import PASSWORD, signed_in


@pytest.fixture
def schema():
    return etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id, challenge, scope=SCOPE, **extra):
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return "/portal/connect/authorize/?" + urlencode({k: v for k, v in query.items() if v is not None})


def consent_answer(client_id, **fields) -> dict:
    """The consent screen's form as the customer sends it when they allow, with `fields` added."""
    asked = {"redirect_uri": REDIRECT, "scope": SCOPE, "client_id": client_id, "response_type": "code"}
    return {"allow": "on", "state": "xyz", **asked, **fields}


def allow(customer_client, client_id, challenge, services=("electric",), duration="365"):
    page = customer_client.get(authorize_url(client_id, challenge))
    assert page.status_code == 200, page.content.decode()[:3000]
    form = consent_answer(
        client_id,
        code_challenge=challenge,
        code_challenge_method="S256",
        services=list(services),
        duration=duration,
    )
    response = customer_client.post("/portal/connect/authorize/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["xyz"]
    return page, query["code"][0]


def code_exchanged(client_id, secret, code, verifier):
    """The third party exchanges the authorization code (with its PKCE verifier) for tokens."""
    return token(
        client_id,
        secret,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )


def token(client_id, secret, **form):
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post("/connect/oauth/token/", form, HTTP_AUTHORIZATION=f"Basic {auth}")


def fetch(access, path):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {access}")


def approved_third_party(privacy_officer):
    client_id, secret = register()
    third_party = ThirdParty.objects.get(application__client_id=client_id)
    third_party_review(third_party=third_party, reviewed_by=privacy_officer, decision="approved")
    return client_id, secret


def test_register_approve_authorise_fetch_refresh_revoke(households, privacy_officer, schema):  # noqa: F811
    (customer, app), (other, _) = households
    client_id, secret = register()
    assert secret
    customer_client = signed_in(app, "pat@example.com")
    verifier, challenge = pkce()

    # Before the privacy officer approves: no consent screen, no token; the same answer as an unknown client.
    waiting = customer_client.get(authorize_url(client_id, challenge))
    unknown = customer_client.get(authorize_url("no-such-client", challenge))
    assert waiting.status_code == unknown.status_code == 400
    assert "Sunny" not in waiting.content.decode()
    # Said to the customer in words, not in oauthlib's (its error code and its request object).
    for refused in (waiting, unknown):
        said = refused.content.decode()
        assert "not one we know or approved" in said
        assert "invalid_request" not in said and "oauthlib" not in said and "client_id" not in said
    spanish = customer_client.get(authorize_url("no-such-client", challenge) + "&lang=es").content.decode()
    assert "no es una que conozcamos" in spanish and "oauthlib" not in spanish
    customer_client.get("/portal/me/?lang=en")  # back to English for the rest

    third_party = ThirdParty.objects.get(application__client_id=client_id)
    third_party_review(third_party=third_party, reviewed_by=privacy_officer, decision="approved")
    page, code = allow(customer_client, client_id, challenge)
    words = page.content.decode()
    assert "Sunny Solar Analytics" in words and "sizing a solar installation" in words
    assert "electricity meter readings for each interval" in words and "60-minute intervals" in words

    authorization = Authorization.objects.get()
    assert authorization.customer == customer and authorization.service_list == ["electric"]
    consent = authorization.consent
    assert consent.method == "electronic" and consent.category_list == ["meter_usage"]
    assert consent.expires_on is not None

    # The code needs its PKCE verifier.
    assert (
        token(
            client_id, secret, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
        ).status_code
        == 400
    )
    issued = code_exchanged(client_id, secret, code, verifier)
    assert issued.status_code == 200, issued.content
    tokens = issued.json()
    assert tokens["scope"] == SCOPE and tokens["expires_in"] <= 3600 and tokens["refresh_token"]

    sid = authorization.pk
    batch = fetch(tokens["access_token"], f"/espi/1_1/resource/Batch/Subscription/{sid}")
    assert batch.status_code == 200, batch.content[:500]
    schema.assertValid(etree.parse(io.BytesIO(batch.content)))
    assert b"UsagePoint" in batch.content and b"RetailCustomer" not in batch.content  # no customer number
    points = fetch(tokens["access_token"], f"/espi/1_1/resource/Subscription/{sid}/UsagePoint")
    assert points.status_code == 200
    schema.assertValid(etree.parse(io.BytesIO(points.content)))
    point = fetch(tokens["access_token"], f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1")
    assert point.status_code == 200 and b"<entry" in point.content
    schema.assertValid(etree.parse(io.BytesIO(point.content)))
    readings = fetch(
        tokens["access_token"],
        f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/MeterReading/1/IntervalBlock",
    )
    assert readings.status_code == 200 and b"IntervalReading" in readings.content
    local_time = fetch(tokens["access_token"], "/espi/1_1/resource/LocalTimeParameters/1")
    assert local_time.status_code == 200 and b"LocalTimeParameters" in local_time.content

    # Gas was not chosen; another subscription, a resource that does not exist: one answer.
    assert b"<espi:kind>1</espi:kind>" not in batch.content
    assert (
        fetch(tokens["access_token"], f"/espi/1_1/resource/Subscription/{sid + 1}/UsagePoint").status_code
        == 404
    )
    assert (
        fetch(tokens["access_token"], f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/9").status_code
        == 404
    )
    assert fetch(tokens["access_token"], "/espi/1_1/resource/RetailCustomer/1").status_code == 404
    assert fetch("not-a-token", f"/espi/1_1/resource/Batch/Subscription/{sid}").status_code == 401

    # One disclosure per resource served, to the third party, on the customer's consent.
    entries = DisclosureEntry.objects.filter(customer=customer)
    assert entries.count() == 5
    assert {e.recipient_name for e in entries} == {"Sunny Solar Analytics"}
    assert {e.basis_kind for e in entries} == {"consent"} and all(
        f"consent {consent.pk}" in e.basis_ref for e in entries
    )
    assert not DisclosureEntry.objects.filter(customer=other).exists()
    reads = AccessEvent.objects.filter(actor_kind="third_party", action__in=["reveal", "reveal_intervals"])
    assert {r.customer_id for r in reads} == {str(customer.pk)} and {r.decision for r in reads} == {"allow"}
    assert {r.roles for r in reads} == {"connect_my_data"}
    shown = customer_client.get("/portal/me/who-we-gave-it-to/").content.decode()
    assert "Sunny Solar Analytics" in shown

    # Refresh: a new access token; the old refresh token is spent.
    refreshed = token(client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.content
    fresh = refreshed.json()
    assert fetch(fresh["access_token"], f"/espi/1_1/resource/Batch/Subscription/{sid}").status_code == 200

    # The customer revokes in the portal: every token dies at once.
    listed = customer_client.get("/portal/me/connected-apps/").content.decode()
    assert "Sunny Solar Analytics" in listed and "Receiving your data" in listed
    revoke = f"/portal/me/connected-apps/{sid}/revoke/"
    assert customer_client.post(revoke).status_code == 200  # the confirmation step first
    assert customer_client.post(revoke, {"confirmed": "1"}).status_code == 302
    assert hasattr(Authorization.objects.get().consent, "revocation")
    assert fetch(fresh["access_token"], f"/espi/1_1/resource/Batch/Subscription/{sid}").status_code == 401
    again = token(client_id, secret, grant_type="refresh_token", refresh_token=fresh["refresh_token"])
    assert again.status_code in (400, 401)
    assert DisclosureEntry.objects.filter(customer=customer).count() == 6


def test_no_pkce_no_code_and_an_unregistered_scope_is_refused(households, privacy_officer):  # noqa: F811
    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    without = customer_client.get(authorize_url(client_id, None, code_challenge_method=None))
    assert without.status_code in (302, 400)
    assert "code=" not in without.get("Location", "")
    other_scope = "FB=1_3_4_5_6_13_14_39;IntervalDuration=900"
    wider = customer_client.get(authorize_url(client_id, pkce()[1], scope=other_scope))
    assert "error=invalid_scope" in wider.get("Location", "") or wider.status_code == 400
    # A consent screen's answer without its PKCE challenge issues no code and records no consent.
    customer_client.get(authorize_url(client_id, pkce()[1]))
    tampered = consent_answer(client_id, services=["electric"], duration="365")
    refused = customer_client.post("/portal/connect/authorize/", tampered)
    assert refused.status_code == 400 and "code=" not in refused.get("Location", "")
    assert not Authorization.objects.exists() and not Consent.objects.exists()


def test_a_suspended_third_party_loses_every_token(households, privacy_officer):  # noqa: F811
    (_, app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    verifier, challenge = pkce()
    _, code = allow(customer_client, client_id, challenge)
    tokens = code_exchanged(client_id, secret, code, verifier).json()
    sid = Authorization.objects.get().pk
    assert fetch(tokens["access_token"], f"/espi/1_1/resource/Batch/Subscription/{sid}").status_code == 200
    third_party = ThirdParty.objects.get()
    third_party_review(
        third_party=third_party,
        reviewed_by=privacy_officer,
        decision="suspended",
        note="complaints under review",
    )
    assert fetch(tokens["access_token"], f"/espi/1_1/resource/Batch/Subscription/{sid}").status_code == 401
    assert token(
        client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    ).status_code in (
        400,
        401,
    )


def test_a_signed_out_customer_signs_in_and_comes_back_to_the_request(households, privacy_officer):  # noqa: F811

    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    customer_client.post("/portal/sign-out/")
    url = authorize_url(client_id, pkce()[1])
    assert customer_client.get(url)["Location"].split("?")[0] == "/portal/sign-in/"
    back = customer_client.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD})
    assert back["Location"] == url
    assert customer_client.get(url).status_code == 200
    # Only once, and never anywhere but a page of the portal on this site.
    assert customer_client.get("/portal/sign-in/").status_code == 200
    request = RequestFactory().get("/")
    for target in ("//evil.example/x", "https://evil.example/", "/staff/", None):
        request.session = {RETURN_AFTER_SIGN_IN: target}
        assert after_sign_in(request) == "portal:home"
    request.session = {RETURN_AFTER_SIGN_IN: "/portal/me/consents/"}
    assert after_sign_in(request) == "/portal/me/consents/"
