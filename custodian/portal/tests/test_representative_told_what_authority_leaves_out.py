"""A representative whose authority leaves out a part of the customer's data is told so on every page that
would show it, never the empty answer the gate's filter leaves as if it were the truth. Alice Anderson owes
$764.36, past due; Rosa Reyes holds a power of attorney registered by the service desk (a customer-service
clerk) and verified by the privacy officer:

- without the bills, her "My account" says her authority does not cover the bills where Alice's says what
  she owes (not "No bills yet"), and the bills and the statement say so instead of "You have no account with
  us yet" or "Owed today $0.00";
- walking every page of the portal her scope opens, from the URL configuration, with one category after
  another left out: a page showing that category throughout says her authority does not cover it, a page
  showing it among others says so of that part, and none shows the part's empty answer;
- the service desk can't register a scope whose pages show data the authority leaves out (paying without
  the bills): refused, naming what is missing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from custodian.audit.models import AccessEvent
from custodian.casework.representatives import (
    SCOPE_NEEDS,
    RepresentativeError,
    representative_register,
    representatives_of,
)
from custodian.customers.models import Account
from custodian.policy.loader import current_policy
from custodian.portal.access import OWN_SIGN_IN_PAGES, PAGE_CATEGORIES, PAGE_SCOPES
from custodian.testing import bill_charged, portal_browser, power_of_attorney
from custodian.testing.portal import acting_for, categories_but
from custodian.testing.routes import named_routes

OWED = "764.36"
# What each category's pages say when the selectors find nothing: false for Alice, who has some.
EMPTY = {
    "bills": ("No bills yet", "You have no account with us yet", "$0.00"),
    "meter_usage": ("No meter readings for this month or last yet",),
    "correspondence": ("No letters or e-mails yet",),
}
WORDS = {"bills": "bills", "meter_usage": "meter usage", "correspondence": "correspondence"}


def says(text: str, left_out: str) -> bool:
    """Whether `text` says the authority does not cover the category (among others, maybe)."""
    return re.search(rf"does not cover [^.<]*\b{WORDS[left_out]}\b", text) is not None


@pytest.fixture
def past_due(customer):
    """Alice's September bill, due October 22, unpaid."""
    return bill_charged(Account.objects.get(customer=customer), 9, OWED)


def _rosa(customer, service_rep, privacy_officer, scope, categories):
    return acting_for(customer, service_rep, privacy_officer, power_of_attorney(customer, scope, categories))[
        1
    ]


def test_without_the_bills_she_is_told_so_not_that_nothing_is_owed(
    customer, past_due, service_rep, privacy_officer
):
    alice = portal_browser(customer, "alice.anderson")
    assert f"${OWED}" in alice.get("/portal/me/statement/").content.decode()
    rosa = _rosa(customer, service_rep, privacy_officer, ("view",), categories_but("bills"))
    home = _main(rosa.get("/portal/me/").content.decode())
    assert "Your authority to act for Alice Anderson does not cover bills." in home
    assert "No bills yet" not in home and "/portal/me/bills/" not in home, home
    for page in ("/portal/me/bills/", "/portal/me/statement/"):
        answer = rosa.get(page)
        text = answer.content.decode()
        assert answer.status_code == 403, page
        assert "Your authority to act for Alice Anderson does not cover bills." in text, page
        assert not any(empty in text for empty in EMPTY["bills"]), page


def test_the_customer_is_not_named_where_the_authority_leaves_out_her_name(
    customer, past_due, service_rep, privacy_officer
):
    rosa = _rosa(customer, service_rep, privacy_officer, ("view",), ["meter_usage"])
    text = rosa.get("/portal/me/statement/").content.decode()
    assert "Your authority to act for this customer does not cover bills." in text
    assert "Alice" not in text


def test_in_spanish_too(customer, past_due, service_rep, privacy_officer):
    rosa = _rosa(customer, service_rep, privacy_officer, ("view",), ["name", "meter_usage"])
    text = rosa.get("/portal/me/bills/?lang=es").content.decode()
    assert "Su autoridad para actuar por Alice Anderson no cubre facturas." in text


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _path(route: str, ids: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), route)


@pytest.mark.parametrize("left_out", sorted(EMPTY))
def test_every_page_says_what_the_authority_leaves_out(
    customer, past_due, service_rep, privacy_officer, left_out
):
    categories = categories_but(left_out)
    scope = [
        s
        for s in ("view", "requests", "payments", "contact", "consents")
        if left_out not in SCOPE_NEEDS.get(s, ())
    ]
    rosa = _rosa(customer, service_rep, privacy_officer, scope, categories)
    seq = AccessEvent.objects.filter(customer_id=str(customer.pk)).values_list("seq", flat=True).first()
    ids = {"bill_id": past_due.pk, "message_id": 1, "seq": seq, "fmt": "json"}
    walked = set()
    for name, route in named_routes("portal/").items():
        page = name.split(":", 1)[1]
        if page in OWN_SIGN_IN_PAGES or PAGE_SCOPES.get(page) not in scope:
            continue
        walked.add(page)
        answer = rosa.get(_path(route, ids))
        text = answer.content.decode(errors="replace")
        assert not any(empty in text for empty in EMPTY[left_out]), page
        if PAGE_CATEGORIES.get(page) == left_out:
            assert answer.status_code == 403 and says(text, left_out), page
    assert {p for p, c in PAGE_CATEGORIES.items() if c == left_out and PAGE_SCOPES.get(p) in scope} <= walked
    # The pages showing it among other parts say so of that part.
    for among in (
        "/portal/me/who-has-seen-my-data/",
        "/portal/me/who-we-gave-it-to/",
        "/portal/me/download.csv",
    ):
        assert says(rosa.get(among).content.decode(), left_out), among
    if left_out != "correspondence":
        assert says(rosa.get("/portal/me/").content.decode(), left_out)


def test_a_scope_whose_pages_show_data_the_authority_leaves_out_is_refused(customer, service_rep):
    """Every page of paying shows the bills: "pay bills" without them could never be used."""
    with pytest.raises(RepresentativeError, match=r'Pay bills and arrange payments.*add "Bills'):
        representative_register(
            authority=power_of_attorney(customer, ("view", "payments"), ["name", "meter_usage"]),
            by=service_rep,
        )
    assert representative_register(
        authority=power_of_attorney(customer, ("view", "payments"), ["name", "bills"]), by=service_rep
    )


def test_each_scope_needs_the_data_all_its_pages_show():
    """From the portal's own tables: where every page a scope opens shows one category, the scope needs it."""
    policy = current_policy()
    for scope in {s for s in PAGE_SCOPES.values()}:
        pages = [p for p, s in PAGE_SCOPES.items() if s == scope]
        shown = {PAGE_CATEGORIES.get(p) for p in pages}
        if len(shown) == 1 and None not in shown:
            (category,) = shown
            assert category in SCOPE_NEEDS.get(scope, ()), (scope, category)
            assert category in policy.self_access_categories


def test_the_staff_form_names_what_is_missing(customer, service_rep, console):
    """Cora at the service desk is told what to add, and nothing is registered."""
    staff = console(service_rep)
    answer = staff.post(
        reverse("console:representatives", args=[customer.pk]),
        {
            "kind": "power_of_attorney",
            "scope": ["payments"],
            "categories": ["name"],
            "expires_on": "2027-06-30",
            "name": "Rosa Reyes",
            "email": "rosa@example.org",
            "channel": "in_person",
            "document": SimpleUploadedFile("poa.pdf", b"%PDF power of attorney", "application/pdf"),
        },
    )
    text = answer.content.decode()
    assert answer.status_code == 400 and "needs the data its pages show" in text and "Bills" in text
    assert not representatives_of(customer.pk).exists()
