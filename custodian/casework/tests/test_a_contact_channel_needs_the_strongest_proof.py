"""The e-mail address and the mailing address on file prove who someone is in their turn (the portal's sign-up
link goes to the one, the code that opens a limited account is mailed to the other), so a correction changes
them only for a person verified by photo ID at the counter or by the customer's own sign-in to My account.
The bill's figures and facts (the account number with last month's electricity use, the amount of the last
bill) are held by anyone who holds the bill: they verify a data request answered by letter to the address on
file, and a correction of other data, but never move where we reach the customer.

Personas: an outsider (Mallory) holding a customer's paper bill, who e-mails in the customer's name and calls
in Carol's; the privacy officer, who verifies and answers correction requests; a customer at the counter with
photo ID; a customer signed in to My account."""

import html

import pytest
from django.core import mail
from django.test import Client

from custodian.casework.corrections import correction_apply
from custodian.casework.identity import CHANNEL_NEEDS_STRONG_PROOF
from custodian.casework.models import CustomerRequest
from custodian.casework.services import RequestError
from custodian.outbox.models import OutboundMessage
from custodian.portal.models import PortalAccount
from custodian.portal.services import email_on_file
from custodian.testing import letter_text
from custodian.testing.desk import request_entered
from custodian.testing.mailed_correction import correction_mailed
from custodian.testing.portal import (
    CAROL_BILL,
    change_confirm_url,
    change_link,
    confirm_link,
    enrol,
    last_kwh,
    online,
    signed_in,
)
from custodian.vault.gate import reveal, system_actor

MALLORY = "mallory@evil.example"
MALLORYS_STREET = "1 Drop Box Lane, Owatonna, MN 55060"
# The words the refusal begins with, as the service and the console say them.
NEEDS = "corrected only for a person verified by photo ID at the counter or by the customer's own sign-in"


def on_file(customer_id, field: str) -> str:
    return reveal(
        actor=system_actor("portal_enrolment"),
        customer_id=customer_id,
        fields=[field],
        purpose="contacting_customers",
    ).get(field, "")


def verified_at_console(client, req, fields: dict) -> str:
    return html.unescape(
        client.post(f"/staff/requests/{req.pk}/verify/", fields, follow=True).content.decode()
    )


def page_of(client, req) -> str:
    return html.unescape(client.get(f"/staff/requests/{req.pk}/").content.decode())


def corrected_at_console(client, req, field: str, value: str) -> str:
    answer = client.post(
        f"/staff/requests/{req.pk}/correction/",
        {"field": field, "value": value, "named_recipients": ""},
        follow=True,
    )
    return html.unescape(answer.content.decode())


def offered(page: str, field: str) -> bool:
    """Whether the request's page offers `field` in the correction step's choice of item (its first form
    posting to the correction step)."""
    start = page.find('/correction/"')
    assert start != -1, "no correction step on the page"
    return f'<option value="{field}"' in page[start : page.find("</form>", start)]


def test_the_bill_s_figures_do_not_move_the_e_mail_address_and_mallory_s_sign_up_link_goes_to_the_customer(
    households, privacy_officer, console, tmp_path
):
    (customer, app), _ = households
    req = correction_mailed(tmp_path, app, MALLORY)
    client = console(privacy_officer)
    # Mallory, holding the bill, gives the account number and last month's kWh: the request is verified...
    page = verified_at_console(
        client,
        req,
        {
            "method": "account_and_bill",
            "account_number": app.personal["account_number"],
            "bill_kwh": last_kwh(app),
        },
    )
    assert "Verified" in page
    req.refresh_from_db()
    assert req.is_verified and req.verification == "account_and_bill"
    # ...but the correction step offers neither the e-mail nor the mailing address, and says why.
    page = page_of(client, req)
    assert "Apply the correction" in page and 'id="channels-need-strong-proof"' in page and NEEDS in page
    assert not offered(page, "email") and not offered(page, "mailing_address") and offered(page, "name")
    # Posted all the same, each is refused in words naming the proof needed; nothing is sent to Mallory.
    mail.outbox.clear()
    for field, value in (("email", MALLORY), ("mailing_address", MALLORYS_STREET)):
        answer = corrected_at_console(client, req, field, value)
        assert NEEDS in answer and "anyone holding the bill has them" in answer
    assert not [m for m in mail.outbox if MALLORY in m.to]
    assert email_on_file(customer.pk) == app.personal["email"]
    assert on_file(customer.pk, "mailing_address") == app.personal["mailing_address"]
    req.refresh_from_db()
    assert req.status == "open" and req.answered_at is None
    # Mallory's sign-up with the bill's figures: its link goes to the customer's own inbox.
    enrol(Client(), app, MALLORY)
    assert confirm_link(app.personal["email"])
    assert not [m for m in mail.outbox if m.to == [MALLORY] and "/portal/confirm/" in m.body]


def test_a_call_with_a_fact_from_the_bill_does_not_move_the_mailing_address_and_the_code_goes_to_carol(
    carol, privacy_officer, console
):
    client = console(privacy_officer)
    before = on_file(carol.pk, "mailing_address")
    # Mallory calls as Carol with the amount of her last bill; the privacy officer enters the call.
    entered = request_entered(
        client,
        {
            "channel": "phone",
            "kind": "correction",
            "account_number": CAROL_BILL["account_number"],
            "purpose": "legal_obligations",
            "message": "I moved: please send my mail to 1 Drop Box Lane.",
            "verification": "account_and_fact",
            "verified_with": "last_bill",
        },
    )
    assert entered.status_code == 302
    req = CustomerRequest.objects.get(customer=carol, kind="correction")
    assert req.is_verified
    page = page_of(client, req)
    assert not offered(page, "mailing_address") and NEEDS in page
    answer = corrected_at_console(client, req, "mailing_address", MALLORYS_STREET)
    assert NEEDS in answer
    with pytest.raises(RequestError) as refused:
        correction_apply(request=req, by=privacy_officer, values={"mailing_address": MALLORYS_STREET})
    assert str(refused.value) == CHANNEL_NEEDS_STRONG_PROOF
    assert on_file(carol.pk, "mailing_address") == before
    # Mallory opens an online account with Carol's bill: it stays limited, and the code's letter is
    # addressed to Carol's mailing address on file, not to Mallory's.
    online(CAROL_BILL, MALLORY)
    assert PortalAccount.objects.get(customer=carol).limited
    letter = OutboundMessage.objects.filter(channel="letter", to_customer=carol).latest("pk")
    assert letter.template == "portal_signed_up" and "Mailed-To" not in letter_text(letter)
    assert "Drop Box" not in letter_text(letter)


def test_other_data_is_still_corrected_on_the_bill_s_figures(households, privacy_officer, console, tmp_path):
    (customer, app), _ = households
    req = correction_mailed(tmp_path, app, MALLORY)  # the customer's own, this time, with the bill in hand
    client = console(privacy_officer)
    verified_at_console(
        client,
        req,
        {
            "method": "account_and_bill",
            "account_number": app.personal["account_number"],
            "bill_kwh": last_kwh(app),
        },
    )
    answer = corrected_at_console(client, req, "phone", "507-555-0199")
    assert "Corrected" in answer
    assert on_file(customer.pk, "phone") == "507-555-0199"


def test_a_customer_at_the_counter_with_photo_id_corrects_both(
    households, privacy_officer, console, tmp_path
):
    (customer, app), _ = households
    # The customer's own e-mail: they come to the counter with photo ID.
    req = correction_mailed(tmp_path, app, MALLORY)
    client = console(privacy_officer)
    verified_at_console(
        client,
        req,
        {
            "method": "photo_id",
            "verified_with": "drivers_license",
            "account_number": app.personal["account_number"],
        },
    )
    req.refresh_from_db()
    assert req.verification == "photo_id"
    page = page_of(client, req)
    assert offered(page, "email") and offered(page, "mailing_address")
    assert 'id="channels-need-strong-proof"' not in page
    mail.outbox.clear()
    correction_apply(
        request=req,
        by=privacy_officer,
        values={"email": "ann.new@example.org", "mailing_address": "9 Oak Avenue, Owatonna, MN 55060"},
        confirm_url=change_confirm_url,
    )
    assert on_file(customer.pk, "mailing_address") == "9 Oak Avenue, Owatonna, MN 55060"
    assert Client().post(change_link("ann.new@example.org")).status_code == 200
    assert email_on_file(customer.pk) == "ann.new@example.org"


def test_a_customer_signed_in_corrects_their_e_mail_address(households, privacy_officer, console):
    (customer, app), _ = households
    own = signed_in(app, app.personal["email"])
    sent = own.post(
        "/portal/me/request/",
        {
            "kind": "correction",
            "message": "My e-mail address changed",
            "notice_shown": "portal_request:2026.1",
        },
    )
    assert sent.status_code == 302
    req = CustomerRequest.objects.get(customer=customer, kind="correction")
    assert req.verification == "portal_sign_in"
    client = console(privacy_officer)
    page = page_of(client, req)
    assert offered(page, "email") and offered(page, "mailing_address")
    mail.outbox.clear()
    answer = corrected_at_console(client, req, "email", "ann.new@example.org")
    assert "A link was e-mailed to the new address" in answer
    assert Client().post(change_link("ann.new@example.org")).status_code == 200
    assert email_on_file(customer.pk) == "ann.new@example.org"
