"""Bounces: delivery status notifications (RFC 3464) that come back to the utility's mailbox.

A bounce is `multipart/report; report-type=delivery-status`. The original message is named by its Message-ID
in the returned headers (`message/rfc822` or `text/rfc822-headers` part); the outcome by the per-recipient
`Action` and `Status` fields. Only `Action: failed` is a bounce (`delayed` means the server is still trying).
The Message-ID carries a random part, so a forged report can't name a message it never saw. Read with the
standard library's e-mail parser: nothing here needs more.
"""

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from custodian.mailboxes import messages_in
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import message_bounce_record


def is_delivery_report(raw: bytes) -> bool:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return msg.get_content_type() == "multipart/report" and (
        msg.get_param("report-type", "").lower() == "delivery-status"
    )


def _original_message_id(msg: EmailMessage) -> str:
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) else inner
            return str(inner.get("Message-ID", "")).strip()
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True) or b""
            headers = email.message_from_bytes(payload, policy=email.policy.default)
            return str(headers.get("Message-ID", "")).strip()
    return ""


def _failed_status(msg: EmailMessage) -> str | None:
    """The status code of the first recipient whose delivery failed; None if none failed."""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The parser gives the status groups (one for the message, then one per recipient) as sub-messages.
        for group in part.get_payload():
            if str(group.get("Action", "")).strip().lower() == "failed":
                return str(group.get("Status", "")).strip().split()[0] if group.get("Status") else "5.0.0"
    return None


def bounce_from_report(raw: bytes) -> OutboundMessage | None:
    """Record the bounce a delivery report describes; the message it names, or None if it names none of ours
    or reports no failure."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = _original_message_id(msg)
    status = _failed_status(msg)
    if not message_id or status is None:
        return None
    message = OutboundMessage.objects.filter(message_id=message_id).first()
    if message is None:
        return None
    return message_bounce_record(message=message, kind="bounced", code=status)


@dataclass
class BounceReport:
    bounced: int = 0
    ignored: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def bounces_import(path: Path) -> BounceReport:
    """Read the delivery reports of a Maildir folder or an mbox file. Re-runnable: a bounce is recorded
    once."""
    report = BounceReport()
    for where, raw in messages_in(path):
        if isinstance(raw, Exception):
            report.skipped.append((where, f"can't read it: {raw}"))
            continue
        if not is_delivery_report(raw):
            report.ignored += 1
            continue
        report.bounced += bounce_from_report(raw) is not None
    return report
