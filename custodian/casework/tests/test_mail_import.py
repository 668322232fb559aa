"""E-mail intake on real-world message shapes: multipart, encoded headers, attachments, missing Message-ID,
duplicates, malformed messages (reported, skipped, nothing half-imported)."""

import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from custodian.casework.imap import poll_imap
from custodian.casework.mail_import import classify, import_folder, import_one, parse
from custodian.casework.models import CustomerRequest
from custodian.customers.models import Customer
from custodian.testing import request_correspondence
from custodian.vault.models import SealedDocument

PLAIN = b"""From: Alice Anderson <alice@example.com>
To: info@owatonnautilities.com
Subject: Question about my bill
Message-ID: <bill-1@example.com>
Date: Mon, 23 Nov 2026 09:15:00 -0600

Why is my November bill higher than October's?
"""

ENCODED = (
    b"From: =?utf-8?q?Bj=C3=B6rn_Str=C3=B6m?= <bjorn@example.org>\n"
    b"Subject: =?utf-8?b?U3Ryw7ZtYXZicm90dCAtIG5vIHBvd2Vy?=\n"
    b"Message-ID: <outage-7@example.org>\n"
    b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
    b"Str=C3=B6mavbrott: we have no power on Elm Street since 6 am.\n"
)

NO_MESSAGE_ID = b"""From: someone@example.net
Subject: Moving out

Please stop service at the end of the month.
"""


def multipart_with_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Alice Anderson <ALICE@example.com>"
    msg["Subject"] = "Correction: wrong mailing address"
    msg["Message-ID"] = "<fix-2@example.com>"
    msg.set_content("My mailing address is wrong; the lease is attached.")
    msg.add_alternative("<p>My mailing address is <b>wrong</b>; the lease is attached.</p>", subtype="html")
    msg.add_attachment(b"%PDF-1.4 lease", maintype="application", subtype="pdf", filename="lease.pdf")
    return bytes(msg)


MALFORMED = [
    (b"", "no headers"),
    (b"Subject: no sender\n\nhello\n", "no sender address"),
    (b"From: not an address\nSubject: x\n\nhello\n", "no sender address"),
    (b"From: a@example.com\n\n", "empty message"),
]


def test_a_known_sender_is_matched_by_the_email_blind_index(customer, service_rep):
    assert import_one(PLAIN) is True
    req = CustomerRequest.objects.get()
    assert (req.customer_id, req.kind, req.channel, req.owning_service) == (
        customer.pk,
        "billing_question",
        "email",
        "billing",
    )
    assert req.due_on is not None


def test_encoded_headers_and_bodies_are_decoded(db):
    intake, address = parse(ENCODED)
    assert address == "bjorn@example.org" and intake.contact["name"] == "Björn Ström"
    assert "Strömavbrott" in intake.message and intake.kind == "problem"


def test_an_unknown_sender_becomes_an_inquirer_with_provenance_email(db):
    import_one(ENCODED)
    req = CustomerRequest.objects.get()
    assert req.customer.customer_class == "inquirer"
    received = SealedDocument.objects.filter(ref__startswith=f"request:{req.pk}:")
    assert set(received.values_list("provenance__channel", flat=True)) == {"email"}


def test_multipart_with_attachment_is_stored_sealed_and_read_through_the_gate(customer, privacy_officer):
    import_one(multipart_with_attachment())
    req = CustomerRequest.objects.get()
    assert (req.kind, req.owning_service) == ("correction", "privacy_officer")
    stored = SealedDocument.objects.filter(customer=customer, ref__startswith="request:")
    assert {d.media_type for d in stored} == {"text/plain", "application/pdf"}
    assert all(b"lease" not in bytes(d.ciphertext) for d in stored)
    assert req.customer_id == customer.pk
    docs = request_correspondence(privacy_officer, req, purpose="legal_obligations")
    assert [d.filename for d in docs] == ["", "lease.pdf"]
    assert docs[1].content == b"%PDF-1.4 lease" and "mailing address is wrong" in docs[0].text


def test_reimporting_is_idempotent_with_and_without_message_id(db):
    assert import_one(PLAIN) and import_one(NO_MESSAGE_ID)
    assert not import_one(PLAIN) and not import_one(NO_MESSAGE_ID)
    assert CustomerRequest.objects.count() == 2


@pytest.mark.parametrize("raw, why", MALFORMED)
def test_malformed_messages_are_reported_and_nothing_is_half_imported(tmp_path, db, raw, why):
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    for message in (PLAIN, raw, NO_MESSAGE_ID):
        box.add(message)
    box.flush()
    customers_before = Customer.objects.count()
    report = import_folder(tmp_path / "inbox.mbox")
    assert report.imported == 2 and len(report.skipped) == 1
    assert why in report.skipped[0][1]
    assert CustomerRequest.objects.count() == 2
    assert Customer.objects.count() == customers_before + 2  # the two good senders, nobody for the bad one
    again = import_folder(tmp_path / "inbox.mbox")
    assert (again.imported, again.duplicates, len(again.skipped)) == (0, 2, 1)


def test_maildir_folders_import_too(tmp_path, db):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(PLAIN)
    box.add(multipart_with_attachment())
    report = import_folder(tmp_path / "Maildir")
    assert report.imported == 2


def test_the_command_reports_what_it_skipped(tmp_path, db, capsys):
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(PLAIN)
    box.add(b"Subject: no sender\n\nhello\n")
    box.flush()
    call_command("import_mail", str(tmp_path / "in.mbox"))
    out = capsys.readouterr()
    assert "1 imported, 0 already imported, 1 skipped" in out.out and "no sender address" in out.err


@pytest.mark.parametrize(
    "subject, kind",
    [
        ("Privacy question", "privacy_question"),
        ("Send me a copy of my data", "data_access"),
        ("Autopay failed", "payment"),
        ("Hello", "other"),
    ],
)
def test_classification(subject, kind):
    assert classify(subject, "") == kind


class FakeImap:
    """Stands in for the utility's IMAP server (an external system, not ours)."""

    store: dict = {}

    def __init__(self, host, port):
        self.seen = FakeImap.seen = []

    def login(self, user, password):
        pass

    def select(self, folder):
        pass

    def uid(self, command, *args):
        if command == "search":
            return "OK", [b"1 2"]
        if command == "fetch":
            raw = {b"1": PLAIN, b"2": b"Subject: broken\n\nno sender\n"}[args[0]]
            return "OK", [(b"1 (BODY[] {10}", raw), b")"]
        if command == "store":
            self.seen.append(args[0])
            return "OK", []

    def logout(self):
        pass


def test_imap_polling_imports_and_marks_seen_only_what_it_imported(db, settings):
    settings.CUSTODIAN_IMAP_HOST = "imap.example.org"
    report = poll_imap(client_factory=FakeImap)
    assert report.imported == 1 and len(report.skipped) == 1
    assert FakeImap.seen == [b"1"]


def test_imap_polling_is_off_without_a_host(db, settings):
    settings.CUSTODIAN_IMAP_HOST = ""
    with pytest.raises(RuntimeError, match="IMAP intake is off"):
        poll_imap()
