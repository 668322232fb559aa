"""Staff's reply to a request is typed freely and may quote any of the customer's data, so a representative
reads it only where that is within her authority. Alice Anderson asks about her service address; Rosa Reyes,
holding a power of attorney to view and make requests that covers her name, bills and correspondence only,
asks who has read the bills; the privacy officer answers both:

- Alice's reply carries every category: Rosa's requests, letters and download list it by its number with
  what her authority leaves out, in the portal's words for it, never its words; only an authority covering
  every category would read it;
- the reply to Rosa's own request is hers to read (it carries what her authority covers, which the privacy
  officer sees on the request), on her requests and letters pages and in her download;
- Alice reads both replies whole."""

import pytest

from custodian.casework.desk import reply_send
from custodian.casework.models import CustomerRequest
from custodian.outbox.carried import left_out
from custodian.policy.loader import current_policy
from custodian.testing import portal_browser, power_of_attorney, request_received
from custodian.testing.portal import acting_for

ROSA_SEES = ["name", "bills", "correspondence"]
ALICE_REPLY = "Your service address on file is the back house, number 12B."
ROSA_REPLY = "Only our billing staff read the bills this year."


@pytest.fixture
def replied(customer, service_rep, privacy_officer):
    """Both requests answered by the privacy officer: (Rosa's authority, her browser, the reply to Alice,
    the reply to Rosa)."""
    alice_asks = request_received(
        kind="privacy_question",
        channel="portal",
        message="Which address do you hold?",
        customer_id=customer.pk,
    )
    rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "requests"), ROSA_SEES)
    )
    asked = rosa.post(
        "/portal/me/request/", {"kind": "privacy_question", "message": "Who has read the bills this year?"}
    )
    assert asked.status_code == 302
    rosa_asks = CustomerRequest.objects.get(customer=customer, representative=rep)
    assert {alice_asks.owning_service, rosa_asks.owning_service} == {"privacy_officer"}
    to_alice = reply_send(request=alice_asks, by=privacy_officer, body=ALICE_REPLY)
    to_rosa = reply_send(request=rosa_asks, by=privacy_officer, body=ROSA_REPLY)
    return rep, rosa, to_alice, to_rosa


def _article(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</article>", 1)[0]


def test_a_reply_to_the_customer_s_own_request_is_not_read_by_her_representative(customer, replied):
    _rep, rosa, to_alice, _to_rosa = replied
    assert to_alice.carries == ""  # its template's: every category
    letters = rosa.get("/portal/me/messages/").content.decode()
    listed = _article(letters, f'data-message="{to_alice.pk}"')
    assert "Your authority to act for Alice Anderson does not cover" in listed
    assert "service address" in listed
    requests = rosa.get("/portal/me/requests/").content.decode()
    for text in (letters, requests, rosa.get("/portal/me/download.csv").content.decode()):
        assert ALICE_REPLY not in text
    asked = _article(requests, f'data-request="{to_alice.regarding.split(":")[1]}"')
    assert "Our reply of" in asked and "does not cover" in asked
    # Only an authority covering every category of the customer's data reads it.
    every = current_policy().self_access_categories
    assert left_out(to_alice, every) == []
    assert left_out(to_alice, [c for c in every if c != "bank_account"]) == ["bank_account"]


def test_a_reply_to_her_own_request_is_hers_to_read(customer, replied):
    _rep, rosa, _to_alice, to_rosa = replied
    assert to_rosa.carries == "bills,correspondence,name" and not left_out(to_rosa, ROSA_SEES)
    letters = rosa.get("/portal/me/messages/").content.decode()
    assert ROSA_REPLY in _article(letters, f'data-message="{to_rosa.pk}"')
    assert ROSA_REPLY in rosa.get("/portal/me/requests/").content.decode()
    assert ROSA_REPLY in rosa.get("/portal/me/download.csv").content.decode()

    alice = portal_browser(customer, "alice.anderson")
    mine = alice.get("/portal/me/requests/").content.decode()
    assert ALICE_REPLY in mine and ROSA_REPLY in mine
