"""What cannot be granted is refused before anyone is asked: an authorisation request whose PKCE challenge is
not S256 never reaches the customer's consent screen, and the password grant is refused before any
credential is looked at (it would tell a right password from a wrong one, and count towards the lockout)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt

from custodian.connect.models import Authorization
from custodian.connect.tests.test_connect_my_data import (
    allow,
    approved_third_party,
    authorize_url,
    consent_answer,
    pkce,
    token,
)
from custodian.demo.personas import DEMO_PASSWORD
from custodian.disclosures.models import Consent
from custodian.testing.connect import REDIRECT, register
from custodian.testing.portal import signed_in


@pytest.mark.parametrize("method", ["plain", None])
def test_a_challenge_that_is_not_s256_is_sent_back_before_the_consent_screen(
    households,
    privacy_officer,
    method,
):
    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    _, challenge = pkce()
    answer = customer_client.get(authorize_url(client_id, challenge, code_challenge_method=method))
    assert answer.status_code == 302 and answer["Location"].startswith(REDIRECT)
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query
    assert not Authorization.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize("challenge", ["x", "", "A" * 200, "A" * 42 + "+", "A" * 44])
def test_a_challenge_no_verifier_could_match_is_sent_back_before_the_consent_screen(
    households, privacy_officer, challenge
):
    """A code issued for it could never be exchanged: the customer would agree for nothing (and end the
    authorisation they already have with the app)."""
    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    answer = signed_in(app, "pat@example.com").get(authorize_url(client_id, challenge))
    assert answer.status_code == 302 and answer["Location"].startswith(REDIRECT)
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query
    assert not Authorization.objects.exists() and not Consent.objects.exists()


def test_a_customer_who_already_shares_with_the_app_is_told_allowing_replaces_it(households, privacy_officer):
    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    customer_client = signed_in(app, "pat@example.com")
    first, _ = allow(customer_client, client_id, pkce()[1])
    assert "You already share your data with" not in first.content.decode()
    again = customer_client.get(authorize_url(client_id, pkce()[1])).content.decode()
    assert "You already share your data with Sunny Solar Analytics" in again
    assert "it replaces that sharing" in again


def password_grant(client_id, secret, username, password):
    return token(client_id, secret, grant_type="password", username=username, password=password)


def test_the_password_grant_is_refused_alike_for_a_right_and_a_wrong_password(privacy_officer, web_editor):
    client_id, secret = approved_third_party(privacy_officer)
    right = password_grant(client_id, secret, web_editor.username, DEMO_PASSWORD)
    wrong = password_grant(client_id, secret, web_editor.username, "not-the-password")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json() and right.json()["error"] == "unsupported_grant_type"
    assert not AccessAttempt.objects.exists()  # nothing counted towards the staff member's lockout


@pytest.mark.parametrize(
    "answer",
    [
        {"allow": "on"},  # Pat allows
        {},  # Pat refuses
        {"redirect_uri": None, "scope": None, "response_type": None},  # the form comes back incomplete
    ],
    ids=["allowed", "refused", "incomplete"],
)
@pytest.mark.parametrize("client", ["unknown", "unapproved"])
def test_a_client_not_known_or_not_approved_is_answered_on_post_as_on_get(
    households, privacy_officer, client, answer
):
    """Pat is sent the consent screen of a client we do not know (or whose registration waits for review):
    its GET is refused 400 with the page saying the request can't be shown; a POST of the screen's form,
    however it comes, gets that same answer and sends nothing to any redirect URI."""
    (_, app), _ = households
    client_id = "no-such-client" if client == "unknown" else register()[0]
    pat = signed_in(app, "pat@example.com")
    _, challenge = pkce()
    asked = pat.get(authorize_url(client_id, challenge))
    form = {
        k: v
        for k, v in {
            **consent_answer(client_id, code_challenge=challenge, code_challenge_method="S256"),
            "allow": None,
            "services": ["electric"],
            "duration": "365",
            **answer,
        }.items()
        if v is not None
    }
    posted = pat.post("/portal/connect/authorize/", form)
    assert asked.status_code == posted.status_code == 400
    assert "Location" not in posted
    refusal = "The application asking is not one we know or approved, or its request is not valid."
    assert refusal in asked.content.decode() and refusal in posted.content.decode()
    assert not Authorization.objects.exists() and not Consent.objects.exists()
