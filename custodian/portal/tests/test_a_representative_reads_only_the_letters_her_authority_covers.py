"""A representative reads a letter only where the data it carries is within her authority, wherever the
letter is shown. A household signed up online (its e-mail address to sign in with, an income qualified for
the Cold Weather Rule on file); Rosa Reyes holds a power of attorney to view and make requests, covering the
name, the bills and the correspondence only; the privacy officer answers requests to see data:

- Rosa sends "See all the data you hold about me": the request is recorded as hers (the authority she acted
  under), not the customer's own sign-in; the privacy officer answers within her authority and the letter
  says what it leaves out; nowhere (her requests, the letters, the printed letter, the CSV and JSON
  downloads) does she read a value her authority leaves out, nor "None on file." where it does not cover;
- the customer's own answer to the same request, a letter carrying every category, is listed to Rosa by its
  number with what her authority leaves out, its words not shown; the customer reads all of it;
- a property manager covering the bills reads the bill's e-mail, not a letter about a changed telephone
  number, nor the address the e-mail went to;
- the customer's own download writes the words of a consent she gave in the spreadsheet."""

import dataclasses
import json
from datetime import date

import pytest

from custodian.casework.choices import Verification
from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.services import protection_facts_record
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letter_send, message_send
from custodian.testing import consent_given, power_of_attorney
from custodian.testing.portal import acting_for, password_again, signed_in
from custodian.testing.portal import spreadsheet_sections as sections
from custodian.vault.services import Submission

ROSA_SEES = ["name", "bills", "correspondence"]
SIGN_IN = "household.one@example.com"
ASK = {"kind": "data_access", "message": "See all the data you hold about me"}
BY_PHONE = Submission(
    channel="phone", notice_key="disconnection_protection", recorded_by_label="the collections desk"
)
INCOME_DATE = date(2026, 10, 1)


@pytest.fixture
def household(households):
    """The household signed in to My account, its income qualifying on file; (customer, app, browser)."""
    customer, app = households[0]
    client = signed_in(app, SIGN_IN)
    facts = ProtectionFacts(income_verified_on=INCOME_DATE, income_basis="assistance_provider")
    protection_facts_record(customer_id=customer.pk, facts=facts, submission=BY_PHONE)
    return customer, app, client


def left_out_values(app) -> list[str]:
    """What the household holds that Rosa's authority does not cover, as a page or file would write it."""
    p = app.personal
    months = json.loads(p["meter_usage"])["electric"]["months"]
    return [
        p["phone"],
        p["email"],
        SIGN_IN,
        p["mailing_address"].split(",")[0],
        p["service_address"].split(",")[0],
        p["account_number"],
        *([p["bank_account"][-4:]] if p.get("bank_account") else []),
        "2026-10-01",
        "October 1, 2026",
        f"{round(months[-1]['total']):,}",
    ]


def leaks(text: str, app) -> list[str]:
    return [v for v in left_out_values(app) if v in text]


def rosa_asks_and_is_answered(customer, service_rep, privacy_officer):
    rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "requests"), ROSA_SEES)
    )
    assert rosa.post("/portal/me/request/", ASK).status_code == 302
    req = CustomerRequest.objects.get(customer=customer, kind="data_access")
    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()
    return rep, rosa, req


def test_her_request_is_hers_and_its_answer_stays_within_her_authority(
    household, service_rep, privacy_officer, console
):
    customer, app, _alice = household
    rep, rosa, req = rosa_asks_and_is_answered(customer, service_rep, privacy_officer)
    assert req.verification == Verification.REPRESENTATIVE and req.representative == rep
    detail = console(privacy_officer).get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Made by the customer&#x27;s representative" in detail and f"authority {rep.pk}" in detail
    assert "Signed in to the customer portal" not in detail
    letter = req.answer
    assert letter.carries == "bills,correspondence,name"
    for page in ("/portal/me/requests/", "/portal/me/messages/"):
        text = rosa.get(page).content.decode()
        assert not leaks(text, app), (page, leaks(text, app))
        assert "leaves out" in text, page  # the answer says what her authority did not cover
    assert customer_name(app) in rosa.get("/portal/me/messages/").content.decode()
    assert (
        "Made in My account by the customer's representative"
        in rosa.get("/portal/me/requests/").content.decode()
    )
    pdf = rosa.get(f"/portal/me/messages/{letter.pk}/letter.pdf")
    assert pdf.status_code == 403 and "does not cover" in pdf.content.decode()
    for fmt in ("csv", "json"):
        text = rosa.get(f"/portal/me/download.{fmt}").content.decode()
        assert not leaks(text, app), (fmt, leaks(text, app))
        assert "E-mail address you sign in to My account with" not in text
    spreadsheet = sections(rosa.get("/portal/me/download.csv"))
    for title in ("Your monthly use", "Your meter readings"):
        [said] = spreadsheet[title][1]
        assert "does not cover meter usage" in said and "None on file." not in said, title


def test_a_letter_outside_her_authority_is_listed_without_its_words(household, service_rep, privacy_officer):
    customer, app, alice = household
    assert alice.post("/portal/me/request/", ASK).status_code == 302
    [own] = CustomerRequest.objects.filter(customer=customer, kind="data_access")
    assert own.verification == Verification.PORTAL_SIGN_IN and own.representative is None
    data_request_answer(request=own, by=privacy_officer)
    own.refresh_from_db()
    assert own.answer.carries == ""  # every category: its template's
    assert app.personal["phone"] in alice.get("/portal/me/messages/").content.decode()
    _rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "requests"), ROSA_SEES)
    )
    page = rosa.get("/portal/me/messages/").content.decode()
    listed = page.split(f'data-message="{own.answer.pk}"')[1].split("</article>")[0]
    assert "does not cover" in listed and "telephone" in listed.lower()
    assert "The data we hold about you" not in listed and not leaks(page, app)
    text = rosa.get("/portal/me/download.csv").content.decode()
    assert not leaks(text, app) and f"(#{own.answer.pk})" in text
    requests = rosa.get("/portal/me/requests/").content.decode()
    answer = requests.split(f'data-request="{own.pk}"')[1].split("</article>")[0]
    assert "does not cover" in answer and not leaks(requests, app)
    assert (
        "We knew it was you by: signed in to the customer portal."
        in alice.get("/portal/me/requests/").content.decode()
    )


def test_a_property_manager_reads_the_bill_s_e_mail_not_the_telephone_change(
    household, service_rep, privacy_officer
):
    customer, app, _alice = household
    bill = message_send(
        to_address=app.personal["email"],
        template="bill_ready",
        context={"cycle": "2026-10", "due_on": date(2026, 11, 20), "portal": "", "utility": "", "phone": ""},
        to_customer=customer,
        sent_by=privacy_officer,
    )
    phone = letter_send(
        to_customer=customer,
        template="contact_changed",
        context={"field": "phone", "changed_on": date(2026, 11, 2), "ending": "0101", "phone": ""},
        sent_by=privacy_officer,
    )
    manager = dataclasses.replace(
        power_of_attorney(customer, ("view",), ["name", "service_address", "bills", "correspondence"]),
        kind="property_manager",
        name="Pat Property",
        email="pat.manager@example.org",
    )
    _rep, pat = acting_for(customer, service_rep, privacy_officer, manager)
    page = pat.get("/portal/me/messages/").content.decode()
    shown = page.split(f'data-message="{bill.pk}"')[1].split("</article>")[0]
    hidden = page.split(f'data-message="{phone.pk}"')[1].split("</article>")[0]
    assert "bill is ready" in shown and "does not cover" not in shown
    assert app.personal["email"] not in page  # the address the e-mail went to
    assert "does not cover" in hidden and "0101" not in hidden
    assert OutboundMessage.objects.get(pk=phone.pk).carries == ""


def test_her_own_download_writes_the_words_of_a_consent(household):
    customer, _app, alice = household
    consent_given(customer, method="electronic", text_shown="I agree to share my name for the audit.")
    rows = sections(password_again(alice).get("/portal/me/download.csv"))["Messages, letters and documents"]
    words = [r for r in rows if r[0] == "The words of a consent you gave"]
    assert words and all("I agree to share my name" in r[2] for r in words)


def customer_name(app) -> str:
    return app.personal["name"]
