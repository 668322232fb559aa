"""Delivery results: a temporary failure is sent again later (text and address read back through the gate),
a permanent one is not; every attempt is counted; a bounce that comes back (a delivery status notification,
read from a mailbox or arriving with customer e-mail) marks the message bounced and opens no request."""

import mailbox
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.casework.mail_import import import_folder
from custodian.casework.models import CustomerRequest
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import message_send, messages_retry


class BusyServer(BaseEmailBackend):
    """A mail server that answers 421 (try again later)."""

    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(421, b"4.7.0 Try again later")


class DownServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


REPLY = {
    "body": "Your meter was read again: the bill stands.",
    "utility": "OPU",
    "phone": "507",
    "request_id": 7,
}


def _send(customer, **extra):
    return message_send(
        to_address="alice@example.com",
        template="request_reply",
        context=REPLY,
        to_customer=customer,
        sent_by_job="portal_enrolment",
        **extra,
    )


def test_a_temporary_failure_is_sent_again_after_the_wait(customer, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BusyServer"}}
    message = _send(customer)
    assert message.status == "retrying" and message.attempts == 1
    assert message.failure == "SMTPResponseException (code 421)"
    assert message.next_attempt_at > timezone.now() + timedelta(minutes=14)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert messages_retry().sent == 0  # not yet due
    report = messages_retry(now=timezone.now() + timedelta(minutes=16))
    assert report.sent == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.failure == ""
    (sent,) = mail.outbox
    assert sent.to == ["alice@example.com"] and REPLY["body"] in sent.body
    assert sent.extra_headers["X-Custodian-Message"] == str(message.pk)
    # The outbox read the text and address back through the gate, as its own job.
    assert AccessEvent.objects.filter(
        actor_kind="system", actor_id="outbox", customer_id=str(customer.pk), decision="allow"
    ).exists()


def test_attempts_stop_at_the_limit_and_the_wait_grows(customer, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DownServer"}}
    settings.CUSTODIAN_OUTBOX_MAX_ATTEMPTS = 3
    message = _send(customer)
    first_wait = message.next_attempt_at - timezone.now()
    messages_retry(now=timezone.now() + timedelta(hours=1))
    message.refresh_from_db()
    assert message.status == "retrying" and message.attempts == 2
    assert message.next_attempt_at - timezone.now() > first_wait + timedelta(minutes=10)
    call_command("outbox_retry")  # not due yet: nothing happens
    message.refresh_from_db()
    assert message.attempts == 2
    messages_retry(now=timezone.now() + timedelta(days=1))
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3 and message.next_attempt_at is None
    assert message.failure == "ConnectionRefusedError"


def test_a_message_to_no_customer_is_not_kept_and_not_retried(db, dba, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BusyServer"}}
    message = message_send(
        to_address="auditor@example.org", template="portal_confirm", context={"confirm_url": "u"}, sent_by=dba
    )
    assert message.content_ref == "" and message.status == "failed"


def _delivery_report(original_message_id: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464)."""
    return f"""From: MAILER-DAEMON@mx.example.com
To: no-reply@owatonnautilities.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{action}@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.example.com. Your message could not be delivered to <alice@example.com>.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; alice@example.com
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

Message-ID: {original_message_id}
Subject: Confirm your e-mail address for My account

--B--
""".replace("\n", "\r\n").encode()


@pytest.fixture
def sent_message(customer):
    return _send(customer)


def test_a_bounce_read_from_a_mailbox_marks_the_message_bounced(sent_message, tmp_path, capsys):
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(_delivery_report(sent_message.message_id))
    box.add(_delivery_report(sent_message.message_id, action="delayed", status="4.4.1"))
    box.add(_delivery_report("<someone-else@example.org>"))
    box.flush()
    call_command("outbox_bounces", str(tmp_path / "bounces.mbox"))
    assert "1 bounce recorded" in capsys.readouterr().out
    sent_message.refresh_from_db()
    assert sent_message.status == "bounced" and sent_message.bounced_at is not None
    assert sent_message.failure == "bounced (code 5.1.1)"
    assert "alice" not in sent_message.failure


def test_a_delayed_report_is_not_a_bounce(sent_message, tmp_path):
    box = mailbox.mbox(tmp_path / "delayed.mbox")
    box.add(_delivery_report(sent_message.message_id, action="delayed", status="4.4.1"))
    box.flush()
    call_command("outbox_bounces", str(tmp_path / "delayed.mbox"))
    sent_message.refresh_from_db()
    assert sent_message.status == "sent"


def test_a_bounce_in_the_customer_inbox_is_recorded_and_opens_no_request(sent_message, tmp_path):
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    box.add(_delivery_report(sent_message.message_id))
    box.flush()
    report = import_folder(tmp_path / "inbox.mbox")
    assert report.bounces == 1 and report.imported == 0
    assert not CustomerRequest.objects.exists()
    assert OutboundMessage.objects.get(pk=sent_message.pk).status == "bounced"


def test_an_e_mail_with_a_one_time_link_is_not_sent_again(customer, settings):
    """Its kept text has no link (it works once and opens a sign-in): after a temporary failure it is failed,
    and the person asks for a new link."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BusyServer"}}
    message = message_send(
        to_address="alice@example.com",
        template="portal_confirm",
        context={"confirm_url": "https://example.org/c/1"},
        to_customer=customer,
        sent_by_job="portal_enrolment",
    )
    assert message.status == "failed" and message.next_attempt_at is None
