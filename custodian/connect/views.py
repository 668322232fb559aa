"""The ESPI resource server: a bearer token of an approved third party, and what it may read. A customer's
token reads the resources of the subscription behind it; the third party's own client credentials token
(no customer behind it) reads its registration, its authorisations and the bulk feed of its customers. A
token that is missing, expired or revoked is 401; a resource that does not exist and one not allowed
(another third party's, another subscription's, the wrong kind of token) get the same 404."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from oauth2_provider.oauth2_backends import get_oauthlib_core

from custodian.connect.admin_resources import application_information, authorizations_document, bulk_serve
from custodian.connect.resources import RESOURCE_ROOT, QueryError, query_window, resource_serve
from custodian.connect.scopes import CLIENT_ACCESS_SCOPE, REGISTRATION_ACCESS_SCOPE
from custodian.connect.selectors import authorization_of_token, third_party_of_client_token
from custodian.netaddr import client_ip
from custodian.vault.gate import Denied

NOT_FOUND = "No such resource, or not allowed."
ATOM = "application/atom+xml"


def _not_found() -> HttpResponse:
    return HttpResponse(NOT_FOUND, status=404, content_type="text/plain")


def _unauthorized() -> HttpResponse:
    response = HttpResponse("A valid bearer token is needed.", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _bearer(request):
    """The request's valid access token, or None."""
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    return oauth_request.access_token if valid else None


def _subscription_of(resource: str) -> int | None:
    """The subscription id a resource path names, or None for the subscription-wide ones."""
    parts = resource.split("/")
    if parts[:2] == ["Batch", "Subscription"] and len(parts) == 3:
        return int(parts[2]) if parts[2].isdigit() else -1
    if parts[0] == "Subscription" and len(parts) >= 2:
        return int(parts[1]) if parts[1].isdigit() else -1
    if parts[0] in ("ReadingType", "LocalTimeParameters") and len(parts) <= 2:
        return None  # one of them, or the collection the feed's entries name as their "up": the token's own
    return -1


@csrf_exempt  # a bearer token, never a cookie, signs in here: a POST is answered 405 as documented
@require_GET
def resource(request, resource: str):
    token = _bearer(request)
    if token is None:
        return _unauthorized()
    authorization = authorization_of_token(token)
    subscription = _subscription_of(resource)
    if authorization is None or subscription == -1 or subscription not in (None, authorization.pk):
        return _not_found()
    try:
        window = query_window(request.GET)
    except QueryError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    try:
        body = resource_serve(
            authorization=authorization,
            path=RESOURCE_ROOT + resource,
            base_url=request.build_absolute_uri("/"),
            client_ip=client_ip(request),
            window=window,
        )
    except Denied:
        return _not_found()
    if body is None:
        return _not_found()
    return HttpResponse(body, content_type=ATOM)


@csrf_exempt  # a bearer token, never a cookie, signs in here: a POST is answered 405 as documented
@require_GET
def application_information_read(request, application_id: int):
    """Its own registration, with its registration access token (or its client access token: both are
    its own credentials)."""
    token = _bearer(request)
    if token is None:
        return _unauthorized()
    third_party = third_party_of_client_token(token, scope=REGISTRATION_ACCESS_SCOPE) or (
        third_party_of_client_token(token, scope=CLIENT_ACCESS_SCOPE)
    )
    if third_party is None or third_party.pk != application_id:
        return _not_found()
    return HttpResponse(
        application_information(third_party=third_party, base_url=request.build_absolute_uri("/")),
        content_type=ATOM,
    )


@csrf_exempt  # a bearer token, never a cookie, signs in here: a POST is answered 405 as documented
@require_GET
def authorization_list(request, authorization_id: int | None = None):
    """The authorisations customers gave it, or one of them, with its client access token."""
    token = _bearer(request)
    if token is None:
        return _unauthorized()
    third_party = third_party_of_client_token(token, scope=CLIENT_ACCESS_SCOPE)
    if third_party is None:
        return _not_found()
    body = authorizations_document(
        third_party=third_party, base_url=request.build_absolute_uri("/"), authorization_id=authorization_id
    )
    return _not_found() if body is None else HttpResponse(body, content_type=ATOM)


@csrf_exempt  # a bearer token, never a cookie, signs in here: a POST is answered 405 as documented
@require_GET
def bulk(request, bulk_id: int):
    """Every standing authorisation's data in one feed, with its client access token; its one bulk id is
    the id of its registration."""
    token = _bearer(request)
    if token is None:
        return _unauthorized()
    third_party = third_party_of_client_token(token, scope=CLIENT_ACCESS_SCOPE)
    if third_party is None or third_party.pk != bulk_id:
        return _not_found()
    body = bulk_serve(
        third_party=third_party, base_url=request.build_absolute_uri("/"), client_ip=client_ip(request)
    )
    return HttpResponse(body, content_type=ATOM)
