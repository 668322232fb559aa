"""When the customer's consent ends on its date, the third party's refresh token stops working with it (not
only its reads), and the public registration form can't be used to flood the privacy officer's review list."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.tests.test_connect_my_data import (
    allow,
    approved_third_party,
    code_exchanged,
    fetch,
    pkce,
    token,
)
from custodian.testing.connect import REGISTRATION
from custodian.testing.portal import signed_in
from custodian.web.third_party_registration import REGISTRATIONS_PER_DAY


def test_a_refresh_token_is_refused_once_the_consent_has_ended(households, privacy_officer, monkeypatch):  # noqa: F811
    (_, app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    verifier, challenge = pkce()
    _, code = allow(customer_client, client_id, challenge, duration="90")
    tokens = code_exchanged(client_id, secret, code, verifier).json()
    authorization = Authorization.objects.get()
    sid = authorization.pk
    batch = f"/espi/1_1/resource/Batch/Subscription/{sid}"
    assert fetch(tokens["access_token"], batch).status_code == 200

    # The last day of the consent: still honoured.
    last_day = authorization.consent.expires_on
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: last_day)
    refreshed = token(client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.content
    tokens = refreshed.json()

    # The day after: no read and no new token, for the same reason, whatever the token's own lifetime says.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: last_day + timedelta(days=1))
    assert fetch(tokens["access_token"], batch).status_code == 404
    again = token(client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_one_network_registers_a_few_third_parties_a_day(db):
    for n in range(REGISTRATIONS_PER_DAY):
        made = Client().post("/connect/register/", {**REGISTRATION, "name": f"Registrant {n}"})
        assert made.status_code == 201, made.content.decode()[:2000]
    refused = Client().post("/connect/register/", {**REGISTRATION, "name": "One too many"})
    assert refused.status_code == 429
    assert "Too many registrations from your network" in refused.content.decode()
    assert ThirdParty.objects.count() == REGISTRATIONS_PER_DAY
    # Reading the form is not counted.
    assert Client().get("/connect/register/").status_code == 200
