"""The ESPI resource server: a bearer token of an approved third party, the authorisation in force behind
it, and the resource its subscription holds. A token that is missing, expired or revoked is 401; a
resource that does not exist and one not allowed get the same 404."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET
from oauth2_provider.oauth2_backends import get_oauthlib_core

from custodian.connect.resources import RESOURCE_ROOT, resource_serve
from custodian.connect.selectors import authorization_of_token
from custodian.netaddr import client_ip
from custodian.vault.gate import Denied

NOT_FOUND = "No such resource, or not allowed."


def _not_found() -> HttpResponse:
    return HttpResponse(NOT_FOUND, status=404, content_type="text/plain")


def _subscription_of(resource: str) -> int | None:
    """The subscription id a resource path names, or None for the subscription-wide ones."""
    parts = resource.split("/")
    if parts[:2] == ["Batch", "Subscription"] and len(parts) == 3:
        return int(parts[2]) if parts[2].isdigit() else -1
    if parts[0] == "Subscription" and len(parts) >= 2:
        return int(parts[1]) if parts[1].isdigit() else -1
    if parts[0] in ("ReadingType", "LocalTimeParameters") and len(parts) == 2:
        return None
    return -1


@require_GET
def resource(request, resource: str):
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid:
        response = HttpResponse("A valid bearer token is needed.", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    authorization = authorization_of_token(oauth_request.access_token)
    subscription = _subscription_of(resource)
    if authorization is None or subscription == -1 or subscription not in (None, authorization.pk):
        return _not_found()
    try:
        body = resource_serve(
            authorization=authorization,
            path=RESOURCE_ROOT + resource,
            base_url=request.build_absolute_uri("/"),
            client_ip=client_ip(request),
        )
    except Denied:
        return _not_found()
    if body is None:
        return _not_found()
    return HttpResponse(body, content_type="application/atom+xml")
