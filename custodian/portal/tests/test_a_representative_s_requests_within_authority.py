"""A customer's requests show a representative only what the authority covers. The requests themselves, our
replies and answers are the customer's correspondence: without it the pages of requests say so (walked in
`test_representative_s_menu_within_authority.py`) and the selectors give none (`casework/tests/
test_requests_for_the_asker.py`). The data a request is about is shown and acted on as far as the authority
covers it: a statement of disagreement is kept with the data a declined challenge was about, so a
representative is offered it, and it is kept, only where their authority covers that data; otherwise the
page says what the authority leaves out, in the portal's words for it.

Personas: Alice Anderson, whose challenge of her service address was declined; Rosa Reyes acting for her
with authority to make requests over her correspondence, with and without her service address."""

import pytest

from custodian.disclosures.models import Disagreement
from custodian.testing import challenge_declined, power_of_attorney
from custodian.testing.portal import acting_for, categories_but

STATEMENT = {
    "statement": "Alice lives at the back house, not the front one.",
    "notice_shown": "portal_request:2026.1",
}
OFFERED = "Keep my statement with the data"
LEFT_OUT = "Your authority to act for Alice Anderson does not cover service address."


@pytest.mark.parametrize("covered", [True, False], ids=["with the service address", "without it"])
def test_a_statement_of_disagreement_only_with_data_the_authority_covers(
    customer, service_rep, privacy_officer, covered
):
    req = challenge_declined(customer, by=privacy_officer, categories=["service_address"])
    categories = categories_but() if covered else categories_but("service_address")
    _, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "requests"), categories)
    )
    page = rosa.get("/portal/me/requests/")
    text = page.content.decode()
    assert page.status_code == 200 and f'data-request="{req.pk}"' in text
    assert "Do you still disagree?" in text
    assert (OFFERED in text, LEFT_OUT in text) == (covered, not covered)

    kept = rosa.post(f"/portal/me/requests/{req.pk}/disagreement/", STATEMENT)
    if covered:
        assert kept.status_code == 200
        assert Disagreement.objects.get(customer=customer).category_list == ["service_address"]
    else:
        assert kept.status_code == 403
        assert f"{LEFT_OUT} Switch back to your own account" in kept.content.decode()
        assert not Disagreement.objects.filter(customer=customer).exists()
