"""The portal's home lists the open requests of whoever reads it, as "My requests" lists them: a
representative whose authority lets her make requests but leaves out the customer's correspondence sees the
open requests she made herself for the customer, said to be hers alone, never an empty card nor the
customer's own requests. Alice Anderson asks her own question; Rosa Reyes, her attorney under a power of
attorney to make requests whose data leaves out Alice's correspondence, asks to see Alice's data before any
reply or answer is written; Rosa's second authority, a view-only one, lists none."""

from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.testing import portal_browser, power_of_attorney, request_received
from custodian.testing.portal import acting_for, categories_but

HERS_ONLY = "Only the requests you made are listed"
HEADING = {"en": "Open requests", "es": "Solicitudes abiertas"}


def _card(home: str, language: str = "en") -> str:
    """The home's card of open requests: its body, between its heading and its link to "My requests"."""
    return home.split(HEADING[language], 1)[1].split("usa-card__footer", 1)[0]


def test_rosa_s_home_lists_her_open_request_and_not_alice_s(customer, service_rep, privacy_officer):
    alice_asks = request_received(
        kind="privacy_question", channel="portal", message="Who read my bills?", customer_id=customer.pk
    )
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    assert HERS_ONLY in _card(rosa.get("/portal/me/").content.decode())
    rosa.post("/portal/me/request/", {"kind": "data_access", "message": "All of Alice's data"})
    req = CustomerRequest.objects.get(customer=customer, representative=rep)

    card = _card(rosa.get("/portal/me/").content.decode())
    assert f"#{req.pk}: " in card and "we answer by" in card and HERS_ONLY in card
    assert f"#{alice_asks.pk}: " not in card and "does not cover" not in card.split(HERS_ONLY)[0]
    spanish = _card(rosa.get("/portal/me/?lang=es").content.decode(), "es")
    assert f"n.º {req.pk}: " in spanish and "Solo se muestran las solicitudes que usted hizo" in spanish

    data_request_answer(request=req, by=privacy_officer)
    assert f"#{req.pk}: " not in _card(rosa.get("/portal/me/?lang=en").content.decode())
    # Alice's home lists her own open request and Rosa's, answered now, no more; and no note about Rosa's.
    alice = _card(portal_browser(customer, "alice.anderson").get("/portal/me/").content.decode())
    assert f"#{alice_asks.pk}: " in alice and HERS_ONLY not in alice


def test_a_view_only_authority_is_told_it_does_not_cover_requests(customer, service_rep, privacy_officer):
    _rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view",), categories_but())
    )
    card = _card(rosa.get("/portal/me/").content.decode())
    assert "does not cover requests" in card and HERS_ONLY not in card
