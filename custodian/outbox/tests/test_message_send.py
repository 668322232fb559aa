"""Every outbound message is on the record (recipient, template, sender, time, delivery result) and its
text is not: the record holds a blind index of the address and a digest of the content."""

import ast
import hashlib
import re
import smtplib
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

import custodian
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import UnknownTemplate, message_send
from custodian.testing.portal import enrol
from custodian.vault.services import blind_index_of


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, echoing the address as real servers do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, f"5.1.1 <{m.to[0]}> mailbox unavailable".encode()) for m in messages}
        )


def _columns(message: OutboundMessage) -> str:
    return " ".join(str(getattr(message, f.attname)) for f in OutboundMessage._meta.fields)


def test_a_portal_sign_up_sends_its_confirmation_on_the_record(households):  # noqa: F811
    (customer, app), _ = households
    # Signing up with another address than the one on file: the confirmation goes to the address on file.
    on_file = app.personal["email"]
    assert enrol(Client(), app, "Dana.Doe@Example.org").status_code == 200
    (sent,) = [m for m in mail.outbox if m.to == [on_file]]
    record = OutboundMessage.objects.get(template="portal_confirm_on_file")
    assert record.to_customer_id == customer.pk
    assert record.sent_by_label == "system:portal_enrolment"
    assert record.status == "sent" and record.delivered_at is not None
    assert record.to_address_index == blind_index_of("email", on_file)
    assert record.content_sha256 == hashlib.sha256(f"{sent.subject}\n\n{sent.body}".encode()).hexdigest()
    link = re.search(r"/portal/confirm/([^\s/]+)/", sent.body).group(1)
    stored = _columns(record)
    assert on_file.split("@")[0].lower() not in stored.lower() and link not in stored
    assert "confirm/" not in stored


def test_a_refused_message_is_recorded_as_failed_without_the_servers_text(households, settings):  # noqa: F811
    (_, app), _ = households
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    response = enrol(Client(), app, "dana@example.org")
    assert response.status_code == 200
    record = OutboundMessage.objects.get(to_address_index=blind_index_of("email", "dana@example.org"))
    assert record.status == "failed" and record.delivered_at is None
    assert record.failure == "SMTPRecipientsRefused (code 550)"
    assert "dana" not in _columns(record)


def test_a_message_names_exactly_one_sender_and_a_known_template(db, dba):
    with pytest.raises(ValueError, match="exactly one sender"):
        message_send(to_address="a@example.org", template="portal_confirm", context={})
    with pytest.raises(ValueError, match="exactly one sender"):
        message_send(
            to_address="a@example.org", template="portal_confirm", context={}, sent_by=dba, sent_by_job="x"
        )
    with pytest.raises(UnknownTemplate, match="not a message template: '../secrets'"):
        message_send(to_address="a@example.org", template="../secrets", context={}, sent_by=dba)
    with pytest.raises(UnknownTemplate, match="no_such_letter"):
        message_send(to_address="a@example.org", template="no_such_letter", context={}, sent_by=dba)
    assert not OutboundMessage.objects.exists() and not mail.outbox
    sent = message_send(
        to_address="a@example.org", template="portal_confirm", context={"confirm_url": "u"}, sent_by=dba
    )
    assert sent.sent_by == dba and sent.sent_by_label == "ivan.it" and sent.to_customer is None


ROOT = Path(custodian.__file__).parent
# What sends mail directly; only the outbox may use it.
MAIL_SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "mailers"}


def test_only_the_outbox_sends_mail():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path.parent.name == "outbox":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                names = {a.name for a in node.names} & MAIL_SENDERS
                if names:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {sorted(names)}")
            if isinstance(node, ast.Attribute) and node.attr in MAIL_SENDERS | {"send_messages"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert offenders == [], f"send through custodian.outbox.services.message_send: {offenders}"
