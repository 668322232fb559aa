"""On a request the customer's representative made in My account, the console says where each message goes
by the rule the sending follows (`casework.recipients.answered_to`): the reply box, the answer's checkbox and
what staff are told once a reply or the answer went, and the accuracy challenge's steps, all name the
representative (kept for her in My account, an e-mail to her own address, the customer told by one letter
once it is answered or closed), never the customer's address; the request's
header names her as the customer's representative under her kind of authority, not as a customer; and the
representatives page lists what she may do and see by their labels, not the stored keys.

Personas: Cora Lindqvist, a customer-service representative; Priya, the privacy officer; Alice Anderson, a
customer with an e-mail address on file; Rosa Reyes, her attorney under a power of attorney to see her data
(but her correspondence) and make requests for her."""

from html import unescape

import pytest
from django.core import mail
from django.utils import translation

from custodian.casework.models import CustomerRequest, Representative, RepresentativeScope
from custodian.casework.recipients import answer_goes, answer_sent, reply_goes, reply_sent
from custodian.casework.services import request_hand_off
from custodian.outbox.models import OutboundMessage
from custodian.policy.loader import current_policy
from custodian.testing import power_of_attorney
from custodian.testing.portal import acting_for, categories_but

TO_HER_REPLY = "Goes to the customer's representative who made this request (power of attorney)"
TO_HER_ANSWER = "it goes to the customer's representative who made this request (power of attorney)"
TO_ALICE_REPLY = "Goes by e-mail to the address on file (by letter when there is none)"
TO_ALICE_ANSWER = "it goes to the customer by letter and appears in their portal"


@pytest.fixture
def rosa(customer, service_rep, privacy_officer):
    """Rosa Reyes acting for Alice in My account: (her authority, her browser)."""
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    return acting_for(customer, service_rep, privacy_officer, authority)


def _asked(rosa, customer, kind: str) -> CustomerRequest:
    rep, browser = rosa
    assert browser.post("/portal/me/request/", {"kind": kind, "message": "About Alice's account"}).status_code
    return CustomerRequest.objects.get(customer=customer, representative=rep, kind=kind)


@pytest.fixture
def question(rosa, customer, privacy_officer) -> CustomerRequest:
    """Rosa's question about Alice's bills, which the privacy officer hands to customer service."""
    req = _asked(rosa, customer, "privacy_question")
    request_hand_off(
        request=req, to_service="customer_service", reason="a billing matter", by=privacy_officer
    )
    return req


def _page(client, path: str, *args, **kwargs) -> str:
    return unescape(client.get(path, *args, **kwargs).content.decode())


def test_cora_s_reply_box_and_sent_message_name_the_representative(console, service_rep, question):
    req = question
    cora = console(service_rep)
    page = _page(cora, f"/staff/requests/{req.pk}/")
    assert TO_HER_REPLY in page and "in their language" in page
    assert "the customer reads it under their requests, and is told by one letter once the request is" in page
    assert TO_ALICE_REPLY not in page

    mail.outbox.clear()
    sent = cora.post(
        f"/staff/requests/{req.pk}/reply/", {"body": "Your question is with billing."}, follow=True
    )
    told = unescape(sent.content.decode())
    assert "Reply sent to the customer's representative (power of attorney)" in told
    assert "the customer sees it in the portal under the request" not in told
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]  # what the words said: her address only


def test_the_challenge_s_steps_say_its_outcome_goes_to_her(console, privacy_officer, customer, rosa):
    req = _asked(rosa, customer, "correction")
    page = _page(console(privacy_officer), f"/staff/requests/{req.pk}/")
    assert (
        "Every outcome goes, with the right to appeal to the Commissioner of Administration, to the "
        "customer's representative who made this challenge (power of attorney)"
    ) in page
    assert "Every outcome goes to the customer by letter" not in page


def test_alice_s_own_challenge_says_its_outcome_goes_to_her(console, privacy_officer, customer, open_request):
    mine = open_request(customer, "privacy_officer", "correction", photo_id=True)
    page = _page(console(privacy_officer), f"/staff/requests/{mine.pk}/")
    assert "Every outcome goes to the customer by letter, with the right to appeal" in page
    assert "representative who made this challenge" not in page


def test_the_header_names_her_as_the_customer_s_representative(console, service_rep, rosa, question):
    rep, _browser = rosa
    req = question
    page = _page(console(service_rep), f"/staff/requests/{req.pk}/")
    assert f"by the customer's representative, power of attorney (authority {rep.pk})" in page
    assert f"customer {rep.person_id}" not in page
    assert str(RepresentativeScope.REQUESTS.label) in page and "may requests, view" not in page
    assert current_policy().categories["meter_usage"].label in page and "meter_usage" not in page


def test_the_answer_s_checkbox_and_sent_message_name_the_representative(
    console, privacy_officer, customer, rosa
):
    req = _asked(rosa, customer, "data_access")
    priya = console(privacy_officer)
    package = _page(priya, f"/staff/requests/{req.pk}/package/")
    assert TO_HER_ANSWER in package and TO_ALICE_ANSWER not in package

    sent = priya.post(f"/staff/requests/{req.pk}/answer/", {"confirmed": "on"}, follow=True)
    told = unescape(sent.content.decode())
    assert f"Request #{req.pk} answered: kept for the customer's representative in My account" in told
    assert "the customer sees it in the portal" not in told
    req.refresh_from_db()
    assert req.answer.template == "data_request_answer"
    assert OutboundMessage.objects.filter(to_customer=customer, template="representative_answered").exists()


def test_alice_s_own_request_keeps_saying_it_goes_to_her(
    console, service_rep, privacy_officer, customer, open_request
):
    mine = open_request(customer, "customer_service")
    assert TO_ALICE_REPLY in _page(console(service_rep), f"/staff/requests/{mine.pk}/")
    data = open_request(customer, "privacy_officer", "data_access", photo_id=True)
    assert TO_ALICE_ANSWER in _page(console(privacy_officer), f"/staff/requests/{data.pk}/package/")


def test_the_representatives_page_lists_what_she_may_do_and_see_by_label(
    console, service_rep, customer, rosa
):
    page = _page(console(service_rep), f"/staff/customers/{customer.pk}/representatives/")
    row = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert str(RepresentativeScope.VIEW.label) in row and str(RepresentativeScope.REQUESTS.label) in row
    assert current_policy().categories["meter_usage"].label in row
    assert "requests, view" not in row and "meter_usage" not in row


def _words(request) -> list[str]:
    sent = OutboundMessage(channel="email", status="sent")
    return [f(request) for f in (reply_goes, answer_goes, answer_sent)] + [reply_sent(request, sent)]


@pytest.mark.parametrize("hers", [False, True], ids=["the customer's", "the representative's"])
def test_the_words_have_their_spanish(hers):
    rep = Representative(pk=3, kind="power_of_attorney") if hers else None
    request = CustomerRequest(pk=7, representative=rep)
    with translation.override("en"):
        english = _words(request)
    with translation.override("es"):
        spanish = _words(request)
    for en, es in zip(english, spanish, strict=True):
        assert es != en and "%(" not in es and ("representante" in es) == hers, es
