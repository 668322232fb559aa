"""django-oauth-toolkit's validator for Connect My Data: a client is usable only while its third party is
approved (an unknown client and an unapproved one get the same refusal), only the authorization code grant
with PKCE (settings) is offered, and a refresh token is honoured only while the customer's authorisation
behind it stands (its consent neither revoked nor past its end date)."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from custodian.connect.selectors import authorization_of_user


class ApprovedThirdPartiesOnly(OAuth2Validator):
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        third_party = getattr(application, "third_party", None) if application is not None else None
        if third_party is None or not third_party.approved:
            request.client = None
            return None
        return application

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
