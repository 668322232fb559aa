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
    "portal:statement": "the account's statement",
    "portal:usage": "the usage charts",
    "web:portal": "the portal's front page",
}
NOT_SENT = {"portal:logout"}  # signing out ends the session the later routes need
# Routes that answer what they cannot take with a redirect, each for its reason. A page's buttons sent with
# no value they send (a choice, whom to act for, which change) are drawn again with 400, never sent on as if
# something had been done.
REDIRECTED = {
    "portal:connected_app_revoke": "an app not shared with, or revoked already in another tab: to the list",
    "portal:consent_revoke": "a consent not the customer's, or revoked already in another tab: to the list",
    "portal:erasure": "the customer confirms it is them first",
    "portal:update_contact": "every field is optional: nothing sent is nothing to save, and the page says so",
}


# Forms drawn whatever record an address names: each must be seen answering 400, so the walk is known to
# reach the forms and not only pages that refuse, redirect or are not found.
SEEN_DRAWN_AGAIN = {
    "portal:request",
    "portal:consents",
    "portal:moving",
    "portal:marketing",
    "portal:act_for",
    "portal:security",
}


def test_every_portal_form_sent_wrong_answers_400(households):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    answered = {200: set(), 302: set(), 400: set()}
    for name, route in sorted(named_routes("portal/").items()):
        if name in NOT_SENT:
            continue
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
        answered.get(pat.post(url, {"no_such_field": "1"}).status_code, set()).add(name)
    answered_200, answered_400 = answered[200], answered[400]
    assert answered_200 - set(PAGES_WITHOUT_A_FORM) == set(), "forms drawn again with their errors as 200"
    assert answered[302] - set(REDIRECTED) == set(), "forms it cannot take sent on as if done"
    assert SEEN_DRAWN_AGAIN - answered_400 == set(), "forms the walk did not see drawn again"
    # Whether a listed page answers 200 depends on the record its address names being there: not asked.
    assert set(PAGES_WITHOUT_A_FORM) | set(REDIRECTED) <= set(named_routes("portal/")), "listed, no route"


def test_a_request_sent_without_its_message_is_drawn_again_with_400(households):
    """The review's finding on the portal: a request with no message is drawn again with the error at the
    message, 400, not 200."""
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    drawn = pat.post("/portal/me/request/", {"kind": "privacy_question", "message": ""})
    assert drawn.status_code == 400 and 'class="usa-error-message"' in drawn.content.decode()


# A page's buttons sent with a value none of them sends (a form of the page as it was, or a hand-made one).
UNKNOWN_CHOICES = {
    "/portal/me/marketing/": ({"choice": "yes please"}, "Nothing changed: choose to opt out of marketing"),
    "/portal/me/paperless/": ({"choice": "maybe"}, "Nothing changed: choose paperless billing or a printed"),
    "/portal/me/autopay/": ({"choice": "later"}, "Nothing changed: set up automatic payment or stop it."),
    "/portal/me/act-for/": ({"authority": "999999"}, "Nothing changed: choose yourself or an authority"),
    "/portal/me/security/": ({"change": "authenticator_off"}, "Nothing changed: use one of the forms"),
}


def test_a_choice_no_button_sends_is_drawn_again_with_400_saying_what_to_choose(households):
    """Pat sends each page's buttons a value none of them sends: each page is drawn again with 400 and the
    error saying what to choose, and nothing changed (her marketing choice and her sign-in stay)."""
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    pat.post("/portal/me/marketing/", {"choice": "out"})
    for url, (sent, error) in UNKNOWN_CHOICES.items():
        drawn = pat.post(url, sent)
        assert drawn.status_code == 400 and error in drawn.content.decode(), url
    assert "Opt back in" in pat.get("/portal/me/").content.decode()  # still opted out
