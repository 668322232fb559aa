"""An online account still limited (opened with the figures of a paper bill, the code from our letter not yet
entered) proves nobody's identity: a request sent from it is not verified by the sign-in (staff read "signed
in from a limited online account: to be verified by other means"), a data request's package waits for
verification, and a correction of a way we reach the customer (mailing address, e-mail, phone: the code
travels by them) is never made on its word, even once staff have verified the sender (by photo ID: the bill
verifies nobody here). Once the
limit is lifted, the sign-in verifies the customer again.

Personas: someone holding Carol's paper bill, Carol (no e-mail address on file; she gets the letter), and the
privacy officer who answers correction requests."""

import pytest

from custodian.casework.choices import Verification
from custodian.casework.corrections import correction_apply
from custodian.casework.data_requests import request_verify
from custodian.casework.models import CustomerRequest
from custodian.casework.services import RequestError
from custodian.portal.models import PortalAccount
from custodian.portal.tests.test_binding_acts_wait_for_the_mailed_code import (  # noqa: F401 (fixture)
    ATTACKER,
    CAROL_BILL,
    code_in_letter,
    enter,
    online,
)

NOTICE = {"notice_shown": "portal_request:2026.1"}


def ask(client, kind: str, message: str) -> CustomerRequest:
    sent = client.post("/portal/me/request/", {"kind": kind, "message": message, **NOTICE})
    assert sent.status_code == 302
    return CustomerRequest.objects.filter(kind=kind).latest("pk")


def test_a_correction_from_a_limited_account_moves_no_contact_channel(carol, privacy_officer):  # noqa: F811
    holder = online(CAROL_BILL, ATTACKER)
    req = ask(holder, "correction", "My mailing address is wrong: it is 9 Elm St")
    assert req.verification == Verification.PORTAL_LIMITED and not req.is_verified
    assert "to be verified by other means" in req.verification_label
    assert req.history.filter(action="limited_account").exists()
    # The bill's figures verify nobody here (the holder of the bill has them too): only photo ID does
    # (casework/tests/test_a_limited_account_s_requests_need_photo_id.py). Even then, a way we reach Carol is
    # not changed on the word of a request from the limited account.
    with pytest.raises(RequestError, match="does not verify this request"):
        request_verify(
            request=req,
            by=privacy_officer,
            method="account_and_bill",
            account_number="0010000030",
            bill_kwh=240,
        )
    req = request_verify(
        request=req,
        by=privacy_officer,
        method="photo_id",
        account_number="0010000030",
        verified_with="passport",
    )
    assert req.is_verified
    for field, value in (
        ("mailing_address", "9 Elm St, Owatonna, MN 55060"),
        ("email", ATTACKER),
        ("phone", "507-555-9999"),
    ):
        with pytest.raises(RequestError, match="never changed on its word"):
            correction_apply(request=req, by=privacy_officer, values={field: value})
    assert PortalAccount.objects.get(customer=carol).limited


def test_a_data_request_from_a_limited_account_waits_for_verification(carol):  # noqa: F811
    holder = online(CAROL_BILL, ATTACKER)
    req = ask(holder, "data_access", "Send me everything you hold about me")
    assert not req.is_verified and req.verified_at is None


def test_once_carol_enters_the_code_her_sign_in_verifies_her_again(carol):  # noqa: F811
    own = online(CAROL_BILL, "carol@example.net")
    enter(own, code_in_letter(carol))
    assert not PortalAccount.objects.get(customer=carol).limited
    req = ask(own, "correction", "My phone number changed")
    assert req.verification == Verification.PORTAL_SIGN_IN and req.is_verified
    assert not req.history.filter(action="limited_account").exists()
