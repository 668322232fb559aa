"""Protection for anonymous forms that works with every cookie blocked.

Django's CSRF protection needs a cookie, so the public contact form relies instead on what browsers send on
their own: the `Origin` header (or `Sec-Fetch-Site`) must say the post came from this site; a honeypot field
catches simple bots; and each client address may post a few times per window (kept in the cache under a
salted hash of the address, never the address itself).
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from custodian.netaddr import client_ip


def same_origin(request) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        if origin == "null":
            return False
        parts = urlsplit(origin)
        return parts.netloc.lower() == request.get_host().lower()
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    return False


def rate_limited(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    address = client_ip(request.META) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{address}".encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}"
    added = cache.add(key, 1, window_seconds)
    if added:
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, window_seconds)
        return False
    return count > limit
