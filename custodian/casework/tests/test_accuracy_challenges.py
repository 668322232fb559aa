"""Accuracy challenges carried through (Minn. Stat. § 13.04 subd. 4): correction notices to past recipients
sent (e-mailed through the outbox, or printed and posted) and listed with their dates; every outcome told to
the customer by letter with the right to appeal to the Commissioner of Administration; a statement of
disagreement kept with the data and sent with every later disclosure of it; meter readings challenged."""

import json

from django.core import mail
from django.utils import timezone

from custodian.casework.choices import RequestStatus
from custodian.casework.corrections import (
    NamedRecipient,
    correction_apply,
    correction_notice_posted,
    meter_challenge_route,
)
from custodian.dates import day_words
from custodian.disclosures.models import CorrectionNotice, Disagreement
from custodian.outbox.models import OutboundMessage
from custodian.testing import COUNTY_ATTORNEY, accounted, challenge_declined, disclosed, subpoena_recorded
from custodian.testing.portal import signed_in
from custodian.vault.models import SealedDocument


def test_a_correction_notifies_past_recipients_and_closes_when_the_last_notice_is_out(
    customer, privacy_officer, open_request, console
):
    assessor = ("Steele County Assessor", "records@assessor.example")
    basis = ("legal_authority", "Minn. Stat. § 13.685")
    accounted(
        [customer.pk], assessor, ["mailing_address"], "property records", basis, approved_by=privacy_officer
    )
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    correction_apply(
        request=req,
        by=privacy_officer,
        values={"mailing_address": "PO Box 12, Owatonna, MN 55060"},
        named=[NamedRecipient("Dana's landlord", "14 Oak Street, Owatonna, MN 55060")],
    )
    emailed, posted = CorrectionNotice.objects.order_by("source")  # accounting, then customer
    assert emailed.sent_at is not None and posted.sent_at is None
    assert "PO Box 12" in next(m for m in mail.outbox if m.to == ["records@assessor.example"]).body
    outcome = OutboundMessage.objects.get(template="correction_outcome")
    assert outcome.to_customer_id == customer.pk and outcome.channel == "letter"
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN  # a printed notice is still to be posted
    client = console(privacy_officer)
    printable = client.get(f"/staff/requests/{req.pk}/notices/{posted.pk}/").content.decode()
    assert "PO Box 12" in printable and "Alice Anderson" in printable
    listing = client.get("/staff/privacy/corrections/").content.decode()
    assert "not yet" in listing and day_words(timezone.localdate()) in listing
    correction_notice_posted(notice=posted, by=privacy_officer)
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED
    assert "not yet" not in client.get("/staff/privacy/corrections/").content.decode()


def test_a_declined_challenge_tells_the_customer_of_the_appeal_and_keeps_their_disagreement(
    households, privacy_officer
):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    req = challenge_declined(
        customer,
        by=privacy_officer,
        categories=["service_address"],
        explanation="The service address is the one on the deed and the meter's location.",
    )
    letter = OutboundMessage.objects.get(template="correction_outcome")
    page = client.get("/portal/me/requests/").content.decode()
    assert "Commissioner of Administration" in page and "statement of disagreement" in page
    assert letter.to_customer_id == customer.pk
    client.post(
        f"/portal/me/requests/{req.pk}/disagreement/",
        {
            "statement": "I live at the back house, not the front one.",
            "notice_shown": "portal_request:2026.1",
        },
    )
    kept = Disagreement.objects.get(customer=customer)
    assert kept.category_list == ["service_address"]
    assert b"back house" not in bytes(SealedDocument.objects.get(ref=kept.sealed_ref).ciphertext)
    # A later disclosure of that data carries the statement.
    authority = subpoena_recorded(
        privacy_officer, [customer.pk], ["name", "service_address"], file="74-CV-26-9"
    )
    basis = ("legal_authority", authority.pk)
    out = disclosed(privacy_officer, [customer.pk], COUNTY_ATTORNEY, ["service_address"], "subpoena", basis)
    statements = json.loads(out.package)["statements_of_disagreement"]
    assert [s["statement"] for s in statements] == ["I live at the back house, not the front one."]


def test_meter_readings_can_be_challenged_to_a_re_read(customer, privacy_officer, open_request):
    req = open_request(customer, "privacy_officer", kind="correction")
    meter_challenge_route(request=req, by=privacy_officer, outcome="reread", note="October's reading doubled")
    req.refresh_from_db()
    assert req.owning_service == "field_services" and req.status == RequestStatus.OPEN
    assert OutboundMessage.objects.filter(template="correction_outcome", to_customer=customer).exists()
