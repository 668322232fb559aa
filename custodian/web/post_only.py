"""Addresses that take a form's answer only (POST), and what a person who opens one anyway sees.

A browser opens such an address by GET when a form's answer is bookmarked, reloaded after a redirect was lost,
or shared as a link. Django's `require_POST` answers that with an empty 405, a blank page. Here:

- `post_only(form_page)`: a GET (or HEAD) goes to the page that holds the form, where the reader can use it;
  any other method is refused as before.
- `MethodNotAllowedPageMiddleware`: any other empty 405 (a console action, the text-size preference) is drawn
  as a page in the area's layout, saying what happened and where to go, with its `Allow` header kept.
"""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string


def post_only(form_page: str):
    """`@post_only("portal:bills")` in place of `@require_POST` (below `@portal_required`, so a visitor who is
    not signed in is asked to sign in first)."""

    def decorate(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(form_page)
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *args, **kwargs)

        inner.form_page = form_page  # where the form is (a sign-in that ran out returns there)
        return inner

    return decorate


# Where programs, not people, call: their 405 stays as the protocol has it.
MACHINE_AREAS = ("/api/", "/espi/", "/connect/oauth/", "/payments/webhook")


class MethodNotAllowedPageMiddleware:
    """After the language and messages middleware (so the page is drawn in the reader's language). Only a
    page opened by a browser (GET or HEAD) outside the machine areas is drawn."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or request.path_info.startswith(MACHINE_AREAS)
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        allowed = response.headers.get("Allow", "")
        try:
            html = render_to_string(
                "405.html", {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]}, request
            )
        except Exception:  # noqa: BLE001 (an error page must not fail in turn: keep Django's answer)
            return response
        response.content = html.encode()
        response["Content-Type"] = "text/html; charset=utf-8"
        return response
