"""Working a request at the desk: a member of the owning service takes it, the service's lead gives it to a
colleague, notes are sealed with the customer's data and read back only through the gate, and a reply written
from a template reaches the customer (by e-mail, on the outbox's record, and in the portal under the
request) while the request shows it was sent."""

import pytest
from django.core import mail

from custodian.audit.models import AccessEvent
from custodian.casework.desk import BLANK, reply_draft, reply_send, request_assign, request_take
from custodian.casework.services import RequestError, request_hand_off
from custodian.console.tests.phones import phone_on_record
from custodian.demo.personas import DEMO_PASSWORD
from custodian.outbox.models import OutboundMessage
from custodian.staff.services import staff_member_create
from custodian.testing import request_received
from custodian.testing.portal import signed_in
from custodian.vault.models import Provenance, SealedDocument


@pytest.fixture
def colleague(db):
    """Dana Moe, a second customer-service representative, who leads nothing."""
    return staff_member_create(
        username="dana.desk", password=DEMO_PASSWORD, full_name="Dana Moe", services=["customer_service"]
    )


def test_a_member_takes_a_request_from_the_queue(console, service_rep, customer, open_request):
    req = open_request(customer, "customer_service")
    client = console(service_rep)
    queue = client.get("/staff/requests/").content.decode()
    assert f'action="/staff/requests/{req.pk}/take/"' in queue  # nobody has it yet: a Take button
    taken = client.post(f"/staff/requests/{req.pk}/take/", follow=True).content.decode()
    assert f"Request #{req.pk} is yours" in taken and "Cora Lindqvist (you)" in taken
    req.refresh_from_db()
    assert req.assigned_to == service_rep
    mine = client.get("/staff/requests/", {"assigned": "me"}).content.decode()
    assert f'href="/staff/requests/{req.pk}/"' in mine
    assert (
        f'href="/staff/requests/{req.pk}/"'
        not in client.get("/staff/requests/", {"assigned": "nobody"}).content.decode()
    )
    assert req.history.filter(action="taken", by=service_rep).exists()


def test_only_the_lead_gives_a_request_to_a_colleague_of_the_service(
    console, service_rep, colleague, billing_clerk, customer, open_request
):
    req = open_request(customer, "customer_service")
    lead_page = console(service_rep).get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Give it to them" in lead_page and "Dana Moe" in lead_page
    assert "Give it to them" not in console(colleague).get(f"/staff/requests/{req.pk}/").content.decode()

    given = console(service_rep).post(f"/staff/requests/{req.pk}/assign/", {"to": colleague.pk}, follow=True)
    assert f"Request #{req.pk} given to Dana Moe." in given.content.decode()
    req.refresh_from_db()
    assert req.assigned_to == colleague
    with pytest.raises(RequestError, match="only the lead"):
        request_assign(request=req, to=service_rep, by=colleague)
    with pytest.raises(RequestError, match="active member of the service"):
        request_assign(request=req, to=billing_clerk, by=service_rep)
    # Another service's member can't take it; a hand-off leaves it unassigned at the new service.
    with pytest.raises(RequestError):
        request_take(request=req, by=billing_clerk)
    request_hand_off(request=req, to_service="billing", reason="A billing question after all", by=colleague)
    req.refresh_from_db()
    assert req.assigned_to is None


def test_a_note_is_sealed_and_read_only_through_the_gate(console, service_rep, customer, open_request):
    req = open_request(customer, "customer_service")
    client = console(service_rep)
    client.post(
        f"/staff/requests/{req.pk}/note/", {"text": "Called back at 2 pm; asked for the meter photo."}
    )
    note = SealedDocument.objects.get(customer=customer, ref=f"request:{req.pk}:note:1")
    assert b"meter photo" not in bytes(note.ciphertext)  # sealed, never in clear
    assert Provenance.objects.get(pk=note.provenance_id).channel == "staff_note"
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "meter photo" not in page and "1 note on this request, sealed" in page
    before = AccessEvent.objects.filter(action="reveal_documents").count()
    read = client.post(f"/staff/requests/{req.pk}/", {"read": "1", "purpose": "resolving_problems"})
    assert "Called back at 2 pm" in read.content.decode()
    event = AccessEvent.objects.filter(action="reveal_documents").latest("pk")
    assert AccessEvent.objects.filter(action="reveal_documents").count() == before + 1
    assert (event.actor_label, event.purpose, event.request_id) == (
        "cora.service",
        "resolving_problems",
        str(req.pk),
    )
    empty = client.post(f"/staff/requests/{req.pk}/note/", {"text": " "})
    assert empty.status_code == 400 and "Write the note" in empty.content.decode()


def test_a_reply_from_a_template_reaches_the_customer_and_the_request_shows_it(
    console,
    service_rep,
    households,  # noqa: F811
):
    (customer, app), _ = households
    portal = signed_in(app, "pat@example.com")
    req = request_received(
        kind="other",
        channel="portal",
        message="Can I change my bill's due date?",
        customer_id=customer.pk,
    )
    client = console(service_rep)
    drafted = client.get(f"/staff/requests/{req.pk}/", {"template": "answer"}).content.decode()
    assert f"about request #{req.pk}" in drafted and BLANK in drafted
    refused = client.post(
        f"/staff/requests/{req.pk}/reply/", {"body": reply_draft(request=req, template="answer")}, follow=True
    )
    assert f"replace every {BLANK}" in refused.content.decode()
    assert not OutboundMessage.objects.filter(regarding=f"request:{req.pk}").exists()

    body = reply_draft(request=req, template="answer").replace(BLANK, "Yes: pick any day from 1 to 28.")
    sent = client.post(f"/staff/requests/{req.pk}/reply/", {"body": body}, follow=True).content.decode()
    assert "Reply sent by e-mail (sent)" in sent
    message = OutboundMessage.objects.get(regarding=f"request:{req.pk}", template="request_reply")
    assert mail.outbox[-1].to == [app.personal["email"]]  # the address on file (signing up leaves it)
    assert "pick any day from 1 to 28" in mail.outbox[-1].body
    assert req.history.filter(action="replied", message=message, by=service_rep).exists()
    read = AccessEvent.objects.filter(action="reveal", actor_label="cora.service").latest("pk")
    assert (read.purpose, read.request_id, read.categories) == ("contacting_customers", str(req.pk), "email")
    assert "Reply sent by e-mail" in client.get(f"/staff/requests/{req.pk}/").content.decode()

    mine = portal.get("/portal/me/requests/").content.decode()
    assert "Our reply of" in mine and "pick any day from 1 to 28" in mine


def test_someone_without_an_e_mail_address_gets_the_reply_by_letter(service_rep):
    req = request_received(
        kind="other",
        channel="web_form",
        message="Please call me about a tree on the line.",
        contact={"name": "Gus Hanson", "phone": "507-555-0199"},
    )
    message = reply_send(request=req, by=service_rep, body="A crew will trim the tree on Monday.")
    assert (message.channel, message.status) == ("letter", "queued")
    with pytest.raises(RequestError, match="write the reply"):
        reply_send(request=req, by=service_rep, body="  ")


PHONE_REFUSED = "Enter a US telephone number with its area code, such as 507-451-2480."


def test_a_corrected_telephone_number_is_checked_and_kept_in_one_form(
    console, privacy_officer, customer, open_request
):
    challenge = open_request(customer, "privacy_officer", kind="correction", verified=True)
    client = console(privacy_officer)
    url = f"/staff/requests/{challenge.pk}/correction/"
    refused = client.post(url, {"field": "phone", "value": "abc", "named_recipients": ""}, follow=True)
    said = [str(m) for m in refused.context["messages"]]
    assert said == [f"Not corrected: Corrected value: {PHONE_REFUSED}"]
    assert (
        client.post(url, {"field": "phone", "value": "(507) 451 2480", "named_recipients": ""}).status_code
        == 302
    )
    assert phone_on_record(customer.pk) == "507-451-2480"
