"""The portal's navigation offers a representative acting for a customer only the pages her authority covers,
by scope and by data category, from the same table that refuses the others (`portal.access`): never a link
that answers "not within your authority". Alice Anderson signed in sees every page of the menu; Rosa Reyes,
holding a power of attorney for her with every scope and one category left out after another (the bills,
the meter usage, the correspondence), walks her menu on every page she opens, her own sign-in's pages too:
each link opens, and each page her authority covers is offered. So does the menu of an online account still
limited (Carol's, opened with her paper bill's figures, the code from our letter not yet entered): it offers
the pages a limited account may open, each of which opens, and every page once she enters the code."""

import re

import pytest

from custodian.portal.access import OPEN_WHILE_LIMITED, OWN_SIGN_IN_PAGES, Within
from custodian.portal.navigation import SECTIONS
from custodian.testing import consent_given, portal_browser, power_of_attorney, request_received
from custodian.testing.portal import CAROL_BILL, acting_for, categories_but, limit_lifted, online

EVERY_SCOPE = ("view", "requests", "payments", "contact", "consents")
MENU = [name for _, items in SECTIONS for _, name in items]


def menu(browser, path: str) -> list[str]:
    """The links of the navigation on the page at `path`."""
    html = browser.get(path).content.decode()
    nav = html.split('<nav id="section-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def walked(browser) -> set[str]:
    """Every link of the menu, followed from each page of the menu: each opens (deleting data first asks
    for the password again), and shows the same menu."""
    start = menu(browser, "/portal/me/")
    for link in start:
        answer = browser.get(link, follow=True)
        assert answer.status_code == 200, (link, answer.status_code)
        assert menu(browser, answer.request["PATH_INFO"]) == start, link
    return set(start)


def test_the_customer_sees_every_page(customer):
    from_the_menu = walked(portal_browser(customer, "alice.anderson"))
    assert len(from_the_menu) == len(MENU)


def test_a_limited_account_sees_only_what_it_may_open(carol):
    browser = online(CAROL_BILL, "carol.cruz@example.org")
    from_the_menu = walked(browser)
    offered = {name for name in MENU if name.split(":")[1] in OPEN_WHILE_LIMITED}
    assert len(from_the_menu) == len(offered) < len(MENU)
    for refused in ("/portal/me/usage/", "/portal/me/consents/", "/portal/me/act-for/", "/portal/me/moving/"):
        assert refused not in from_the_menu
    # Her own sign-in's page shows the same menu; once the code is entered, every page.
    assert set(menu(browser, "/portal/me/security/")) == from_the_menu
    assert len(walked(limit_lifted(browser, carol))) == len(MENU)


@pytest.mark.parametrize("left_out", ["bills", "meter_usage", "correspondence"])
def test_a_representative_sees_only_what_her_authority_covers(
    customer, service_rep, privacy_officer, left_out
):
    scope = [s for s in EVERY_SCOPE if not (s == "payments" and left_out == "bills")]
    authority = power_of_attorney(customer, scope, categories_but(left_out))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    from_the_menu = walked(rosa)
    within = Within(rep)
    offered = {name for name in MENU if within[name.split(":")[1]]}
    assert len(from_the_menu) == len(offered) < len(MENU)
    # Where she would be refused, no link: the pages showing what is left out, and moving or stopping service.
    for path in {"bills": ["/portal/me/bills/"], "meter_usage": ["/portal/me/usage/"]}.get(left_out, []):
        assert path not in from_the_menu
    assert "/portal/me/moving/" not in from_the_menu
    # On her own sign-in's pages, the same menu.
    assert {"security", "act_for"} <= OWN_SIGN_IN_PAGES
    for own in ("/portal/me/security/", "/portal/me/act-for/"):
        assert set(menu(rosa, own)) == from_the_menu, own


@pytest.mark.parametrize("covered", [True, False], ids=["with correspondence", "without correspondence"])
def test_her_requests_consents_and_apps_are_the_customer_s_correspondence(
    customer, service_rep, privacy_officer, covered
):
    """Alice's requests, consents (to whom, for what, which data) and the apps she authorised are kept as
    her correspondence: Rosa, authorised to make requests and give consents, sees them only where her
    authority covers it; else each page says so, and she may still ask a question and follow the requests
    she made herself (`test_a_representative_follows_the_requests_she_made.py`)."""
    consent_given(customer, method="electronic", text_shown="I consent.")
    categories = categories_but() if covered else categories_but("correspondence")
    _, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, EVERY_SCOPE, categories)
    )
    alice_asks = request_received(
        kind="privacy_question", channel="portal", message="Who reads my bills?", customer_id=customer.pk
    )
    mine = rosa.get("/portal/me/requests/").content.decode()
    assert (f'data-request="{alice_asks.pk}"' in mine) is covered
    assert ("Only the requests you made are listed" in mine) is not covered
    for path in ("/portal/me/consents/", "/portal/me/connected-apps/"):
        answer = rosa.get(path)
        text = answer.content.decode()
        if covered:
            assert answer.status_code == 200, path
        else:
            assert answer.status_code == 403, path
            assert "Your authority to act for Alice Anderson does not cover correspondence." in text, path
            assert "Energy Savers Co-op" not in text and "home energy audit" not in text, path
    asked = rosa.post("/portal/me/request/", {"kind": "privacy_question", "message": "Who reads the meter?"})
    assert asked.url == "/portal/me/requests/"
    # Her home lists the open requests she follows, as "My requests" does: without the correspondence, those
    # she made herself, saying so (`test_a_representative_s_home_lists_the_requests_she_made.py`).
    home = rosa.get("/portal/me/").content.decode()
    assert ("Only the requests you made are listed" in home) is not covered
    assert "does not cover correspondence" not in home
