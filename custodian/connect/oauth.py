"""django-oauth-toolkit's validator for Connect My Data: a client is usable only while its third party is
approved (an unknown client and an unapproved one get the same refusal), and only the authorization code
grant with PKCE (settings) is offered."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class ApprovedThirdPartiesOnly(OAuth2Validator):
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        third_party = getattr(application, "third_party", None) if application is not None else None
        if third_party is None or not third_party.approved:
            request.client = None
            return None
        return application
