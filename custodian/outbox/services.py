"""Sending a message: one service every sender in the code uses, so every message is on the record.

`message_send` renders the template, records the message (recipient as a customer id and a blind index of the
address, the template's key, the sender, a digest of the content: no text in clear), delivers it through
Django's mailer and records the result. A failed delivery is recorded, not raised: the caller's work (an
enrolment, a bill run) stands, and IT sees the failure on the console's outbox page.

Message templates are plain text (autoescaping off): `outbox/<template>.subject.txt` and
`outbox/<template>.txt`.
"""

import hashlib
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from custodian.outbox.models import Channel, OutboundMessage, Status
from custodian.vault.services import blind_index_of

log = logging.getLogger("custodian.outbox")


class UnknownTemplate(ValueError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def message_render(*, template: str, context: dict) -> Rendered:
    """Render the subject (folded to one line) and the body of a message template."""
    if not template.replace("_", "").isalnum():
        raise UnknownTemplate(f"not a message template: {template!r}")
    try:
        subject = get_template(f"outbox/{template}.subject.txt").render(context)
        body = get_template(f"outbox/{template}.txt").render(context)
    except TemplateDoesNotExist:
        raise UnknownTemplate(f"not a message template: {template!r}") from None
    return Rendered(subject=" ".join(subject.split()), body=body)


def _failure_text(error: Exception) -> str:
    """The kind of failure and the server's reply code, never its text (it can echo the address)."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _ in error.recipients.values()})
        code = ",".join(str(c) for c in codes)
    return f"{type(error).__name__}" + (f" (code {code})" if code else "")


@transaction.atomic
def message_send(
    *,
    to_address: str,
    template: str,
    context: dict,
    to_customer=None,
    sent_by=None,
    sent_by_job: str = "",
) -> OutboundMessage:
    """Send one e-mail from a template, on the record. `sent_by` is a staff user; a system job names itself
    in `sent_by_job`. Returns the record, whose status says whether the mail server took it."""
    if (sent_by is None) == (not sent_by_job):
        raise ValueError("name exactly one sender: a staff user (sent_by) or a system job (sent_by_job)")
    rendered = message_render(template=template, context=context)
    address = to_address.strip()
    message = OutboundMessage.objects.create(
        channel=Channel.EMAIL,
        template=template,
        to_customer=to_customer,
        to_address_index=blind_index_of("email", address),
        sent_by=sent_by,
        sent_by_label=sent_by.get_username() if sent_by is not None else f"system:{sent_by_job}",
        content_sha256=hashlib.sha256(f"{rendered.subject}\n\n{rendered.body}".encode()).hexdigest(),
    )
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        to=[address],
        headers={"X-Custodian-Message": str(message.pk)},
    )
    try:
        email.send()
    except Exception as error:  # any failure of the mail server is recorded and reported, never raised
        message.status = Status.FAILED
        message.failure = _failure_text(error)[:200]
        log.warning("message not delivered", extra={"message_id": message.pk, "template": template})
    else:
        message.status = Status.SENT
        message.delivered_at = timezone.now()
    message.save(update_fields=["status", "failure", "delivered_at"])
    return message
