"""One JSON log line per request: method, route pattern, status, milliseconds. Never the path itself (ids and
tokens live in it), the query string, the client's address or its user agent (custodian.operations.logs)."""

import logging
import time

log = logging.getLogger("custodian.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if log.isEnabledFor(logging.INFO):
            match = getattr(request, "resolver_match", None)
            log.info(
                "request",
                extra={
                    "method": request.method if request.method in KNOWN_METHODS else "OTHER",
                    "route": "/" + match.route if match is not None else "(no route)",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
