"""A request sent from an online account still limited (opened with the account number and last month's
electricity use from a paper bill, the code from our letter not yet entered) is verified only by photo ID at
the counter: the account number with a figure or a fact from the bill proves no more than what opened the
account. The service refuses the bill's methods whatever is sent; the privacy officer's verification step
offers photo ID alone and says why; nothing is corrected on such a request's word before the person is
verified; the portal tells the account's holder what proof a data request needs (in English and Spanish) and
shows no answer or reply while the account is limited, so nobody reads the customer's data there by holding
their bill.

Personas: Mallory, who took Carol's bill from her mailbox and opened an online account with it; Carol Cruz
(no e-mail address on file), who opens her own account, gets our letter and comes to the counter with her
driver's license; Alice Anderson, whose e-mail asking for her data is verified by her bill as before; and
Priya, the privacy officer."""

from functools import partial

import pytest

from custodian.casework.choices import Verification
from custodian.casework.corrections import correction_apply
from custodian.casework.data_requests import NotVerified, data_request_answer, package_build, request_verify
from custodian.casework.mail_import import import_one
from custodian.casework.models import CustomerRequest
from custodian.casework.services import RequestError
from custodian.portal.mailed_code import code_printed
from custodian.testing.portal import CAROL_BILL, USAGE, online
from custodian.vault.gate import customer_actor, reveal, staff_actor
from custodian.vault.services import Submission, personal_data_record

MALLORY = "mallory@example.org"
CAROL = "carol@example.net"
NOT_BY_THE_BILL = "does not verify this request"


def sent(client, kind: str, message: str) -> CustomerRequest:
    """What the portal's request form made of `message`, sent by the signed-in `client`."""
    answer = client.post(
        "/portal/me/request/", {"kind": kind, "message": message, "notice_shown": "portal_request:2026.1"}
    )
    assert answer.status_code == 302
    return CustomerRequest.objects.filter(kind=kind).latest("pk")


def by_priya(req, privacy_officer):
    """Priya's verification of `req`'s sender as the customer of Carol's account number."""
    return partial(
        request_verify, request=req, by=privacy_officer, account_number=CAROL_BILL["account_number"]
    )


def at_the_counter(req, privacy_officer) -> CustomerRequest:
    """Carol at the counter shows Priya her driver's license."""
    return by_priya(req, privacy_officer)(method=Verification.PHOTO_ID, verified_with="drivers_license")


def test_carols_bill_does_not_verify_a_data_request_from_mallorys_limited_account(carol, privacy_officer):
    mallory = online(CAROL_BILL, MALLORY)
    req = sent(mallory, "data_access", "Send me everything you hold about me")
    verify = by_priya(req, privacy_officer)
    with pytest.raises(RequestError, match=NOT_BY_THE_BILL):
        verify(method=Verification.ACCOUNT_AND_BILL, bill_kwh=CAROL_BILL["last_electric_kwh"])
    with pytest.raises(RequestError, match=NOT_BY_THE_BILL):
        verify(method=Verification.ACCOUNT_AND_FACT, verified_with="last_bill")
    req.refresh_from_db()
    assert not req.is_verified and req.verified_at is None
    with pytest.raises(NotVerified):
        package_build(actor=staff_actor(privacy_officer), request=req)


def test_photo_id_at_the_counter_verifies_it(carol, privacy_officer):
    mallory = online(CAROL_BILL, MALLORY)
    req = at_the_counter(sent(mallory, "data_access", "Everything, please"), privacy_officer)
    assert req.is_verified and req.verification == Verification.PHOTO_ID
    assert "Carol Cruz" in package_build(actor=staff_actor(privacy_officer), request=req).text


def test_alices_e_mail_is_still_verified_by_her_bill(customer, privacy_officer):
    personal_data_record(
        customer=customer,
        values={"meter_usage": USAGE % 612},
        submission=Submission(channel="meter", notice_key="metering"),
    )
    import_one(
        b"From: Alice <alice@example.com>\r\nTo: info@owatonnautilities.com\r\n"
        b"Subject: My data\r\nMessage-ID: <limited-1@example.com>\r\n\r\nAll my data, please.\r\n"
    )
    req = CustomerRequest.objects.get(kind="data_access")
    req = request_verify(
        request=req, by=privacy_officer, method="account_and_bill", account_number="0010000001", bill_kwh=612
    )
    assert req.is_verified


def test_priyas_verification_step_offers_photo_id_alone_and_says_why(carol, privacy_officer, console):
    req = sent(online(CAROL_BILL, MALLORY), "data_access", "Everything, please")
    client = console(privacy_officer)
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert 'value="photo_id"' in page and "could have opened it with the account number" in page
    for offered in ('value="account_and_bill"', 'value="account_and_fact"', 'name="bill_kwh"', "last_bill"):
        assert offered not in page
    assert "Sent from the portal: Signed in from a limited online account" in page
    # The form is no gate: the bill's figures posted all the same are refused by the service.
    answer = client.post(
        f"/staff/requests/{req.pk}/verify/",
        {"method": "account_and_bill", "account_number": "0010000030", "bill_kwh": "240"},
        follow=True,
    )
    assert NOT_BY_THE_BILL in answer.content.decode()
    req.refresh_from_db()
    assert not req.is_verified


def test_nothing_is_corrected_on_a_limited_accounts_word_before_photo_id(carol, privacy_officer):
    req = sent(online(CAROL_BILL, MALLORY), "correction", "My name is spelled Carolyn Cruz")
    with pytest.raises(RequestError, match=NOT_BY_THE_BILL):
        correction_apply(request=req, by=privacy_officer, values={"name": "Carolyn Cruz"})
    name = partial(
        reveal,
        actor=customer_actor(carol.pk, "Carol"),
        customer_id=carol.pk,
        fields=["name"],
        purpose="billing",
    )
    assert name()["name"] == "Carol Cruz"
    correction_apply(
        request=at_the_counter(req, privacy_officer), by=privacy_officer, values={"name": "Carolyn Cruz"}
    )
    assert name()["name"] == "Carolyn Cruz"


@pytest.mark.parametrize(
    ("lang", "before", "after"),
    [
        ("en", "verified only when you bring photo ID to our office", "do not prove it is you"),
        ("es", "solo se verifica cuando trae una identificación con foto", "no prueban que es usted"),
    ],
)
def test_the_portal_tells_the_limited_account_what_proof_a_data_request_needs(carol, lang, before, after):
    mallory = online(CAROL_BILL, MALLORY)
    assert before in mallory.get("/portal/me/request/", {"lang": lang}).content.decode()
    sent(mallory, "data_access", "Everything, please")
    assert after in mallory.get("/portal/me/requests/", {"lang": lang}).content.decode()


def test_the_answer_shows_in_carols_portal_only_once_she_enters_the_code(carol, privacy_officer):
    own = online(CAROL_BILL, CAROL)
    req = at_the_counter(sent(own, "data_access", "Everything, please"), privacy_officer)
    data_request_answer(request=req, by=privacy_officer)
    page = own.get("/portal/me/requests/").content.decode()
    assert "Our answer:" not in page and "we sent them to your address on file" in page
    assert own.post("/portal/me/code-from-our-letter/", {"step": "code", "code": code_printed(carol.pk)})
    page = own.get("/portal/me/requests/").content.decode()
    assert "Our answer:" in page and "not shown here" not in page
