"""What a customer's representative did for her is in her "who has seen or changed my data", told by the
authority she gave: Rosa Reyes, holding Alice's power of attorney, reads Alice's details in the portal and
corrects her phone number there; Alice reads "Your representative: Power of attorney" beside each (in
Spanish "Su representante: Poder notarial"), never her own acts, never a bare "the customer". The reads of
the privacy officer for the question Rosa asked for her are there too, by the service and its purpose. The
answer to a data request lists them alike, the representative's acts never as Alice's own ("You")."""

import re

from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import who_has_seen
from custodian.casework.data_requests import package_build
from custodian.casework.models import CustomerRequest
from custodian.testing import portal_browser, power_of_attorney, read_for_request
from custodian.testing.every_category import verified_access_request
from custodian.testing.portal import acting_for
from custodian.vault.gate import customer_actor, staff_actor

REPRESENTATIVE = "Your representative: Power of attorney"


def rows(page: str) -> list[str]:
    """The rows of "who has seen or changed my data", as text: their cells between bars."""
    found = re.findall(r"<tr>(.*?)</tr>", page.replace("&#x27;", "'"), re.S)
    return [
        " | ".join(
            " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row)
        )
        for row in found[1:]
    ]


def test_alice_sees_what_rosa_did_for_her(customer, service_rep, privacy_officer, open_request):
    rep, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "requests", "contact"))
    )
    assert "Alice Anderson" in rosa.get("/portal/me/").content.decode()  # read for her under the authority
    assert rosa.post("/portal/me/contact/", {"phone": "507-555-0000"}).status_code == 302
    assert rosa.post("/portal/me/request/", {"kind": "privacy_question", "message": "Who reads the meter?"})
    asked = CustomerRequest.objects.get(customer=customer, kind="privacy_question")
    read_for_request(privacy_officer, customer.pk, ["name"], "resolving_problems", asked.pk)
    rosas = AccessEvent.objects.filter(
        customer_id=str(customer.pk), actor_label__startswith=f"representative {rep.person_id} ("
    )
    assert {e.action for e in rosas} >= {"reveal", "record_values"}

    alice = portal_browser(customer, "alice")
    alice.get("/portal/me/")  # her own read: hers to know, not listed
    seen = rows(alice.get("/portal/me/who-has-seen-my-data/").content.decode())
    by_rosa = [r for r in seen if REPRESENTATIVE in r]
    assert len(by_rosa) == rosas.count()
    assert any("| Recorded or corrected your details | Telephone number | changed" in r for r in by_rosa)
    assert any("| Providing or improving utility services | " in r and "| shown" in r for r in by_rosa)
    assert any("| Privacy officer | Resolving problems | Name | shown" in r for r in seen)
    assert not [r for r in seen if "the customer" in r or "Someone else" in r], seen
    # Nothing of Alice's own: every event listed is someone else's.
    listed = who_has_seen(customer_id=customer.pk, fetched_by=customer_actor(customer.pk), limit=None)
    assert len(seen) == listed.count() and not listed.filter(actor_label="the customer").exists()

    spanish = alice.get("/portal/me/who-has-seen-my-data/?lang=es").content.decode()
    assert spanish.count("Su representante: Poder notarial") == rosas.count()

    access = verified_access_request(
        customer, None, privacy_officer, open_request, account_number="0010000001"
    )
    with translation.override("en"):
        letter = package_build(actor=staff_actor(privacy_officer), request=access).text
    told = letter.split("WHO HAS SEEN OR CHANGED YOUR DATA", 1)[1].split("\n\n", 1)[0]
    assert told.count(REPRESENTATIVE) == rosas.count()
    assert "You" not in told.replace("Your", "")
