"""A console form that records something records it once per form drawn: the same form sent again (a double
click, the browser sending it again) is told it is recorded already, as #N, and records nothing more.

The steps come from the table of every console step (`test_steps_keep_typed_text.ROWS`): the page each step
comes from is drawn, the step's form found on it by where it posts and what it asks, and its one-time token
read from the page as a browser would send it. Every step form either carries the token or is listed below
as recording nothing new, so a new step that records something without it fails here. The console's
invalid submissions answer 400 wherever a form is drawn again with its errors."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse

from custodian.casework.choices import RequestKind
from custodian.casework.models import CustomerRequest
from custodian.console.tests.test_steps_keep_typed_text import ROWS, _url, world  # noqa: F401 (a fixture)
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest
from custodian.testing import consent_given
from custodian.testing.desk import request_entered
from custodian.testing.disclosures import name_disclosure_form
from custodian.testing.portal import CARRIED
from custodian.web.models import FormSent

# Step forms that record nothing a second copy would make again: a decision or state taken once (a second
# copy is refused by the service or changes nothing), or a confirmation by the member's own password.
RECORD_NOTHING_NEW = {
    "console:hand_off": "hands the request on; a second copy hands it to the service it is with",
    "console:close": "a closed request is said to be closed already",
    "console:request_assign": "gives the request to one member; again changes nothing",
    "console:request_verify": "records how the person was verified; again is the same",
    "console:request_in_full": "a decision on the request, taken once",
    "console:correction#decline": "a challenge is answered once",
    "console:correction#meter": "hands the challenge to field services, whose request it is then",
    "console:meter_challenge_result": "a challenge's result is recorded once",
    "console:request_answer": "a data request is answered once (its package already sent)",
    "console:hold_decide": "a held read is decided once",
    "console:incident_determine": "a determination is made once",
    "console:incident_delay": "the delay's end, set again",
    "console:incident_agencies": "the agencies are told once",
    "console:incident_report": "the report is written once",
    "console:agreement_agree": "an agreement is answered once",
    "console:bank_notice_no_change": "a bank's notice of change is acted on once",
    "console:agreement_decline": "an agreement is answered once",
    "console:review": "an access review is signed off once",
    "console:representative_revoke": "an authority is revoked once: a second copy is refused as revoked",
    "console:break_glass": "emergency access already open for the member",
    "console:flag_review": "a flag is reviewed once",
    "console:third_party_review": "a registration is decided once",
    "console:determination_approve": "approved once, with the member's password",
    "console:staff_change_approve": "approved once, with the member's password",
    "console:law_enforcement_approve": "approved once, with the member's password",
}

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def _forms_posting_to(page: str, url: str) -> list[str]:
    return [f for f in _FORM.findall(page) if re.search(rf'action="{re.escape(url)}"', f)]


def _token_of(page: str, url: str, asks: set[str]) -> str | None:
    """The one-time token of the form on `page` that posts to `url` and asks for every field of `asks`."""
    for form in _forms_posting_to(page, url):
        if all(f'name="{name}"' in form for name in asks):
            found = re.search(r'<input type="hidden" name="once" value="([^"]+)"', form)
            return found.group(1) if found else None
    raise AssertionError(f"no form posting to {url} asks for {sorted(asks)}")


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(client, row, kwargs, w) -> str:
    return html.unescape(client.get(reverse(row.page, kwargs=row.page_kwargs(kwargs, w))).content.decode())


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if row.valid is not None))
def test_a_step_form_sent_twice_records_once(name, world, console):  # noqa: F811
    row = ROWS[name]
    w, kwargs = world(row)
    client = console(w.user)
    url = _url(name, kwargs)
    data = row.valid(kwargs, w)
    token = _token_of(_page(client, row, kwargs, w), url, set(data) - {"confirmed"})
    if token is None:
        assert name in RECORD_NOTHING_NEW, f"{name} records something: its form needs the one-time token"
        return
    assert name not in RECORD_NOTHING_NEW, f"{name} carries the token: not to be listed as recording nothing"
    first = client.post(url, {**data, "once": token})
    assert first.status_code == 302, (name, first.status_code)
    again = client.post(url, {**data, "once": token})
    assert again.status_code == 302 and again["Location"] == FormSent.objects.get(pk=token).url
    said = _said(again)
    assert any("This form was sent already" in s and "not recorded again" in s for s in said), (name, said)
    # Where the first went, a page the member of staff may open (not a record another service works).
    assert again["Location"] == first["Location"], name
    assert client.get(again["Location"]).status_code == 200, (name, again["Location"])


DESK, DISCLOSE = "/staff/privacy/disclosures/", "/staff/privacy/disclosures/disclose/"


def _confirmed(client, asked: dict) -> dict[str, list[str]]:
    """The disclosure form sent from the desk's page, and what its confirmation page carries on when the
    privacy officer confirms it (the form's token among it)."""
    token = _token_of(html.unescape(client.get(DESK).content.decode()), DISCLOSE, {"recipient_name"})
    assert token, "the disclosure form has no one-time token"
    shown = client.post(DISCLOSE, {**asked, "once": token})
    carried: dict[str, list[str]] = {"confirmed": ["1"]}
    for name, value in CARRIED.findall(shown.content.decode()):
        carried.setdefault(name, []).append(html.unescape(value))
    assert carried["once"] == [token]
    return carried


def test_a_disclosure_confirmed_twice_discloses_once(console, privacy_officer, customer):
    """Priya's double click on "Disclose and download": one package, one entry in the customer's accounting
    of disclosures; the second copy is taken to the desk and told the disclosure's number. Confirmed as a
    new disclosure on a new form, it goes again, once."""
    client = console(privacy_officer)
    consent = consent_given(customer, method="electronic", text_shown="I consent.")
    asked = name_disclosure_form("consent", consent, customer, "Energy Savers Co-op", "home energy audit")
    confirmed = _confirmed(client, asked)
    first = client.post(DISCLOSE, confirmed)
    assert first["Content-Disposition"].startswith("attachment")
    again = client.post(DISCLOSE, confirmed)
    disclosed = DisclosureRequest.objects.get(outcome="disclosed")
    assert again.status_code == 302 and again["Location"] == DESK
    assert f"This form was sent already: it is recorded as #{disclosed.pk}, and was not recorded again." in (
        _said(again)
    )
    assert DisclosureEntry.objects.count() == 1
    # A new disclosure of the same data, confirmed as new: sent twice, it goes once more.
    as_new = {**_confirmed(client, asked), "as_new": ["1"]}
    assert client.post(DISCLOSE, as_new)["Content-Disposition"].startswith("attachment")
    assert client.post(DISCLOSE, as_new).status_code == 302
    assert DisclosureEntry.objects.count() == 2
    assert DisclosureRequest.objects.filter(outcome="disclosed").count() == 2


# The form that adds a member of staff: Ivan (IT) adds a meter reader.
NEW_MEMBER = {
    "username": "rita.reader",
    "full_name": "Rita Reader",
    "email": "rita.reader@owatonna-utilities.example",
    "services": ["web"],
}


def _people_token(client) -> str:
    page = html.unescape(client.get("/staff/people/").content.decode())
    token = _token_of(page, "/staff/people/", {"username"})
    assert token, "the form that adds a member of staff has no one-time token"
    return token


def test_a_staff_member_added_twice_is_added_once(console, dba):
    client = console(dba)
    token = _people_token(client)
    first = client.post("/staff/people/", {**NEW_MEMBER, "once": token})
    assert first.status_code == 200 and "rita.reader</strong> added" in first.content.decode()
    again = client.post("/staff/people/", {**NEW_MEMBER, "once": token})
    member = User.objects.get(username="rita.reader")
    assert again.status_code == 302 and again["Location"] == f"/staff/people/{member.pk}/"
    assert client.get(again["Location"]).status_code == 200  # the page of whom she added, hers to open
    assert f"This form was sent already: it is recorded as #{member.pk}, and was not recorded again." in (
        _said(again)
    )
    # Not refused as a user name taken: the second copy asked the service nothing.
    assert not any("is taken" in s for s in _said(again))


def test_a_staff_member_refused_spends_nothing_and_answers_400(console, dba, service_rep):
    """A user name already taken is refused by the service: the page drawn again (400) keeps the form's token,
    and the form corrected adds the member once."""
    client = console(dba)
    token = _people_token(client)
    refused = client.post("/staff/people/", {**NEW_MEMBER, "username": "cora.service", "once": token})
    assert refused.status_code == 400 and "is taken" in html.unescape(refused.content.decode())
    assert f'value="{token}"' in refused.content.decode()
    assert not FormSent.objects.exists() and not User.objects.filter(username="rita.reader").exists()
    assert client.post("/staff/people/", {**NEW_MEMBER, "once": token}).status_code == 200
    assert client.post("/staff/people/", {**NEW_MEMBER, "once": token}).status_code == 302
    assert User.objects.filter(username="rita.reader").count() == 1


def test_the_list_of_forms_that_record_nothing_new_names_steps_of_the_table():
    assert set(RECORD_NOTHING_NEW) <= set(ROWS)


# A form of the review's: Carol Customer's call about a problem, verified by her account and her name.
CALL = {
    "channel": "phone",
    "kind": "problem",
    "account_number": "0010000001",
    "purpose": "resolving_problems",
    "verification": "account_and_fact",
    "verified_with": "name",
    "message": "The meter box door is hanging open.",
}


def test_the_new_request_form_sent_twice_opens_one_request(console, service_rep, customer):
    client = console(service_rep)
    page = html.unescape(client.get("/staff/requests/new/").content.decode())
    token = _token_of(page, "", set(CALL)) if _forms_posting_to(page, "") else None
    token = token or re.search(r'name="once" value="([^"]+)"', page).group(1)
    first = request_entered(client, {**CALL, "once": token})
    req = CustomerRequest.objects.get()
    assert first.status_code == 302
    again = request_entered(client, {**CALL, "once": token})
    assert CustomerRequest.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"] == "/staff/requests/"
    assert f"This form was sent already: it is recorded as #{req.pk}, and was not recorded again." in _said(
        again
    )
    # A new form (the page drawn again) is a new request.
    fresh = re.search(r'name="once" value="([^"]+)"', client.get("/staff/requests/new/").content.decode())
    assert fresh.group(1) != token
    assert request_entered(client, {**CALL, "once": fresh.group(1)}).status_code == 302
    assert CustomerRequest.objects.count() == 2


@pytest.mark.parametrize("kind", [k for k, _ in RequestKind.choices])
def test_a_call_sent_twice_lands_where_the_first_did_whatever_service_works_it(
    kind, console, service_rep, customer
):
    """Cora records a call of any kind: one for field services (a problem), billing or the privacy officer is
    theirs to work, and its page not hers to open. The copy sent again lands where the first did (the queue),
    a page she may open, told the request's number; never on the request's page, not found for her."""
    client = console(service_rep)
    token = re.search(r'name="once" value="([^"]+)"', client.get("/staff/requests/new/").content.decode())[1]
    call = {**CALL, "kind": kind, "once": token}
    if kind in ("data_access", "correction"):  # verified with a fact from the bill
        call["verified_with"] = "last_bill"
    first = request_entered(client, call)
    assert first.status_code == 302, (kind, first.status_code)
    again = request_entered(client, call)
    req = CustomerRequest.objects.get()
    assert again.status_code == 302 and again["Location"] == first["Location"], kind
    landed = client.get(again["Location"])
    assert landed.status_code == 200, (kind, req.owning_service, again["Location"])
    assert f"This form was sent already: it is recorded as #{req.pk}" in html.unescape(
        landed.content.decode()
    )


def test_a_refused_form_spends_nothing_and_goes_through_once_corrected(console, service_rep, customer):
    client = console(service_rep)
    token = re.search(r'name="once" value="([^"]+)"', client.get("/staff/requests/new/").content.decode())[1]
    refused = request_entered(client, {**CALL, "account_number": "0099999999", "once": token})
    assert refused.status_code == 400 and f'value="{token}"' in refused.content.decode()
    assert not FormSent.objects.exists()
    assert request_entered(client, {**CALL, "once": token}).status_code == 302
    assert request_entered(client, {**CALL, "once": token}).status_code == 302
    assert CustomerRequest.objects.count() == 1


@pytest.mark.parametrize(
    "url, sent",
    [
        ("/staff/requests/new/", {**CALL, "kind": "bogus", "notice_given": "on"}),
        ("/staff/requests/new/", {**CALL, "account_number": "0099999999", "notice_given": "on"}),
        ("/staff/marketing/?customer_class=bogus", None),
        ("/staff/requests/?kind=bogus", None),
        ("/staff/accounts/?meter=", None),
    ],
)
def test_a_console_form_drawn_again_with_its_errors_answers_400(url, sent, console, request, customer):
    persona = {"/staff/marketing/": "marketer", "/staff/accounts/": "service_rep"}.get(
        url.split("?")[0], "service_rep"
    )
    client = console(request.getfixturevalue(persona))
    response = client.post(url, sent) if sent is not None else client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert 'class="usa-error-message"' in response.content.decode()


def test_the_pages_that_draw_their_own_form_again_answer_400(console, service_rep, field_tech, customer):
    """The representatives page and the service-start page draw their own form again with its errors, as
    every console form drawn again does: 400, with the error beside its field."""
    representatives = console(service_rep).post(
        f"/staff/customers/{customer.pk}/representatives/", {"name": "Rosa Reyes", "kind": "bogus"}
    )
    start = console(field_tech).post("/staff/accounts/start/", {"meter": "", "opened_on": "someday"})
    for drawn in (representatives, start):
        assert drawn.status_code == 400, (drawn.wsgi_request.path, drawn.status_code)
        assert 'class="usa-error-message"' in drawn.content.decode()
