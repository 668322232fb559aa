"""Every route of the URL configuration, read from the code, so a test of every page covers a new one."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

# An id too large for the database.
HUGE_ID = "9" * 24


def routes() -> list[str]:
    """Every route, its path parameters filled with a number too large for the database."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    filled = []
    for route in walk(get_resolver().url_patterns, ""):
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "csv" if m.group(1) == "fmt" else HUGE_ID, route)
        filled.append("/" + path)
    # Signing out ends the session the later routes need.
    return sorted(set(filled), key=lambda p: ("sign-out" in p or "logout" in p, p))


def named_routes(under: str) -> dict[str, str]:
    """Every named route whose path starts with `under` ("staff/", "espi/"), from the URL configuration:
    its "namespace:name" → its route pattern. A route there without a name fails: no test could name it."""
    found = {}

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(under):
                    assert p.name, f"unnamed route {route}"
                    found[f"{namespace}:{p.name}"] = route

    walk(get_resolver().url_patterns, "", None)
    return found
