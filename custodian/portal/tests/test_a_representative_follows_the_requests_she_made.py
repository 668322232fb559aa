"""A representative follows the requests she made herself, whatever her authority says of the customer's
correspondence: the customer's other requests and letters stay behind it. Alice Anderson asks her own
question; Rosa Reyes holds a power of attorney to make requests whose data leaves out Alice's correspondence:

- before sending, the request form tells Rosa that the answer goes to her, in My account and by e-mail, and
  that Alice is told she asked;
- Rosa follows her request on "My requests": its status, its due date, our reply and our answer, each held to
  her authority as letters are; Alice's own request and its reply are not listed to her, nor is "My
  messages" (Alice's letters) opened;
- the answer goes to Rosa: kept in My account (not posted to Alice as if Alice had asked), an e-mail to
  Rosa's own address says it is waiting; its opening says the representative asked, by her authority, not
  "You asked";
- Alice is told by letter that her representative asked and was answered, and reads the whole answer under
  her requests, as she reads all of her own data."""

from django.core import mail

from custodian.casework.data_requests import data_request_answer
from custodian.casework.desk import reply_send
from custodian.casework.models import CustomerRequest
from custodian.outbox.models import OutboundMessage
from custodian.testing import portal_browser, power_of_attorney, request_received
from custodian.testing.portal import acting_for, categories_but

ALICE_REPLY = "Only our billing staff read your bills this year."
ROSA_REPLY = "We are gathering the data your authority covers."
WHERE_IT_GOES = (
    "The answer goes to you: in My account, under My requests, and we e-mail you when it is there."
)


def _article(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</article>", 1)[0]


def test_rosa_follows_her_own_request_and_not_alice_s(customer, service_rep, privacy_officer):
    alice_asks = request_received(
        kind="privacy_question", channel="portal", message="Who read my bills?", customer_id=customer.pk
    )
    reply_send(request=alice_asks, by=privacy_officer, body=ALICE_REPLY)
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)

    form = rosa.get("/portal/me/request/").content.decode()
    assert WHERE_IT_GOES in form and "we tell the customer that you asked" in form
    asked = rosa.post("/portal/me/request/", {"kind": "data_access", "message": "All of Alice's data"})
    assert asked.status_code == 302 and asked["Location"] == "/portal/me/requests/"
    req = CustomerRequest.objects.get(customer=customer, representative=rep)

    page = rosa.get("/portal/me/requests/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-request="{req.pk}"' in text and "Open: we answer by" in text
    assert f'data-request="{alice_asks.pk}"' not in text and ALICE_REPLY not in text
    assert "Only the requests you made are listed" in text

    reply_send(request=req, by=privacy_officer, body=ROSA_REPLY)
    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()
    mine = _article(rosa.get("/portal/me/requests/").content.decode(), f'data-request="{req.pk}"')
    assert ROSA_REPLY in mine and "Our answer:" in mine and "Answered" in mine
    assert f"authority #{rep.pk}" in mine and "You asked on" not in mine
    assert "leaves out" in mine and "The customer may ask for all of it themself" in mine
    # Alice's letters stay behind the correspondence her authority does not cover.
    assert rosa.get("/portal/me/messages/").status_code == 403
    assert rosa.get(f"/portal/me/messages/{req.answer_id}/letter.pdf").status_code == 403


def test_the_answer_goes_to_rosa_and_alice_is_told(customer, service_rep, privacy_officer):
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    rosa.post("/portal/me/request/", {"kind": "data_access", "message": "All of Alice's data"})
    req = CustomerRequest.objects.get(customer=customer, representative=rep)
    mail.outbox.clear()
    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()

    assert req.answer.status == "online"  # kept in My account, not posted to Alice as if she had asked
    to_rosa = [m for m in mail.outbox if m.to == ["rosa@example.org"]]
    assert len(to_rosa) == 1 and f"#{req.pk}" in to_rosa[0].body and "My account" in to_rosa[0].body
    assert "Alice" not in to_rosa[0].body  # nothing of Alice's data in an e-mail
    told = OutboundMessage.objects.get(to_customer=customer, template="representative_answered")
    assert told.channel == "letter" and told.regarding == f"request:{req.pk}"

    alice = portal_browser(customer, "alice.anderson")
    hers = _article(alice.get("/portal/me/requests/").content.decode(), f'data-request="{req.pk}"')
    assert f"authority #{rep.pk}" in hers and "Alice@Example.com" in hers  # the whole answer, hers
    letters = alice.get("/portal/me/messages/").content.decode()
    assert "Your representative asked to see your data, and we answered them" in letters
