"""Every message on a request the customer's representative made goes to her by the one rule
(`casework.recipients`), whichever step sends it: staff's replies, a data request's answer, an accuracy
challenge's outcome (corrected or declined), a meter reading challenge sent to a re-read and its result.
Nothing of it is posted to the customer nor e-mailed to their address as if they had asked; each is kept in
My account for her, in her language, with an e-mail to her own address saying it waits; the customer is
told by one letter once the request is answered or closed, whatever the number of messages on it.

Personas: Alice Anderson, who reads English; Rosa Reyes, her attorney under a power of attorney to view and
make requests whose data leaves out Alice's correspondence, who reads Spanish; Priya, the privacy officer;
the field technician who re-reads the meter."""

import pytest
from django.core import mail

from custodian.casework.corrections import (
    correction_apply,
    correction_decline,
    meter_challenge_result,
    meter_challenge_route,
)
from custodian.casework.data_requests import data_request_answer
from custodian.casework.desk import reply_send
from custodian.casework.models import CustomerRequest
from custodian.casework.services import request_close
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.selectors import sent_to_customer
from custodian.outbox.services import FOR_THE_REPRESENTATIVE
from custodian.testing import power_of_attorney
from custodian.testing.portal import acting_for, categories_but
from custodian.vault.gate import customer_actor

TOLD = "representative_answered"


def _replied_twice_and_closed(req, privacy_officer, field_tech):
    reply_send(request=req, by=privacy_officer, body="We are looking into who read the bills this year.")
    reply_send(request=req, by=privacy_officer, body="Billing and customer service read them, for billing.")
    request_close(request=req, by=privacy_officer, reason="Answered.")


def _answered(req, privacy_officer, field_tech):
    data_request_answer(request=req, by=privacy_officer)


def _corrected(req, privacy_officer, field_tech):
    correction_apply(request=req, by=privacy_officer, values={"name": "Alice B. Anderson"})


def _declined(req, privacy_officer, field_tech):
    correction_decline(
        request=req,
        by=privacy_officer,
        explanation="The name on file is the one on the signed application for service.",
        categories=["name"],
    )


def _re_read(req, privacy_officer, field_tech):
    meter_challenge_route(request=req, by=privacy_officer, outcome="reread", note="October's reading doubled")
    req.refresh_from_db()
    meter_challenge_result(
        request=req, by=field_tech, result="confirmed", findings="The meter reads true: re-read on site."
    )


# Each way a request she made is worked, with the kind she asked and the messages it sends her (the steps of
# the way, then its answer or outcome).
WORKED = {
    "replies, then closed": ("privacy_question", _replied_twice_and_closed, 2),
    "a data request answered": ("data_access", _answered, 1),
    "a challenge, the data corrected": ("correction", _corrected, 1),
    "a challenge, the data kept": ("correction", _declined, 1),
    "a meter challenge, re-read and its result": ("correction", _re_read, 2),
}


@pytest.fixture
def rosa_asks(customer, service_rep, privacy_officer):
    """Rosa, reading Spanish, makes a request of `kind` in My account acting for Alice: the request."""
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    Customer.objects.filter(pk=rep.person_id).update(language="es")
    Customer.objects.filter(pk=customer.pk).update(language="en")

    def ask(kind):
        asked = rosa.post("/portal/me/request/", {"kind": kind, "message": "Por favor, revisen esto."})
        assert asked.status_code == 302
        return CustomerRequest.objects.get(customer=customer, representative=rep)

    return ask


@pytest.mark.parametrize("way", sorted(WORKED))
def test_every_message_goes_to_rosa_and_alice_is_told_once(
    way, customer, privacy_officer, field_tech, rosa_asks
):
    kind, work, messages = WORKED[way]
    req = rosa_asks(kind)
    mail.outbox.clear()
    work(req, privacy_officer, field_tech)

    on_it = OutboundMessage.objects.filter(to_customer=customer, regarding=f"request:{req.pk}")
    to_rosa = on_it.exclude(template=TOLD)
    assert to_rosa.count() == messages
    assert {(m.channel, m.status) for m in to_rosa} == {("letter", "online")}  # never posted to Alice
    assert not [m for m in mail.outbox if "alice@example.com" in [a.lower() for a in m.to]]
    waiting = [m for m in mail.outbox if m.to == ["rosa@example.org"]]
    assert len(waiting) == messages and all(f"{req.pk}" in m.subject for m in waiting)
    [told] = on_it.filter(template=TOLD)  # one letter to Alice, however many messages went to Rosa
    assert (told.channel, told.status) == ("letter", "queued")

    kept = {
        m.id: m for m in sent_to_customer(actor=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
    }
    for message in to_rosa:
        assert kept[message.pk].to == FOR_THE_REPRESENTATIVE
        assert f"n.º {req.pk}" in kept[message.pk].subject  # in Rosa's language, Spanish
    assert kept[told.pk].subject.startswith("Your representative")  # Alice's letter in hers, English
    assert f"authority #{req.representative_id}" in kept[told.pk].body


def test_the_challenge_s_letter_says_rosa_acted_for_alice(customer, privacy_officer, rosa_asks):
    req = rosa_asks("correction")
    Customer.objects.filter(pk=req.representative.person_id).update(language="")
    _declined(req, privacy_officer, None)
    req.refresh_from_db()
    [letter] = [
        m
        for m in sent_to_customer(actor=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
        if m.id == req.answer_id
    ]
    assert letter.subject.startswith("Your challenge to the accuracy of the customer's data")
    assert letter.body.startswith("Acting for the customer (power of attorney, authority #")
    assert "holds about you" not in letter.body


def test_alice_s_own_challenge_is_still_posted_to_her(customer, privacy_officer, open_request):
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    _declined(req, privacy_officer, None)
    req.refresh_from_db()
    assert (req.answer.channel, req.answer.status) == ("letter", "queued")
    assert not OutboundMessage.objects.filter(template=TOLD).exists()
