"""A challenge of meter readings closes with a result letter (Minn. Stat. § 13.04 subd. 4): the service that
re-read the meter records what it found, the customer gets it by letter through the outbox (sealed as their
correspondence) with the right to appeal, readings found accurate may have a statement of disagreement kept
with them, and the result is on the access log in the same transaction. Closing such a request any other
way is refused, so no challenge ends without its letter."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.casework.corrections import meter_challenge_result, meter_challenge_route
from custodian.casework.models import CustomerRequest, RequestStatus
from custodian.casework.services import RequestError
from custodian.outbox.models import OutboundMessage
from custodian.outbox.selectors import sent_to_customer
from custodian.testing.portal import signed_in
from custodian.vault.gate import customer_actor
from custodian.vault.models import SealedDocument


def letter_text(customer, letter) -> str:
    """The letter as the customer reads it in the portal (through the gate)."""
    mine = sent_to_customer(actor=customer_actor(customer.pk), customer_id=customer.pk)
    return next(m.body for m in mine if m.id == letter.pk)


def sent_to_field_services(customer, privacy_officer):
    """Dana says October's reading doubled; the privacy officer sends it to field services for a re-read."""
    req = CustomerRequest.objects.create(
        customer=customer, kind="correction", channel="portal", owning_service="privacy_officer"
    )
    meter_challenge_route(request=req, by=privacy_officer, outcome="reread", note="October's reading doubled")
    req.refresh_from_db()
    return req


def test_field_services_closes_a_re_read_with_a_result_letter(households, privacy_officer, field_tech):
    (customer, app), _ = households
    req = sent_to_field_services(customer, privacy_officer)
    meter_challenge_result(
        request=req,
        by=field_tech,
        result="confirmed",
        findings="A second read on November 3 gave 48,213 kWh.",
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED
    letter = OutboundMessage.objects.get(template="meter_challenge_result")
    assert letter.to_customer_id == customer.pk and letter.channel == "letter" and letter.status == "queued"
    sealed = SealedDocument.objects.get(customer=customer, ref=letter.content_ref)
    assert sealed.category == "correspondence" and b"48,213" not in bytes(sealed.ciphertext)
    text = letter_text(customer, letter)
    assert "found them accurate" in text and "48,213" in text and "Commissioner of Administration" in text
    event = AccessEvent.objects.get(action="meter_challenge_result")
    assert event.customer_id == str(customer.pk) and event.request_id == str(req.pk)
    # Readings found accurate: the customer may file a statement of disagreement about them.
    client = signed_in(app, "ann@example.com")
    assert "statement of disagreement" in client.get("/portal/me/requests/").content.decode()


def test_corrected_readings_say_so_and_offer_no_disagreement(customer, privacy_officer, field_tech):
    req = sent_to_field_services(customer, privacy_officer)
    meter_challenge_result(
        request=req, by=field_tech, result="corrected", findings="The register was misread."
    )
    letter = OutboundMessage.objects.get(template="meter_challenge_result")
    text = letter_text(customer, letter)
    assert "were wrong and have corrected them" in text and "statement of disagreement" not in text
    assert not req.history.filter(action="disputed").exists()


def test_only_the_owner_records_a_result_and_only_for_a_meter_challenge(
    customer, privacy_officer, field_tech, billing_clerk, open_request
):
    req = sent_to_field_services(customer, privacy_officer)
    with pytest.raises(RequestError, match="owns"):
        meter_challenge_result(
            request=req, by=billing_clerk, result="confirmed", findings="Looks right to me."
        )
    with pytest.raises(RequestError, match="say what"):
        meter_challenge_result(request=req, by=field_tech, result="confirmed", findings="ok")
    other = open_request(customer, "field_services", kind="correction")
    with pytest.raises(RequestError, match="meter reading challenge"):
        meter_challenge_result(
            request=other, by=field_tech, result="confirmed", findings="The meter is fine."
        )
    assert not OutboundMessage.objects.filter(template="meter_challenge_result").exists()


def test_the_console_closes_it_only_through_the_result(customer, privacy_officer, field_tech, console):
    req = sent_to_field_services(customer, privacy_officer)
    client = console(field_tech)
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Result of the meter reading challenge" in page and "Apply the correction" not in page
    client.post(f"/staff/requests/{req.pk}/close/", {"reason": "re-read done", "confirmed": "1"})
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN
    response = client.post(
        f"/staff/requests/{req.pk}/meter-result/",
        {"result": "confirmed", "findings": "A second read gave the same figure."},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED
    assert (
        OutboundMessage.objects.filter(template="meter_challenge_result", to_customer=customer).count() == 1
    )


def test_a_second_answer_to_a_request_already_closed_sends_no_second_letter(
    customer, privacy_officer, field_tech
):
    """Two answers sent at once (a double click, or two members of staff on the same page) each hold the
    request as it was when the page loaded: the second must see it closed, not send a second letter."""
    req = sent_to_field_services(customer, privacy_officer)
    stale = CustomerRequest.objects.get(pk=req.pk)
    meter_challenge_result(
        request=req, by=field_tech, result="corrected", findings="The register was misread."
    )
    assert stale.status == RequestStatus.OPEN
    with pytest.raises(RequestError, match="only an open"):
        meter_challenge_result(
            request=stale, by=field_tech, result="confirmed", findings="A second read gave the same."
        )
    assert OutboundMessage.objects.filter(template="meter_challenge_result").count() == 1
    assert AccessEvent.objects.filter(action="meter_challenge_result").count() == 1
