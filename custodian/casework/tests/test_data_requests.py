"""Data requests carried through (Minn. Stat. § 13.04 subd. 3): nothing released before the person is
verified (every unverified path refused), verified inquirers joined to their account, the answer as a letter
a person can read (current and earlier values with their dates), sent through the outbox and shown in the
portal's "My requests", and a repeat within six months answered with what is new."""

import json
from functools import partial

import pytest

from custodian.audit.events import append_events
from custodian.casework.choices import RequestStatus
from custodian.casework.data_requests import NotVerified, data_request_answer, package_build, request_verify
from custodian.casework.mail_import import import_one
from custodian.casework.models import CustomerRequest
from custodian.casework.services import Intake, RequestError, request_intake
from custodian.outbox.models import OutboundMessage
from custodian.testing import accounted, read_event
from custodian.testing.portal import signed_in
from custodian.vault.gate import staff_actor
from custodian.vault.services import Submission, personal_data_record

USAGE = json.dumps(
    {
        "electric": {
            "unit": "kWh",
            "months": [{"month": "2026-09", "total": 540.2}, {"month": "2026-10", "total": 612.4}],
        }
    }
)


@pytest.fixture
def billed(customer):
    """Alice, with last month's electricity use on her bill (612 kWh)."""
    personal_data_record(
        customer=customer,
        values={"meter_usage": USAGE},
        submission=Submission(channel="meter", notice_key="metering"),
    )
    return customer


def _email_request(customer) -> CustomerRequest:
    import_one(
        b"From: Alice <alice@example.com>\r\nTo: info@owatonnautilities.com\r\n"
        b"Subject: Send me all my data\r\nMessage-ID: <dsr-1@example.com>\r\n\r\n"
        b"Please send me all the data you hold about me.\r\n"
    )
    return CustomerRequest.objects.get(kind="data_access")


def test_an_e_mail_matched_by_its_sender_address_is_not_verified_and_gets_no_package(
    billed, privacy_officer, console
):
    req = _email_request(billed)
    assert req.customer_id == billed.pk and not req.is_verified  # the sender's address proves nothing
    with pytest.raises(NotVerified):
        package_build(actor=staff_actor(privacy_officer), request=req)
    with pytest.raises(NotVerified):
        data_request_answer(request=req, by=privacy_officer)
    client = console(privacy_officer)
    for fmt in ("", "json", "pdf"):
        response = client.get(f"/staff/requests/{req.pk}/package/", {"format": fmt} if fmt else {})
        assert response.status_code == 302 and b"Alice" not in response.content
    assert not OutboundMessage.objects.filter(template="data_request_answer").exists()


def test_a_wrong_bill_figure_verifies_nobody_and_stays_on_the_record(billed, other_customer, privacy_officer):
    req = _email_request(billed)
    verify = partial(request_verify, request=req, by=privacy_officer)
    with pytest.raises(RequestError, match="does not match"):
        verify(method="account_and_bill", account_number="0010000001", bill_kwh=700)
    req.refresh_from_db()
    assert not req.is_verified
    assert req.history.filter(action="not_verified", reason="the bill figure did not match").exists()
    with pytest.raises(RequestError, match="not this request's customer"):
        verify(method="photo_id", verified_with="passport", account_number="0010000002")


def test_a_web_form_request_from_a_customer_joins_their_account_once_verified(
    billed, other_customer, privacy_officer
):
    req, _ = request_intake(
        intake=Intake(
            kind="data_access", channel="web_form", message="My data, please", contact={"name": "Alice"}
        )
    )
    inquirer = req.customer_id
    with pytest.raises(NotVerified):
        package_build(actor=staff_actor(privacy_officer), request=req)
    request_verify(
        request=req, by=privacy_officer, method="account_and_bill", account_number="0010000001", bill_kwh=612
    )
    req.refresh_from_db()
    assert (req.customer_id, req.received_as_id, req.verification) == (
        billed.pk,
        inquirer,
        "account_and_bill",
    )
    assert (req.verified_by, req.verified_with) == (privacy_officer, "last_electric_kwh") and req.verified_at
    assert package_build(actor=staff_actor(privacy_officer), request=req).name == "Alice Anderson"


def test_a_call_for_one_s_data_is_verified_with_a_fact_from_the_bill(customer, privacy_officer):
    call = {"kind": "data_access", "channel": "phone", "message": "My data", "customer_id": customer.pk}
    with pytest.raises(RequestError, match="fact from the bill"):
        request_intake(
            intake=Intake(
                **call, recorded_by=privacy_officer, verification="account_and_fact", verified_with="name"
            )
        )
    req, _ = request_intake(
        intake=Intake(
            **call, recorded_by=privacy_officer, verification="account_and_fact", verified_with="last_bill"
        )
    )
    assert req.is_verified and req.verified_by == privacy_officer


def test_the_answer_is_a_letter_with_earlier_values_sent_and_shown_in_my_requests(
    households, privacy_officer
):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Everything, please", "notice_shown": "portal_request:2026.1"},
    )
    req = CustomerRequest.objects.get(customer=customer, kind="data_access")
    assert req.verification == "portal_sign_in" and req.is_verified
    personal_data_record(
        customer=customer,
        values={"phone": "507-555-0999"},
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    package = package_build(actor=staff_actor(privacy_officer), request=req)
    text = package.text
    assert "Telephone" in text and "507-555-0999" in text
    earlier = next(s for s in package.sections if s.title == "Earlier values we still hold")
    assert any(
        row[0] == "Telephone number" and row[3] for row in earlier.rows
    )  # with the day it was replaced
    for key in ("mailing_address", "account_number", "meter_usage", "{", "legal_obligations"):
        assert key not in text  # plain labels, no field keys or JSON
    assert package.pdf().startswith(b"%PDF")
    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()
    letter = OutboundMessage.objects.get(template="data_request_answer")
    assert (req.status, req.answer, letter.to_customer_id) == (RequestStatus.CLOSED, letter, customer.pk)
    page = client.get("/portal/me/requests/").content.decode()
    assert f"Request #{req.pk}" in page and "Answered" in page and "507-555-0999" in page


def test_a_repeat_within_six_months_holds_what_is_new(customer, privacy_officer, open_request):
    first = open_request(customer, "privacy_officer", kind="data_access")
    CustomerRequest.objects.filter(pk=first.pk).update(verification="photo_id", verified_with="passport")
    first.refresh_from_db()
    data_request_answer(request=first, by=privacy_officer)
    personal_data_record(
        customer=customer,
        values={"phone": "507-555-0777"},
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    again = open_request(customer, "privacy_officer", kind="data_access")
    CustomerRequest.objects.filter(pk=again.pk).update(verification="photo_id", verified_with="passport")
    again.refresh_from_db()
    package = package_build(actor=staff_actor(privacy_officer), request=again)
    assert package.repeat_of == first.pk and "six months" in package.intro
    now = next(s for s in package.sections if s.title == "The data we hold about you now")
    assert [row[0] for row in now.rows] == ["Telephone number"]  # only what is new since the last answer


def test_the_answer_is_written_in_the_customer_s_language(households, privacy_officer):
    """Ann reads Spanish in the portal: her answer's letter is in Spanish, its labels and dates too."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Todo, por favor", "notice_shown": "portal_request:2026.1"},
    )
    req = CustomerRequest.objects.get(customer=customer, kind="data_access")
    # The staff's preview of the package stays in their language.
    english = package_build(actor=staff_actor(privacy_officer), request=req)
    assert english.sections[0].title == "The data we hold about you now"
    data_request_answer(request=req, by=privacy_officer)
    page = client.get("/portal/me/requests/").content.decode()
    assert "LOS DATOS QUE TENEMOS SOBRE USTED AHORA" in page and "QUIÉN HA VISTO O CAMBIADO SUS DATOS" in page
    assert "Ley de Prácticas de Datos del Gobierno de Minnesota" in page and "Nombre: " in page
    assert "Supimos que era usted por: inició sesión en el portal de clientes" in page
    assert "THE DATA WE HOLD ABOUT YOU" not in page and "private data on individuals" not in page


def test_the_answer_names_an_app_and_a_purpose_in_words(customer, privacy_officer, open_request):
    """Who saw the data and why it was given are told as the portal tells them: an app the customer
    authorised by its name (never "third_party"), a disclosure's purpose by its label (never its key)."""
    req = open_request(customer, "privacy_officer", kind="data_access")
    CustomerRequest.objects.filter(pk=req.pk).update(verification="photo_id", verified_with="passport")
    req.refresh_from_db()
    app = {"actor_kind": "third_party", "actor_label": "Sunny Solar Analytics", "roles": "connect_my_data"}
    append_events([read_event(customer.pk, categories="meter_usage", purpose="providing_services", **app)])
    basis = ("vendor_determination", "determination 1")
    accounted([customer.pk], ("Acme Mailing", ""), ["name", "mailing_address"], "contacting_customers", basis)
    package = package_build(actor=staff_actor(privacy_officer), request=req)
    seen = next(s for s in package.sections if s.title == "Who has seen or changed your data")
    assert any("Sunny Solar Analytics, an app you authorized" in row for row in seen.rows)
    given = next(s for s in package.sections if s.title == "To whom we gave your data")
    assert any("Contacting customers" in row for row in given.rows)
    assert "third_party" not in package.text and "contacting_customers" not in package.text
