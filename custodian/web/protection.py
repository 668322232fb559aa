"""Protection for anonymous forms that works with every cookie blocked.

Django's CSRF protection needs a cookie, so the public contact form relies instead on what browsers send on
their own: the `Origin` header (or `Sec-Fetch-Site`) must say the post came from this site; a honeypot field
catches simple bots; and each client address may post a few times per window (counted in the database or
Redis, shared by every server process, under a salted hash of the address, never the address itself:
custodian.web.counters).
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings

from custodian.netaddr import client_ip, rate_subject
from custodian.web.counters import attempts_counted, count_attempt


def same_origin(request) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        if origin == "null":
            return False
        parts = urlsplit(origin)
        # Scheme and host, as browsers define an origin: a page over plain http is not the https site.
        return parts.scheme == request.scheme and parts.netloc.lower() == request.get_host().lower()
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    return False


def _counter_key(scope: str, subject: str) -> str:
    """The counter holds only a keyed hash of the subject (an address, an account number), never it."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{subject}".encode()).hexdigest()[:32]
    return f"rate:{scope}:{digest}"


def over_limit(*, scope: str, subject: str, limit: int, window_seconds: int) -> bool:
    """Count one more attempt by `subject` in `scope`; True once it exceeds `limit` in the window."""
    return count_attempt(_counter_key(scope, subject), window_seconds) > limit


def rate_limited(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Per client address (through trusted proxies only), an IPv6 client by its /64 (`rate_subject`)."""
    subject = rate_subject(client_ip(request)) or "unknown"
    return over_limit(scope=scope, subject=subject, limit=limit, window_seconds=window_seconds)


def failures_reached(request, *, scope: str, limit: int) -> bool:
    """Whether the client's address (as `rate_limited` counts it) has `limit` failures counted in `scope`'s
    window already, counting nothing: a limit on failures asks this first and counts with `rate_limited`
    only what failed, so successful attempts never use it up."""
    subject = rate_subject(client_ip(request)) or "unknown"
    return attempts_counted(_counter_key(scope, subject)) >= limit
