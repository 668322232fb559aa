"""Every portal page that draws a form again with its errors answers 400, as every form drawn again does:
Pat, signed in, sends each portal route a form it cannot take (a field of no form), and only a page that
takes no form of its own (read with GET, a POST answered as the page) answers 200. The routes come from the
URL configuration, so a new page drawing its form again with 200 fails here."""

import re

from custodian.testing.portal import signed_in
from custodian.testing.routes import named_routes

# Pages that take no form of their own at their address: a POST is answered as the page a GET draws.
PAGES_WITHOUT_A_FORM = {
    "portal:access_receipt": "a receipt of who saw the data, to download",
    "portal:accesses": "who has seen the data: a list",
    "portal:bills": "the bills; their forms post to their own addresses",
    "portal:comparison": "how the home's use compares",
    "portal:connected_apps": "the apps shared with; revoking posts elsewhere",
    "portal:disclosures": "to whom the data was given: a list",
    "portal:home": "the home page; its forms post to their own addresses",
    "portal:limit_lift": "an account not limited has no code to enter",
    "portal:messages": "the letters and e-mails sent",
    "portal:requests": "the requests and their answers: a list",
    "portal:security": "none of its forms named (each is sent with the change it makes)",
    "portal:statement": "the account's statement",
    "portal:usage": "the usage charts",
    "web:portal": "the portal's front page",
}
NOT_SENT = {"portal:logout"}  # signing out ends the session the later routes need


# Forms drawn whatever record an address names: each must be seen answering 400, so the walk is known to
# reach the forms and not only pages that refuse, redirect or are not found.
SEEN_DRAWN_AGAIN = {"portal:request", "portal:consents", "portal:moving"}


def test_every_portal_form_sent_wrong_answers_400(households):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    answered_200, answered_400 = set(), set()
    for name, route in sorted(named_routes("portal/").items()):
        if name in NOT_SENT:
            continue
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
        status = pat.post(url, {"no_such_field": "1"}).status_code
        (answered_200 if status == 200 else answered_400 if status == 400 else set()).add(name)
    assert answered_200 - set(PAGES_WITHOUT_A_FORM) == set(), "forms drawn again with their errors as 200"
    assert SEEN_DRAWN_AGAIN - answered_400 == set(), "forms the walk did not see drawn again"
    # Whether a listed page answers 200 depends on the record its address names being there: not asked.
    assert set(PAGES_WITHOUT_A_FORM) <= set(named_routes("portal/")), "listed pages that are no route"


def test_a_request_sent_without_its_message_is_drawn_again_with_400(households):
    """The review's finding on the portal: a request with no message is drawn again with the error at the
    message, 400, not 200."""
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    drawn = pat.post("/portal/me/request/", {"kind": "privacy_question", "message": ""})
    assert drawn.status_code == 400 and 'class="usa-error-message"' in drawn.content.decode()
