"""Letters: written from a template, kept as the customer's correspondence (sealed, read back only through
the gate), handed to the letter-mailing vendor by the privacy officer in an encrypted export that only the
vendor opens, accounted as a disclosure, shown to the customer in the portal with the PDF as printed; nobody
else's reach."""

import base64

import pytest
from django.core.management import call_command
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.disclosures.exports import ExportRefused, export_dir, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letter_send, letters_mail
from custodian.testing import export_rows, request_received, vendor_registered
from custodian.testing.billing import POLICY_CHANGE
from custodian.testing.portal import signed_in
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.gate import Denied, customer_actor, reveal_documents
from custodian.vault.models import SealedDocument

TODAY = timezone.localdate()


def test_a_letter_is_queued_sealed_and_mailed_through_the_vendors_export(
    customer, other_customer, letter_vendor, privacy_officer, capsys
):
    vendor, private_key = letter_vendor
    letter = letter_send(
        to_customer=customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    assert letter.status == "queued" and letter.channel == "letter"
    document = SealedDocument.objects.get(customer=customer, ref=f"outbox:{letter.pk}:text")
    assert document.provenance.channel == "outbound" and document.provenance.notice_key == ""
    assert b"three years" not in bytes(document.ciphertext)

    call_command("letters_mail", "--vendor", str(vendor.pk), "--by", privacy_officer.username)
    assert "1 letter," in capsys.readouterr().out

    letter.refresh_from_db()
    assert letter.status == "sent" and letter.delivered_at is not None and letter.letter_export is not None
    export = letter.letter_export
    (row,) = export_rows(export, private_key)
    assert row["letter_ref"] == str(letter.pk) and row["name"] == "Alice Anderson"
    assert row["mailing_address"] == "115 Elm Street, Owatonna, MN 55060"
    pdf = base64.b64decode(row["letter_pdf_base64"])
    assert pdf.startswith(b"%PDF")
    raw = (export_dir() / export.file_name).read_bytes()
    assert b"Alice" not in raw and b"%PDF" not in raw  # only the vendor's key opens it
    entry = DisclosureEntry.objects.get(customer=customer)
    assert entry.recipient_name == "Prairie Print & Mail"
    assert entry.category_list == ["correspondence", "mailing_address", "name"]
    assert not DisclosureEntry.objects.filter(customer=other_customer).exists()
    # The vendor read the letter's text and the address through the gate, on the record.
    assert AccessEvent.objects.filter(
        actor_kind="vendor",
        customer_id=str(customer.pk),
        action="vendor_export",
        categories="correspondence",
        decision="allow",
    ).exists()
    printed = SealedDocument.objects.get(customer=customer, ref=f"outbox:{letter.pk}:printed")
    assert printed.media_type == "application/pdf" and printed.provenance.channel == "outbound"

    # Re-running mails nothing twice.
    call_command("letters_mail", "--vendor", str(vendor.pk), "--by", privacy_officer.username)
    assert "no letters waiting" in capsys.readouterr().out
    assert VendorExport.objects.filter(function="letter_mailing", status="done").count() == 1


def test_a_letter_to_someone_without_a_mailing_address_is_marked_failed(db, letter_vendor, privacy_officer):
    # Someone who wrote by e-mail without an account: we hold a name and an address to reply to, no street.
    request = request_received(
        kind="privacy_question",
        channel="email",
        message="What do you keep about me?",
        contact={"email": "nadia@example.org", "name": "Nadia N."},
    )
    nadia = request.customer
    letter = letter_send(
        to_customer=nadia, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    report = letters_mail(vendor=letter_vendor[0], requested_by=privacy_officer)
    letter.refresh_from_db()
    assert report.not_addressed == [letter.pk]
    assert letter.status == "failed" and letter.failure == "no name or mailing address on file"
    assert not DisclosureEntry.objects.filter(customer=nadia).exists()


def test_letters_go_only_to_a_letter_mailing_vendor_with_a_current_determination(
    customer, privacy_officer, billing_clerk, letter_vendor
):
    letter_send(
        to_customer=customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    private, public = new_vendor_keypair()
    undetermined = vendor_registered(
        function="letter_mailing",
        officer=privacy_officer,
        name="New Printer",
        contact="new@example.com",
        public_key=public,
    )
    with pytest.raises(ExportRefused, match="no current determination"):
        letters_mail(vendor=undetermined, requested_by=privacy_officer)
    with pytest.raises(ExportRefused, match="only the privacy officer"):
        letters_mail(vendor=letter_vendor[0], requested_by=billing_clerk)
    with pytest.raises(ExportRefused, match="receives the letters the outbox queued"):
        vendor_export_run(vendor=letter_vendor[0], requested_by=privacy_officer)
    assert OutboundMessage.objects.get(to_customer=customer).status == "queued"


def test_the_customer_reads_their_letters_in_the_portal_and_no_one_elses(
    households,  # noqa: F811
    letter_vendor,
    privacy_officer,
):
    (alice, alice_app), (bob, bob_app) = households
    client = signed_in(alice_app, "alice@example.org")
    letter = letter_send(
        to_customer=alice, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    letters_mail(vendor=letter_vendor[0], requested_by=privacy_officer)
    page = client.get("/portal/me/messages/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Our privacy policy changes on March 1, 2027" in html
    assert "Interval readings are kept three years" in html
    assert "Someone signed up for My account" in html  # the sign-up e-mail to the address on file too
    pdf = client.get(f"/portal/me/messages/{letter.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Read as the customer, through the gate, on the record.
    assert AccessEvent.objects.filter(
        actor_kind="customer", customer_id=str(alice.pk), categories="correspondence", decision="allow"
    ).exists()

    bobs_client = signed_in(bob_app, "bob@example.org")
    assert bobs_client.get(f"/portal/me/messages/{letter.pk}/letter.pdf").status_code == 404
    assert "three years" not in bobs_client.get("/portal/me/messages/").content.decode()
    with pytest.raises(Denied):
        reveal_documents(
            actor=customer_actor(bob.pk),
            customer_id=alice.pk,
            category="correspondence",
            ref_prefix="outbox:",
            purpose="legal_obligations",
        )
