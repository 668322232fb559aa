"""A request sent again by accident makes no second request. Pat pressing "Send" on the portal three times
with the same kind and message makes one request, with one deadline in the privacy officer's queue, and is
shown it each time (the public contact form sent twice makes one as well: custodian.web's tests). The same
person asking something else, or asking the same again once the window has passed or the first request is
closed, makes a new request; so does another person with the same words."""

from datetime import timedelta

import pytest

from custodian.casework.models import CustomerRequest
from custodian.casework.services import RESUBMIT_WINDOW, Intake, request_close, request_intake
from custodian.testing.portal import signed_in
from custodian.vault.models import SealedDocument

QUESTION = "Who reads my meter, and who sees the readings?"


def sent(customer, message=QUESTION, kind="privacy_question", channel="portal"):
    return request_intake(intake=Intake(kind=kind, channel=channel, message=message, customer_id=customer.pk))


def test_the_same_request_sent_three_times_is_made_once(customer):
    first, made = sent(customer)
    again = [sent(customer) for _ in range(2)]
    assert made and again == [(first, False), (first, False)]
    assert CustomerRequest.objects.count() == 1
    assert SealedDocument.objects.filter(category="correspondence").count() == 1  # its message kept once


def test_blanks_around_the_message_do_not_make_it_another(customer):
    first, _ = sent(customer)
    assert sent(customer, message=f"  {QUESTION}\n") == (first, False)


@pytest.mark.parametrize(
    "other",
    [
        {"message": "Please correct my telephone number."},
        {"kind": "data_access"},
    ],
)
def test_another_message_or_kind_makes_a_new_request(customer, other):
    first, _ = sent(customer)
    second, made = sent(customer, **other)
    assert made and second != first and CustomerRequest.objects.count() == 2


def test_another_customer_with_the_same_words_makes_their_own_request(customer, other_customer):
    mine, _ = sent(customer)
    theirs, made = sent(other_customer)
    assert made and theirs.customer == other_customer and theirs != mine


@pytest.mark.parametrize(
    "contact", [{"name": "(anonymous)"}, {"name": "Pat"}], ids=["anonymous", "name-only"]
)
def test_senders_without_an_address_to_answer_at_are_never_taken_for_one(db, contact):
    """Ten neighbours writing "my power is out" on the contact form during an outage, giving no e-mail or
    telephone, are ten requests: nothing tells one sender from another."""
    outage = dict(kind="problem", channel="web_form", message="My power is out on Cedar Ave", contact=contact)
    first, made_first = request_intake(intake=Intake(**outage))
    second, made_second = request_intake(intake=Intake(**outage))
    assert made_first and made_second and first != second


def test_once_the_window_has_passed_the_same_request_is_made_again(customer):
    first, _ = sent(customer)
    CustomerRequest.objects.filter(pk=first.pk).update(
        opened_at=first.opened_at - RESUBMIT_WINDOW - timedelta(1)
    )
    second, made = sent(customer)
    assert made and second != first
    assert sent(customer) == (second, False)  # and sent again at once, it is that one again


def test_a_closed_request_is_not_the_answer_to_the_same_request_sent_again(customer):
    first, _ = sent(customer)
    request_close(request=first, by=None, reason="Answered by telephone.")
    second, made = sent(customer)
    assert made and second != first and second.status == "open"
    assert sent(customer) == (second, False)


def test_an_e_mail_is_one_request_by_its_key_whatever_its_words(customer):
    """E-mail arrives unasked, not from a form: imported twice it is one request by its key; two e-mails
    alike without one are two messages."""
    imported = dict(kind="other", channel="email", message="Hello", contact={"email": "ann@example.com"})
    first, _ = request_intake(intake=Intake(**imported, source_key="k" * 64))
    assert request_intake(intake=Intake(**imported, source_key="k" * 64)) == (first, False)
    assert request_intake(intake=Intake(**imported))[1] and request_intake(intake=Intake(**imported))[1]


def test_pat_pressing_send_three_times_on_the_portal_makes_one_request(households, privacy_officer):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    asked = {"kind": "privacy_question", "message": QUESTION}
    pages = [client.post("/portal/me/request/", asked, follow=True).content.decode() for _ in range(3)]
    req = CustomerRequest.objects.get(customer=customer)  # one request, one deadline in the queue
    assert req.owning_service == "privacy_officer" and req.due_on is not None
    assert all(f"Request #{req.pk} received; we will answer by" in page for page in pages)
    client.post("/portal/me/request/", {**asked, "message": "And who sees my bills?"})
    assert CustomerRequest.objects.filter(customer=customer).count() == 2
