"""Polling an IMAP inbox for customer e-mail (behind the CUSTODIAN_IMAP_* settings)."""

import contextlib
import imaplib

from django.conf import settings

from custodian.casework.mail_import import ImportReport, Malformed, import_message
from custodian.casework.services import RequestError


def poll_imap(client_factory=None) -> ImportReport:
    """Import unseen messages; mark each seen once imported (or recognised as already imported)."""
    host = settings.CUSTODIAN_IMAP_HOST
    if not host:
        raise RuntimeError("IMAP intake is off: set CUSTODIAN_IMAP_HOST, _USER, _PASSWORD (and _FOLDER)")
    factory = client_factory or imaplib.IMAP4_SSL
    report = ImportReport()
    client = factory(host, settings.CUSTODIAN_IMAP_PORT)
    try:
        client.login(settings.CUSTODIAN_IMAP_USER, settings.CUSTODIAN_IMAP_PASSWORD)
        client.select(settings.CUSTODIAN_IMAP_FOLDER)
        _, data = client.uid("search", None, "UNSEEN")
        for uid in (data[0] or b"").split():
            _, parts = client.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            where = f"imap uid {uid.decode()}"
            try:
                if raw is None:
                    raise Malformed("the server returned no message body")
                import_message(raw, report)
            except (Malformed, RequestError) as exc:
                report.skipped.append((where, str(exc)))
                continue
            client.uid("store", uid, "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(Exception):  # the session is over either way
            client.logout()
    return report
