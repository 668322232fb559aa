"""django-oauth-toolkit's validator for Connect My Data: a client is usable only while its third party is
approved (an unknown client and an unapproved one get the same refusal); customers' data flows only
through the authorization code grant with PKCE (settings); an approved confidential third party may also
use the client credentials grant for its own view (ESPI's client and registration access tokens, scopes in
`scopes.ADMIN_SCOPES`); and a refresh token is honoured only while the customer's authorisation behind it
stands (its consent neither revoked nor past its end date). The token endpoint (`TokenView`) answers a
grant type it does not offer as RFC 6749 §5.2 says, before the toolkit looks for that grant's parameters, and
exchanges a code one request at a time: requests sent together with one code get one set of tokens, the others
invalid_grant, as a code presented again does."""

import hashlib
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from oauth2_provider.models import Application, Grant, RefreshToken, refresh_token_expire_timedelta
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import TokenView as ToolkitTokenView
from oauthlib.oauth2.rfc6749 import errors

from custodian.connect.models import SpentCode
from custodian.connect.selectors import authorization_of_user

CLIENT_CREDENTIALS = "client_credentials"
# The grants the token endpoint serves: a customer's authorisation (its code, then its refresh token) and a
# third party's own view (client credentials). The toolkit knows others (the device code, the password),
# none of which Custodian offers.
GRANTS_OFFERED = frozenset({"authorization_code", "refresh_token", CLIENT_CREDENTIALS})
# An S256 challenge is BASE64URL(SHA-256(verifier)) without padding: 43 characters of that alphabet
# (RFC 7636 §4.2). Anything else can never match a verifier, so a code issued for it could never be used.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


class CodeTakenMeanwhile(Exception):
    """The code was exchanged by another request while this one used it (its grant gone, its spent record
    there): the exchange is undone and answered invalid_grant (`TokenView`). Not an OAuth2Error, which the
    toolkit would answer after keeping the tokens it had saved."""


class ApprovedThirdPartiesOnly(OAuth2Validator):
    def is_pkce_required(self, client_id, request):
        # Only S256 (settings), but the toolkit refuses "plain" only when it issues the code, after the
        # customer has read the consent screen and said yes; oauthlib also takes a challenge with no method
        # as "plain". Refused here, before the screen, as a missing challenge is: the third party is sent
        # back with invalid_request and the customer is never asked to agree to what cannot be granted.
        if request.code_challenge is not None and request.code_challenge_method != "S256":
            raise errors.UnsupportedCodeChallengeMethodError(request=request)
        if request.code_challenge is not None and not S256_CHALLENGE.fullmatch(request.code_challenge):
            raise errors.InvalidRequestError(
                description="code_challenge is not an S256 challenge (43 base64url characters)",
                request=request,
            )
        return super().is_pkce_required(client_id, request)

    def validate_user(self, username, password, client, request, *args, **kwargs):
        # The password grant is never offered (settings), but oauthlib asks for the user before it asks
        # whether the grant is allowed: the toolkit's answer would tell a right password from a wrong one
        # and count towards the staff sign-in lockout. Refused before any credential is looked at.
        raise errors.UnsupportedGrantTypeError(request=request)

    def _load_application(self, client_id, request):
        if "\x00" in (client_id or ""):
            # No client id holds one, and PostgreSQL refuses it in a query: unknown, as any other.
            request.client = None
            return None
        application = super()._load_application(client_id, request)
        third_party = getattr(application, "third_party", None) if application is not None else None
        if third_party is None or not third_party.approved:
            request.client = None
            return None
        return application

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        # The toolkit allows one grant type per Application, and a third party's is the authorization code
        # (the customers' authorisations and their refresh tokens). ESPI asks the same registration, with the
        # same client id and secret, to obtain its client access token with the client credentials grant, so
        # the grant is allowed here for an approved confidential client rather than by a second Application:
        # a second one would be a second set of credentials to issue, review, suspend and revoke, and a
        # suspension of the first would leave the second working. A public client has no secret to prove
        # who asks, so it never gets a token without a customer behind it.
        if grant_type == CLIENT_CREDENTIALS:
            third_party = getattr(client, "third_party", None)
            return (
                third_party is not None
                and third_party.approved
                and client.client_type == Application.CLIENT_CONFIDENTIAL
            )
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def save_bearer_token(self, token, request, *args, **kwargs):
        super().save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and token.get("refresh_token"):
            family = (
                RefreshToken.objects.filter(token_checksum=_digest(token["refresh_token"]))
                .values_list("token_family", flat=True)
                .first()
            )
            if family is not None:
                SpentCode.objects.create(
                    code_checksum=_digest(request.code), application=request.client, token_family=family
                )

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        # Asked once the tokens are saved: a grant gone by then went to another request's exchange.
        try:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        except errors.InvalidGrantError:
            raise CodeTakenMeanwhile from None

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        # A code exchanged already (the toolkit deleted it then): refused (invalid_grant), and the tokens
        # issued from it revoked, RFC 6749 §4.1.2, by the toolkit's own revocation of a token family.
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return True
        spent = SpentCode.objects.filter(code_checksum=_digest(code), application=client).first()
        if spent is not None:
            RefreshToken.revoke_family(spent.token_family)
        return False

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        # The toolkit checks the token itself (known, not spent, of this client); the consent is ours to
        # check: once it ends, the third party gets no new access token, not even for the last hour.
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        third_party = getattr(client, "third_party", None)
        return (
            third_party is not None
            and authorization_of_user(user_id=request.user.pk, third_party=third_party) is not None
        )


# How long a spent code is kept. The settings give an access token an hour (CUSTODIAN_CONNECT_ACCESS_SECONDS)
# and a refresh token 90 days (CUSTODIAN_CONNECT_REFRESH_DAYS, REFRESH_TOKEN_EXPIRE_SECONDS), but the toolkit
# counts the 90 days from the expiry of the refresh token's latest access token, and every refresh rotates the
# pair within the code's family: an app that refreshes at least every 90 days keeps the family live for as
# long as the customer's authorisation stands (up to the three years `services.DURATIONS` offers, or longer
# once renewed). So no fixed age since the exchange bounds it: pruning a code at 90 days would let the code,
# stolen and presented again, leave the tokens of a family still in use standing. The bound is each family's
# own: a spent code is kept while a refresh token of its family could still be honoured (not revoked, its
# access token expired less than the refresh lifetime ago; or revoked within the toolkit's grace period, when
# one is set), and goes once none can: presented again then, there is nothing left to revoke, and the code
# itself is refused anyway (the toolkit deleted it at the exchange, and it expired 60 seconds after issue).
def _live_refresh_tokens(now: datetime):
    unrevoked = Q(revoked__isnull=True, access_token__isnull=False)
    lifetime = refresh_token_expire_timedelta()
    if lifetime is not None:
        unrevoked &= Q(access_token__expires__gt=now - lifetime)
    grace = oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS
    live = unrevoked | Q(revoked__gt=now - timedelta(seconds=grace)) if grace else unrevoked
    return RefreshToken.objects.filter(live)


def spent_codes_past_mattering(now: datetime):
    """The spent codes none of whose family's tokens could still be live at `now`."""
    live = _live_refresh_tokens(now).filter(token_family=OuterRef("token_family"))
    return SpentCode.objects.filter(~Exists(live))


def spent_codes_prune(now: datetime) -> int:
    """Delete the spent codes past mattering (`spent_codes_past_mattering`); how many."""
    deleted, _by_model = spent_codes_past_mattering(now).delete()
    return deleted


def _digest(secret: str) -> str:
    """A code's or token's digest, as the toolkit keeps tokens (`token_checksum`)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenView(ToolkitTokenView):
    """The toolkit's token endpoint, for the grants Custodian offers: any other grant type named (a device
    code, which the toolkit would read a missing parameter of and fail, the password, one made up) is
    refused 400 `unsupported_grant_type` before anything else is read. A request naming none is the
    toolkit's to refuse (`invalid_request`)."""

    def post(self, request, *args, **kwargs):
        named = request.POST.getlist("grant_type")
        if named and any(g not in GRANTS_OFFERED for g in named):
            return _refused(errors.UnsupportedGrantTypeError())
        if named == ["authorization_code"]:
            return self._code_exchanged(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def _code_exchanged(self, request, *args, **kwargs):
        """The toolkit's exchange of a code, in one transaction that first locks the code's grant (on
        PostgreSQL; SQLite writes one at a time): a second request with the same code waits, then finds the
        grant gone and is refused as a code presented again (its family revoked, `validate_code`). Where a
        database lets two through anyway, whichever finds the grant gone in mid-exchange (the toolkit reads
        it again for PKCE and the redirect URI, and deletes it last) or the code's spent record written
        (`save_bearer_token`) is undone, so it leaves no tokens, and answered invalid_grant."""
        try:
            with transaction.atomic():
                code = request.POST.get("code", "")
                if "\x00" not in code:  # no code holds one, and PostgreSQL refuses it in a query
                    list(Grant.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
                return super().post(request, *args, **kwargs)
        except (Grant.DoesNotExist, IntegrityError, CodeTakenMeanwhile):
            return _refused(errors.InvalidGrantError())


def _refused(error: errors.OAuth2Error) -> JsonResponse:
    """The token endpoint's refusal with `error`'s code (RFC 6749 §5.2), never cached."""
    response = JsonResponse({"error": error.error}, status=error.status_code)
    response["Cache-Control"], response["Pragma"] = "no-store", "no-cache"
    return response
