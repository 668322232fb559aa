"""Where a `next` parameter may send the browser: a path on this site, never another site.

`startswith("/")` is not enough: `//evil.example/x` and `/\\evil.example` are other sites to a browser.
Django's `url_has_allowed_host_and_scheme` knows those forms; every view that follows a `next` (from a form,
a query string or the session) asks `safe_next`. Nor is a prefix of the path as written: a browser resolves
`/portal/../staff/` (and `%2e%2e`, a dot escaped) to `/staff/`, so the path is checked as the browser will
resolve it."""

import posixpath
from urllib.parse import unquote, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def _resolved_path(target: str) -> str:
    """The path a browser goes to: escapes read, dot segments resolved, a trailing slash kept."""
    path = unquote(urlsplit(target).path)
    resolved = posixpath.normpath(path) if path else ""
    return resolved + "/" if path.endswith("/") and not resolved.endswith("/") else resolved


def safe_next(request, target, fallback: str, *, under: str = "/") -> str:
    """`target` if it is a path on this site (below `under`), else `fallback` (a URL name or path)."""
    target = str(target or "")
    if _resolved_path(target).startswith(under) and url_has_allowed_host_and_scheme(
        target, allowed_hosts=set(), require_https=request.is_secure()
    ):
        return target
    return fallback
