"""Every console page that draws a form again with its errors answers 400, as every form drawn again does:
a member of each kind of support service sends each staff route a form it cannot take (a field of no form),
and only a page that takes no form of its own (read with GET, a POST answered as the page) answers 200.
The routes come from the URL configuration, so a new page drawing its form again with 200 fails here. (The
steps' forms are walked one by one in `test_steps_keep_typed_text`.)"""

import re

from custodian.demo.personas import DEMO_PASSWORD
from custodian.staff.mfa import totp_device_set
from custodian.testing import current_code
from custodian.testing.routes import named_routes

# Pages that take no form of their own at their address: a POST is answered as the page a GET draws.
PAGES_WITHOUT_A_FORM = {
    "console:access_review": "its filters are read from the address (GET)",
    "console:account_service": "an account's service; its forms post to their own addresses",
    "console:bank_notices": "a list",
    "console:collections": "a worklist; its forms post to their own addresses",
    "console:correction_notices": "a list",
    "console:determinations": "a list; its approvals post to their own addresses",
    "console:disclosures": "the desk; its forms post to their own addresses",
    "console:disconnection_orders": "a list",
    "console:green_button": "a download",
    "console:incidents": "a list; its forms post to their own addresses",
    "console:inventory": "the data inventory",
    "console:law_enforcement": "a list",
    "console:marketing": "its audience's filters are all optional: nothing sent is the whole audience",
    "console:operations": "the operations page",
    "console:person": "a member of staff; their forms post to their own addresses",
    "console:privacy": "the privacy officer's desk",
    "console:requests": "the queue; its filters are read from the address (GET)",
    "console:retention": "the retention schedule",
    "console:service_desk": "its search is read from the address (GET)",
    "console:staff_changes": "a list; its decisions post to their own addresses",
    "console:third_parties": "a list; its decisions post to their own addresses",
    "staff:home": "the console's home",
    "tokens:list": "the tokens; issuing one posts to its own address",
}
NOT_SENT = {"staff:logout"}  # signing out ends the session the later routes need
# Routes that answer a POST with a redirect whatever it holds, each for its reason. A page's buttons sent with
# a value none of them sends (which vendor mails the letters, what to show) are drawn again with 400, never
# sent on as if something had been done.
REDIRECTED = {
    "console:flag_review": "a flag no longer shown: to the privacy officer's page, which says so",
    "console:incident_from_flag": "a flag no longer shown: to the privacy officer's page, which says so",
    "console:person_deactivate": "the page's one button",
    "console:person_password": "the page's one button: a reset asked, held for a second administrator",
    "console:person_reactivate": "the page's one button",
    "console:person_second_factor": "the page's one button: a reset asked, held for a second administrator",
    "console:person_services": "every service unticked is a change too, held for a second administrator",
    "console:reports": "the page's one button starts a run",
    "console:staff_change_decline": "the page's one button",
    "staff:mfa": "the second factor passed already: on to the console",
}
PERSONAS = (
    "service_rep",
    "billing_clerk",
    "collections_agent",
    "field_tech",
    "marketer",
    "dba",
    "privacy_officer",
)


# Forms drawn whatever record an address names (or of the customer every route is sent): each must be seen
# answering 400, so the walk is known to reach the forms and not only pages that refuse or are not found.
SEEN_DRAWN_AGAIN = {
    "console:customers",
    "console:customer",
    "console:request_new",
    "console:representatives",
    "console:service_start",
    "console:people",
    "console:vendor_add",
}


def test_every_console_form_sent_wrong_answers_400(console, customer, request):
    answered = {200: set(), 302: set(), 400: set()}
    for persona in PERSONAS:
        client = console(request.getfixturevalue(persona))
        for name, route in sorted(named_routes("staff/").items()):
            if name in NOT_SENT:
                continue
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", str(customer.pk), route)
            answered.get(client.post(url, {"no_such_field": "1"}).status_code, set()).add(name)
    answered_200, answered_400 = answered[200], answered[400]
    assert answered_200 - set(PAGES_WITHOUT_A_FORM) == set(), "forms drawn again with their errors as 200"
    assert answered[302] - set(REDIRECTED) == set(), "forms it cannot take sent on as if done"
    assert SEEN_DRAWN_AGAIN - answered_400 == set(), "forms the walk did not see drawn again"
    # Whether a listed page answers 200 depends on the record its address names being there: not asked.
    assert set(PAGES_WITHOUT_A_FORM) | set(REDIRECTED) <= set(named_routes("staff/")), "listed, no route"


def test_a_lookup_or_a_reveal_without_a_purpose_is_drawn_again_with_400(console, service_rep, customer):
    client = console(service_rep)
    lookup = client.post("/staff/customers/", {"field": "name", "value": "Alice Anderson", "purpose": ""})
    reveal = client.post(f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": ""})
    for drawn in (lookup, reveal):
        assert drawn.status_code == 400, (drawn.wsgi_request.path, drawn.status_code)
        assert 'class="usa-error-message"' in drawn.content.decode()


def test_a_wrong_password_or_code_at_sign_in_is_drawn_again_with_400(client, billing_clerk):
    """Bill's sign-in: a wrong password, then (past the right one) a missing and a wrong one-time code are
    each drawn again with their error as 400; the right code lets him in."""
    device = totp_device_set(user=billing_clerk)
    refused = client.post("/staff/login/", {"username": "bill.clerk", "password": "not the password"})
    assert refused.status_code == 400
    passed = client.post("/staff/login/", {"username": "bill.clerk", "password": DEMO_PASSWORD})
    assert passed.status_code == 302 and passed.url == "/staff/login/second-factor/"
    missing = client.post("/staff/login/second-factor/", {"code": ""})
    wrong = client.post(
        "/staff/login/second-factor/", {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    for drawn in (missing, wrong):
        assert drawn.status_code == 400 and 'class="usa-error-message"' in drawn.content.decode()
    assert "That code is not valid" in wrong.content.decode()
    assert client.get("/staff/").url == "/staff/login/second-factor/"  # neither let him in
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # skip the retry delay
    device.save()
    right = client.post("/staff/login/second-factor/", {"code": current_code(device)})
    assert right.status_code == 302 and right.url == "/staff/"
