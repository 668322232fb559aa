"""No copy of a page that carries personal data is kept by a browser or a shared cache.

Decided by where the page is, not view by view, so a new view can't forget: everything under the staff
console, the portal, the API, the payment webhooks, Connect My Data's ESPI resource server (a third party's
meter data, and its 401 and 404 answers alike) and its OAuth endpoints (their pages, downloads and JSON),
every answer to a form post (it may echo what was typed), and every page seen by someone signed in gets
`Cache-Control: no-store, private` (with Django's never-cache headers). Public pages for anonymous visitors
stay cacheable. Every top-level area of the URL configuration is either in `PRIVATE_AREAS` or named as public
in `custodian/web/tests/test_no_store.py`, so a new area is decided on when it is added."""

from django.utils.cache import add_never_cache_headers

PRIVATE_AREAS = ("/staff/", "/portal/", "/api/", "/payments/", "/espi/", "/connect/oauth/")


def carries_personal_data(request) -> bool:
    user = getattr(request, "user", None)
    return (
        request.path_info.startswith(PRIVATE_AREAS)
        or request.method not in ("GET", "HEAD")
        or bool(user is not None and user.is_authenticated)
    )


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_personal_data(request):
            add_never_cache_headers(response)
        return response
