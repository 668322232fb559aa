"""Through a real SMTP conversation (a small server on the loopback address): what the mail server does with a
message is what the outbox records: taken (sent), refused for now (retrying, with the reply code), refused for
good (failed), or not reachable (retrying). The record never holds the text or the address."""

import socket
import socketserver
import threading

import pytest

from custodian.env import SMTP_BACKEND
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import message_send

CONTEXT = {"utility_name": "Owatonna Public Utilities", "size": 1, "signed_at": "", "note": "", "keys": ""}


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, rcpt_reply: str):
        self.rcpt_reply = rcpt_reply
        self.received: list[bytes] = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for Python's smtplib."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 stub.example ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-stub.example")
                self.reply("250 8BITMIME")
            elif verb in ("MAIL", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "RCPT":
                self.reply(self.server.rcpt_reply)
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(data)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp(settings):
    servers = []

    def start(rcpt_reply: str) -> SmtpServer:
        server = SmtpServer(rcpt_reply)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.MAILERS = {
            "default": {
                "BACKEND": SMTP_BACKEND,
                "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 5},
            }
        }
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def send() -> OutboundMessage:
    return message_send(
        to_address="auditor@example.org", template="log_head", context=CONTEXT, sent_by_job="audit_publish"
    )


def stored(message: OutboundMessage) -> str:
    message.refresh_from_db()
    return " ".join(str(getattr(message, f.attname)) for f in OutboundMessage._meta.fields)


def test_a_message_the_server_takes_is_recorded_sent_with_who_what_and_when(db, smtp):
    server = smtp("250 OK")
    message = send()
    assert len(server.received) == 1 and b"Owatonna Public Utilities" in server.received[0]
    message.refresh_from_db()
    assert (message.status, message.template, message.sent_by_label) == (
        "sent",
        "log_head",
        "system:audit_publish",
    )
    assert message.delivered_at is not None and message.created_at is not None and message.attempts == 1
    assert message.message_id and message.message_id.encode() in server.received[0]
    assert "auditor" not in stored(message) and "Owatonna" not in stored(message)


# A temporary refusal (451) and a permanent one (550). A message to no customer is not kept beyond its digest,
# so even a temporary refusal leaves nothing to send again from.
REFUSALS = [
    ("451 4.7.1 <auditor@example.org> greylisted, try again later", 451, "greylisted"),
    ("550 5.1.1 <auditor@example.org> no such mailbox", 550, "mailbox"),
]


@pytest.mark.parametrize(("reply", "code", "words"), REFUSALS)
def test_a_refusal_is_recorded_failed_with_its_code(db, smtp, reply, code, words):
    smtp(reply)
    message = send()
    message.refresh_from_db()
    assert message.status == "failed" and message.failure == f"SMTPRecipientsRefused (code {code})"
    assert "auditor" not in stored(message) and words not in stored(message)


def test_an_unreachable_server_is_recorded_not_raised(db, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}
    }
    message = send()
    message.refresh_from_db()
    assert message.status == "failed" and message.failure == "ConnectionRefusedError"
    assert message.delivered_at is None and message.attempts == 1
