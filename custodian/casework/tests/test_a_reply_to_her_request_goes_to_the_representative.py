"""Staff's reply on a request the customer's representative made goes to her, by the rule the final answer
follows, never to the customer's address as if the customer had asked. Alice Anderson has an e-mail address
on file; Rosa Reyes holds a power of attorney to make requests whose data leaves out Alice's correspondence,
and asks a question in My account acting for Alice; the privacy officer replies:

- nothing goes to Alice's address and her address is not read for it: the reply is kept in My account as
  Alice's correspondence, carrying what Rosa's authority covers, its kept text saying for whom it is kept;
- an e-mail to Rosa's own address says our message waits for her (the request's number, none of the reply's
  words nor Alice's data), in English or in Spanish, her address read as the `representatives` job of the
  policy file, which the access log names;
- the reply is headed in Rosa's language, not Alice's;
- Alice reads the reply under her requests, and is told by one letter once the request is closed, not by a
  letter for each reply;
- Rosa reads it on "My requests"."""

import pytest
from django.core import mail

from custodian.audit.models import AccessEvent
from custodian.casework.desk import reply_send
from custodian.casework.models import CustomerRequest
from custodian.casework.services import request_close
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.selectors import sent_to_customer
from custodian.outbox.services import FOR_THE_REPRESENTATIVE
from custodian.testing import portal_browser, power_of_attorney
from custodian.testing.portal import acting_for, categories_but
from custodian.vault.gate import customer_actor

ROSA_REPLY = "We are looking into who read the bills this year."
TOLD = "representative_answered"


@pytest.fixture
def rosa_asked(customer, service_rep, privacy_officer):
    """Rosa's question, asked in My account acting for Alice: (her authority, her browser, the request)."""
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    asked = rosa.post("/portal/me/request/", {"kind": "privacy_question", "message": "Who read the bills?"})
    assert asked.status_code == 302
    return rep, rosa, CustomerRequest.objects.get(customer=customer, representative=rep)


def _emails_read(customer) -> int:
    return AccessEvent.objects.filter(
        customer_id=str(customer.pk), actor_kind="staff", categories__contains="email"
    ).count()


def test_the_reply_goes_to_rosa_not_to_alice_s_address(customer, privacy_officer, rosa_asked):
    rep, rosa, req = rosa_asked
    mail.outbox.clear()
    read_before = _emails_read(customer)
    reply = reply_send(request=req, by=privacy_officer, body=ROSA_REPLY)

    assert not [m for m in mail.outbox if "alice@example.com" in [a.lower() for a in m.to]]
    assert _emails_read(customer) == read_before  # Alice's address is not Rosa's to be written to
    assert (reply.channel, reply.status, reply.to_customer_id) == ("letter", "online", customer.pk)
    assert reply.carries == ",".join(sorted(rep.category_list))
    [to_rosa] = mail.outbox
    assert to_rosa.to == ["rosa@example.org"] and f"#{req.pk}" in to_rosa.subject
    assert "My account" in to_rosa.body and ROSA_REPLY not in to_rosa.body and "Alice" not in to_rosa.body
    assert not OutboundMessage.objects.filter(to_customer=customer, template="representative_answered")
    request_close(request=req, by=privacy_officer, reason="Answered.")
    told = OutboundMessage.objects.get(to_customer=customer, template="representative_answered")
    assert told.channel == "letter" and told.regarding == f"request:{req.pk}"

    kept = {
        m.id: m for m in sent_to_customer(actor=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
    }
    assert kept[reply.pk].to == FOR_THE_REPRESENTATIVE and "paperless" not in kept[reply.pk].status_label
    assert "we wrote to them about it in my account" in kept[told.pk].body.lower()

    assert ROSA_REPLY in rosa.get("/portal/me/requests/").content.decode()
    alice = portal_browser(customer, "alice.anderson")
    assert ROSA_REPLY in alice.get("/portal/me/requests/").content.decode()


def test_rosa_is_written_to_in_her_language_and_alice_in_hers(customer, privacy_officer, rosa_asked):
    rep, _rosa, req = rosa_asked
    Customer.objects.filter(pk=rep.person_id).update(language="es")
    mail.outbox.clear()
    reply = reply_send(request=req, by=privacy_officer, body=ROSA_REPLY)
    [to_rosa] = mail.outbox
    assert to_rosa.subject == f"Le escribimos sobre su solicitud n.º {req.pk}: está en Mi cuenta"
    request_close(request=req, by=privacy_officer, reason="Answered.")
    told = OutboundMessage.objects.get(to_customer=customer, template="representative_answered")
    letters = {
        m.id: m for m in sent_to_customer(actor=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
    }
    assert letters[reply.pk].subject == f"Su solicitud n.º {req.pk}"  # Rosa's, in her language
    assert letters[told.pk].subject.startswith("Your representative made a request for you")  # Alice's
    assert "power of attorney" in letters[told.pk].body

    Customer.objects.filter(pk=rep.person_id).update(language="")  # none on record: the site's, English
    Customer.objects.filter(pk=customer.pk).update(language="es")
    again = CustomerRequest.objects.create(
        customer=customer,
        kind="privacy_question",
        channel="portal",
        owning_service="privacy_officer",
        representative=rep,
    )
    reply = reply_send(request=again, by=privacy_officer, body=ROSA_REPLY)
    request_close(request=again, by=privacy_officer, reason="Answered.")
    told = OutboundMessage.objects.get(to_customer=customer, regarding=f"request:{again.pk}", template=TOLD)
    letters = {
        m.id: m for m in sent_to_customer(actor=customer_actor(customer.pk, "Alice"), customer_id=customer.pk)
    }
    assert letters[reply.pk].subject == f"Your request #{again.pk}"
    assert letters[told.pk].subject.startswith("Su representante hizo una solicitud") and (
        "poder notarial" in letters[told.pk].body
    )


def test_rosa_s_address_is_read_for_what_it_is(customer, privacy_officer, rosa_asked):
    rep, _rosa, req = rosa_asked
    read_before = set(AccessEvent.objects.values_list("seq", flat=True))
    reply_send(request=req, by=privacy_officer, body=ROSA_REPLY)
    [read] = [
        e
        for e in AccessEvent.objects.filter(customer_id=str(rep.person_id), categories="email")
        if e.seq not in read_before
    ]
    assert (read.actor_kind, read.actor_id, read.purpose) == (
        "system",
        "representatives",
        "contacting_customers",
    )
    assert read.on_behalf_of and read.decision == "allow"
    # Her invitation's read too: nothing of hers is read as a portal enrolment.
    assert not AccessEvent.objects.filter(
        customer_id=str(rep.person_id), actor_id="portal_enrolment"
    ).exists()
