"""Logs as JSON lines on stdout, with no personal data in them.

What a request log line holds is chosen here (custodian.operations.middleware): the method, the route's
pattern (`staff/customers/<id:customer_id>/`, never the path with its ids), the status and the time taken;
never the query string, the client's address or its user agent. Every other record passes through
`PersonalDataFilter` before it is written: a path in a message is reduced to its plain words (segments with
digits, `@`, or over 32 characters become `*`), query strings are dropped, e-mail addresses and long runs of
digits (phone and account numbers) are replaced. Django's own 4xx warnings ("Not Found: /portal/…") and
tracebacks go through the same filter.

A request refused with a 4xx (`PermissionDenied`: a page not open to this member of staff; a bad request)
is an answer, not a failure: `RefusalLine`, on Django's `django.request` logger, writes it as one line (the
path with its ids reduced, the status, the signed-in account's id) instead of Django's warning with the
traceback.
"""

import logging
import re
from http.client import responses

from pythonjsonlogger.json import JsonFormatter

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A URL path or a path with a query string, as found in a message ("/portal/confirm/abc123/?next=…").
PATH = re.compile(r"(?<![\w.])/[^\s\"'<>]*")
# Phone numbers as people write them, and any run of seven digits or more (account and card numbers).
DIGITS = re.compile(r"(?<!\w)(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\w)|\d{7,}")
PLAIN_SEGMENT = re.compile(r"[A-Za-z_.-]{1,32}")


def path_redact(path: str) -> str:
    """A path without its query string, each segment kept only if it is a plain word."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return "/".join(s if s == "" or PLAIN_SEGMENT.fullmatch(s) else "*" for s in path.split("/"))


def text_redact(text: str) -> str:
    """A free text with e-mail addresses, paths' ids and query strings, and long digit runs removed."""
    text = EMAIL.sub("[e-mail]", text)
    text = PATH.sub(lambda m: path_redact(m.group(0)), text)
    return DIGITS.sub("[number]", text)


class PersonalDataFilter(logging.Filter):
    """Rewrites a record's message (and traceback) through `text_redact` before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its template only
            message = str(record.msg)
        record.msg, record.args = text_redact(message), ()
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = text_redact(text), None
        if record.stack_info:
            record.stack_info = text_redact(record.stack_info)
        # Django attaches the request to its records; only its method and route may be written.
        request = record.__dict__.pop("request", None)
        if request is not None:
            record.method = getattr(request, "method", "")
            match = getattr(request, "resolver_match", None)
            record.route = match.route if match is not None else "(no route)"
        record.__dict__.pop("server_time", None)
        return True


class RefusalLine(logging.Filter):
    """One line, no traceback, for a request answered 4xx from an exception (Django logs `PermissionDenied`,
    `BadRequest` and an unreadable body at WARNING with `exc_info`): "Forbidden: /staff/privacy/ (403,
    account 5)". Who is the account's id alone, never a name; the path's ids are reduced (`path_redact`). A
    logger filter, so every handler (and a test's capture) gets the one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            who = f"account {user.pk}" if user is not None and user.is_authenticated else "not signed in"
            path = path_redact(getattr(request, "path", "") or "")
            record.msg, record.args = "%s: %s (%s, %s)", (responses.get(status, "Refused"), path, status, who)
            record.exc_info = record.exc_text = None
        return True


class JsonLinesFormatter(JsonFormatter):
    """One JSON object per line: time (UTC), level, logger, message, and the record's extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601 in UTC, whatever the process's time zone
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)
