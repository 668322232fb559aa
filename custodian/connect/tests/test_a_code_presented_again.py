"""An authorization code presented a second time is refused (invalid_grant) and the tokens issued from its
first exchange are revoked, RFC 6749 §4.1.2: the access token, its refresh token and those rotated from it;
another code's tokens stay valid."""

from custodian.connect.models import Authorization
from custodian.connect.tests.test_connect_my_data import (
    allow,
    approved_third_party,
    code_exchanged,
    fetch,
    pkce,
    token,
)
from custodian.testing.portal import signed_in


def test_a_code_used_twice_revokes_every_token_issued_from_it(households, privacy_officer):
    (_, app), (_, other_app) = households
    client_id, secret = approved_third_party(privacy_officer)
    verifier, challenge = pkce()
    _, code = allow(signed_in(app, "pat@example.com"), client_id, challenge)
    first = code_exchanged(client_id, secret, code, verifier).json()
    sid = Authorization.objects.get().pk
    batch = f"/espi/1_1/resource/Batch/Subscription/{sid}"
    refreshed = token(
        client_id, secret, grant_type="refresh_token", refresh_token=first["refresh_token"]
    ).json()
    assert fetch(refreshed["access_token"], batch).status_code == 200
    # Another customer's authorisation of the same third party, its own code: untouched.
    other_verifier, other_challenge = pkce()
    _, other_code = allow(signed_in(other_app, "ann@example.com"), client_id, other_challenge)
    other = code_exchanged(client_id, secret, other_code, other_verifier).json()
    other_sid = Authorization.objects.exclude(pk=sid).get().pk

    again = code_exchanged(client_id, secret, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert fetch(refreshed["access_token"], batch).status_code == 401
    for spent in (first["refresh_token"], refreshed["refresh_token"]):
        assert token(client_id, secret, grant_type="refresh_token", refresh_token=spent).status_code == 400
    assert (
        fetch(other["access_token"], f"/espi/1_1/resource/Batch/Subscription/{other_sid}").status_code == 200
    )
