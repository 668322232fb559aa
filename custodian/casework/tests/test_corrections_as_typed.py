"""A correction typed in answer to a challenge: only a value a person gives us, checked by the field every
other form takes it with (a bill or the meter's readings are corrected by their own workflows, and the form
says where); the others the customer named, each as "name | address", a line that isn't one named back;
one answer a challenge, shown as answered in the portal from the day its letter went out."""

import json

import pytest

from custodian.casework.correctable import NamedRecipient
from custodian.casework.corrections import correction_apply, correction_decline
from custodian.casework.models import CustomerRequest
from custodian.casework.services import RequestError
from custodian.disclosures.models import CorrectionNotice
from custodian.outbox.models import OutboundMessage
from custodian.testing.portal import signed_in
from custodian.vault.models import PersonalValue


@pytest.fixture
def challenge(households):
    """Ann signed in to the portal, challenging her data; the privacy officer answers."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.post(
        "/portal/me/request/",
        {"kind": "correction", "message": "My details are wrong", "notice_shown": "portal_request:2026.1"},
    )
    return customer, client, CustomerRequest.objects.get(customer=customer, kind="correction")


def _correct(console, privacy_officer, req, **typed):
    return console(privacy_officer).post(
        f"/staff/requests/{req.pk}/correction/", {"named_recipients": "", **typed}, follow=True
    )


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("bills", "$200", "billing adjustment"),
        ("meter_usage", "300 kWh", "re-read or a billing adjustment"),
        ("bank_account", "routing 091000019 account 12345678", "Automatic payment in My account"),
        ("account_number", "0010000009", "own number for the account"),
        ("phone", "call me", "Enter a US telephone number"),
        ("email", "ann at home", "name@example.com"),
        ("mailing_address", "-1", "house number and street"),
    ],
)
def test_a_value_the_item_can_t_hold_is_refused_and_nothing_is_recorded(
    challenge, console, privacy_officer, field, value, said
):
    customer, client, req = challenge
    before = client.get("/portal/me/download.json").content
    page = _correct(console, privacy_officer, req, field=field, value=value).content.decode()
    assert "Not corrected" in page and said in page
    assert not OutboundMessage.objects.filter(template="correction_outcome").exists()
    assert not PersonalValue.objects.filter(
        customer=customer, provenance__note__contains="correction"
    ).exists()
    assert json.loads(client.get("/portal/me/download.json").content)["data"] == json.loads(before)["data"]
    with pytest.raises(RequestError, match=said):
        correction_apply(request=req, by=privacy_officer, values={field: value})


def test_a_value_is_kept_as_its_own_field_keeps_it(challenge, console, privacy_officer):
    customer, client, req = challenge
    _correct(console, privacy_officer, req, field="phone", value="(507) 451 2480")
    assert json.loads(client.get("/portal/me/download.json").content)["data"]["phone"] == "507-451-2480"


def test_each_named_recipient_needs_a_name_and_an_address(challenge, console, privacy_officer):
    _, _, req = challenge
    named = "Bob the landlord no pipe\nCarol | \nDan | 14 Oak Street, Owatonna, MN 55060"
    page = _correct(
        console, privacy_officer, req, field="name", value="Ann B. Anderson", named_recipients=named
    ).content.decode()
    assert "Line 1 (Bob the landlord no pipe): write it as: name | address" in page
    assert "Line 2 (Carol |): give their e-mail or mailing address" in page
    assert "Line 3" not in page  # a good line is not named
    assert not CorrectionNotice.objects.exists()
    assert not OutboundMessage.objects.filter(template="correction_outcome").exists()
    with pytest.raises(RequestError, match="house number"):
        correction_apply(
            request=req,
            by=privacy_officer,
            values={"name": "Ann B. Anderson"},
            named=[NamedRecipient("Bob", "the landlord")],
        )


def test_a_challenge_is_answered_once_and_shown_answered(challenge, console, privacy_officer):
    _, client, req = challenge
    named = "Dan | 14 Oak Street, Owatonna, MN 55060"  # a notice to post: the request stays open for it
    done = _correct(
        console, privacy_officer, req, field="name", value="Ann B. Anderson", named_recipients=named
    )
    assert "Corrected; the customer was told by letter" in done.content.decode()
    req.refresh_from_db()
    assert req.status == "open" and req.answered_at and req.answer.template == "correction_outcome"
    page = client.get("/portal/me/requests/").content.decode()
    assert "Answered" in page and "Open: we answer by" not in page
    staff = console(privacy_officer).get(f"/staff/requests/{req.pk}/").content.decode()
    assert "notices to past recipients still to post" in staff and "Apply the correction" not in staff
    again = _correct(console, privacy_officer, req, field="name", value="Ann C. Anderson").content.decode()
    assert "answered already (the data was corrected" in again
    with pytest.raises(RequestError, match="answered already"):
        correction_decline(
            request=req, by=privacy_officer, explanation="The name is right as it is.", categories=["name"]
        )
    assert OutboundMessage.objects.filter(template="correction_outcome").count() == 1
