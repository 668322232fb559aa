"""Customer requests from e-mail: RFC 5322 messages from a Maildir or mbox folder, or an IMAP inbox.

Each message becomes one request, in one transaction, or nothing: a malformed message is reported and
skipped. Importing the same message again (same Message-ID; without one, the same bytes) changes nothing.
The sender is matched to a customer through the e-mail blind index; an unknown sender becomes an inquirer.
The auto-reply to a matched sender goes to the customer's address on file, not to the address it came from:
the index matches a look-alike address too (the Kelvin sign "\u212a" lower-cased is "k"), another mailbox.
"""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from custodian.casework.services import Attachment, Intake, RequestError, request_intake
from custodian.customers.selectors import account_holders_among
from custodian.mailboxes import messages_in
from custodian.outbox.bounces import bounce_from_report, is_delivery_report
from custodian.outbox.services import language_of, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import Denied, find_customers, reveal, system_actor

_KINDS = (
    ("data_access", r"\b(my data|data (access )?request|copy of (my|the) data|what data)\b"),
    ("correction", r"\b(correct(ion)?|wrong (name|address|number)|inaccurate)\b"),
    ("privacy_question", r"\bprivacy\b"),
    ("problem", r"\b(outage|no power|power out|leak|smell gas|no water|problem)\b"),
    ("payment", r"\b(pay(ment)?|autopay|refund)\b"),
    ("billing_question", r"\b(bill|invoice|charge[sd]?)\b"),
    ("service_change", r"\b(start|stop|transfer|move|moving|disconnect)\b"),
)


def classify(subject: str, body: str) -> str:
    text = f"{subject}\n{body[:2000]}".lower()
    for kind, pattern in _KINDS:
        if re.search(pattern, text):
            return kind
    return "other"


class Malformed(ValueError):
    pass


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    bounces: int = 0  # delivery reports about the utility's own e-mails, handed to the outbox
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


def _text_body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.strip()


def parse(raw: bytes) -> tuple[Intake, str]:
    """An Intake from raw message bytes, and the sender's address. Raises Malformed."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything it raises means unreadable bytes
        raise Malformed(f"unreadable message: {exc}") from None
    if not msg.keys():
        raise Malformed("no headers")
    try:
        name, address = parseaddr(str(msg.get("From", "")))
    except Exception:  # a header whose encoded words can't be decoded
        raise Malformed("unreadable From header") from None
    if not address or "@" not in address:
        raise Malformed("no sender address in From")
    try:
        subject = str(msg.get("Subject", "")).strip()
        body = _text_body(msg)
        attachments = [
            Attachment(
                filename=part.get_filename() or "attachment",
                media_type=part.get_content_type(),
                content=part.get_payload(decode=True) or b"",
            )
            for part in msg.iter_attachments()
        ]
    except (LookupError, UnicodeError, ValueError) as exc:
        raise Malformed(f"body can't be decoded: {exc}") from None
    if not body and not attachments and not subject:
        raise Malformed("empty message")
    message_id = str(msg.get("Message-ID", "")).strip()
    key = hashlib.sha256(("msgid:" + message_id).encode() if message_id else b"raw:" + raw).hexdigest()
    received = None
    if msg.get("Date"):
        try:
            received = parsedate_to_datetime(str(msg["Date"]))
        except (TypeError, ValueError):
            received = None
    if received is not None and received.tzinfo is None:
        received = None
    intake = Intake(
        kind=classify(subject, body),
        channel="email",
        message=(f"Subject: {subject}\n\n{body}" if subject else body),
        contact={"email": address, **({"name": name} if name else {})},
        attachments=attachments,
        received_at=received,
        source_key=key,
    )
    return intake, address


def _match(address: str) -> int | None:
    try:
        ids = find_customers(
            actor=system_actor("mail_import"), field="email", value=address, purpose="resolving_problems"
        )
    except Denied:
        return None
    if len(ids) > 1:
        # An address an account holder keeps on file is theirs, though someone once wrote in with it too.
        ids = account_holders_among(ids)
    return ids[0] if len(ids) == 1 else None


def import_one(raw: bytes) -> bool:
    """Import one message; True if a request was created, False if it was there already."""
    intake, address = parse(raw)
    intake.customer_id = _match(address)
    if intake.customer_id is not None:
        intake.contact = {}
        address = _on_file(intake.customer_id)
    req, created = request_intake(intake=intake)
    if created and address:
        _auto_reply(req, address)
    return created


def _on_file(customer_id: int) -> str:
    """The matched customer's e-mail address on file, where the auto-reply goes (the sender's may only look
    like it)."""
    actor = system_actor("mail_import")
    return reveal(actor=actor, customer_id=customer_id, fields=["email"], purpose="resolving_problems").get(
        "email", ""
    )


def _auto_reply(req, address: str) -> None:
    """The auto-reply carries the e-mail collection point's notice: the message came before any notice could
    be shown (its record says so), and the notice follows it at once, through the outbox."""
    policy = current_policy()
    message_send(
        to_address=address,
        template="request_received",
        context={
            "request_id": req.pk,
            "due_on": req.due_on,  # a date: the template writes it in the customer's language
            "notice": policy.notice_at("email_auto_reply").in_language(language_of(req.customer)),
            "utility": policy.utility["name"],
            "phone": policy.utility["phone"],
        },
        to_customer=req.customer,
        sent_by_job="mail_import",
        regarding=f"request:{req.pk}",
    )


def import_message(raw: bytes, report: ImportReport) -> None:
    """Import one message into `report`: a delivery report about one of our e-mails is a bounce for the
    outbox, not a customer's request; anything else as import_one."""
    if is_delivery_report(raw):
        bounce_from_report(raw)
        report.bounces += 1
    elif import_one(raw):
        report.imported += 1
    else:
        report.duplicates += 1


def import_folder(path: Path, progress=None, progress_total=None) -> ImportReport:
    """Every message of the mailbox imported (`import_message`); progress counts the messages:
    `progress_total` once, before the first, then `progress`."""
    report = ImportReport()
    for where, raw in messages_in(path, counted=progress_total):
        try:
            if isinstance(raw, Exception):
                raise Malformed(f"can't read it: {raw}")
            import_message(raw, report)
        except (Malformed, RequestError) as exc:
            report.skipped.append((where, str(exc)))
        if progress:
            progress(1)
    return report
