"""A spent authorization code is kept while the tokens issued from it could be live, and pruned by the daily
retention run once none can (its family's refresh tokens revoked, or dormant past the refresh lifetime): not
at a fixed age, since an app refreshing its tokens keeps the family live as long as the authorisation stands.
The run prints how many it pruned, and a second run prunes none; the dry run counts them and deletes
nothing. A code still kept revokes its family when presented again; a pruned one is refused all the same."""

from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from custodian.connect.models import SpentCode
from custodian.connect.tests.test_connect_my_data import (
    allow,
    approved_third_party,
    code_exchanged,
    pkce,
    token,
)
from custodian.testing.portal import signed_in

REFRESH_LIFETIME = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])


def authorised(app, email, client_id, secret):
    """The customer signed in as `email` authorises the app, which exchanges the code: (code, verifier,
    tokens)."""
    verifier, challenge = pkce()
    _, code = allow(signed_in(app, email), client_id, challenge)
    tokens = code_exchanged(client_id, secret, code, verifier).json()
    return code, verifier, tokens


def run(*options) -> str:
    out = StringIO()
    call_command("retention_run", *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_spent_codes_go_once_their_tokens_cannot_be_live(households, privacy_officer):
    (_, pat_app), (_, ann_app) = households
    client_id, secret = approved_third_party(privacy_officer)
    pat_code, pat_verifier, pat_tokens = authorised(pat_app, "pat@example.com", client_id, secret)
    pat_spent = SpentCode.objects.get()
    ann_code, ann_verifier, _ = authorised(ann_app, "ann@example.com", client_id, secret)
    ann_spent = SpentCode.objects.exclude(pk=pat_spent.pk).get()

    # Pat's app refreshes its tokens: the family lives on, however long ago the code was spent.
    refreshed = token(
        client_id, secret, grant_type="refresh_token", refresh_token=pat_tokens["refresh_token"]
    ).json()
    SpentCode.objects.filter(pk=pat_spent.pk).update(
        spent_at=timezone.now() - REFRESH_LIFETIME - timedelta(days=30)
    )
    # Ann's app went quiet: its access token expired longer ago than the refresh lifetime.
    AccessToken.objects.filter(
        pk__in=RefreshToken.objects.filter(token_family=ann_spent.token_family).values("access_token")
    ).update(expires=timezone.now() - REFRESH_LIFETIME - timedelta(minutes=1))

    looked = run("--dry-run")
    assert "connect_spent_codes: 1 due" in looked
    assert SpentCode.objects.count() == 2

    said = run()
    assert "connect_spent_codes: 1 pruned" in said
    assert list(SpentCode.objects.values_list("pk", flat=True)) == [pat_spent.pk]
    assert "connect_spent_codes: 0 pruned" in run(), "a second run prunes nothing"

    # Ann's pruned code, presented again, is refused as before (the toolkit deleted it at the exchange).
    again = code_exchanged(client_id, secret, ann_code, ann_verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # Pat's kept code, presented again, still revokes the family it started, its refreshed tokens included.
    again = code_exchanged(client_id, secret, pat_code, pat_verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert (
        token(
            client_id, secret, grant_type="refresh_token", refresh_token=refreshed["refresh_token"]
        ).status_code
        == 400
    )
    # Its family revoked, nothing is left for the code to revoke: the next run prunes it.
    assert "connect_spent_codes: 1 pruned" in run()
    assert not SpentCode.objects.exists()
