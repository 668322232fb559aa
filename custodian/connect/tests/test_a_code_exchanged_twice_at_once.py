"""Token requests sent together with one authorization code: one gets the tokens, every other is refused 400
invalid_grant (never a server error) and leaves no token behind. Each way a second exchange can overtake the
first is played in turn (the grant gone while the code is checked, the code's spent record written meanwhile,
the grant gone once the tokens are saved); on PostgreSQL, threads also send the requests at once.

Personas: Pat (online), who authorises a third party approved by the privacy officer."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from custodian.connect.models import SpentCode
from custodian.connect.oauth import ApprovedThirdPartiesOnly, _digest
from custodian.connect.tests.test_connect_my_data import allow, approved_third_party, code_exchanged, pkce
from custodian.testing import postgres_only
from custodian.testing.portal import signed_in


@pytest.fixture
def code_to_exchange(households, privacy_officer):
    """(client id, secret, code, verifier): Pat's authorisation, its code not yet exchanged."""
    (_, app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    verifier, challenge = pkce()
    _, code = allow(signed_in(app, "pat@example.com"), client_id, challenge)
    return client_id, secret, code, verifier


def _grant_taken(request):
    Grant.objects.filter(code=request.code).delete()


def _spent_recorded(request):
    SpentCode.objects.create(
        code_checksum=_digest(request.code), application=request.client, token_family=uuid.uuid4()
    )


# Where another exchange of the same code overtakes this one, and what it leaves.
OVERTAKEN = {
    "the grant gone while the code is checked": ("validate_code", _grant_taken),
    "the spent record written before this one's": ("validate_code", _spent_recorded),
    "the grant gone once the tokens are saved": ("save_bearer_token", _grant_taken),
}


@pytest.mark.parametrize("how", OVERTAKEN)
def test_an_exchange_overtaken_by_another_is_refused_and_keeps_no_token(code_to_exchange, monkeypatch, how):
    step, meanwhile = OVERTAKEN[how]
    original = getattr(ApprovedThirdPartiesOnly, step)

    def overtaken(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        meanwhile(args[-1] if step == "save_bearer_token" else args[3])
        return result

    monkeypatch.setattr(ApprovedThirdPartiesOnly, step, overtaken)
    answer = code_exchanged(*code_to_exchange)
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_grant"}
    assert "no-store" in answer["Cache-Control"]
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_requests_sent_at_once_with_one_code_get_one_set_of_tokens(code_to_exchange):
    def exchange(_):
        try:
            answer = code_exchanged(*code_to_exchange)
            return answer.status_code, answer.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(exchange, range(6)))
    assert sorted(status for status, _ in answers) == [200] + [400] * 5, answers
    assert all(body == {"error": "invalid_grant"} for status, body in answers if status == 400)
    # At most the one exchange's tokens (revoked once the code came again, RFC 6749 §4.1.2), no other's.
    assert AccessToken.objects.count() <= 1 and RefreshToken.objects.count() <= 1
