"""Every page says what it is in its <title>, not only the utility's name (the first thing a screen reader
reads, and the tab's name): each route of the URL configuration, opened by an anonymous visitor, a signed-in
customer and every member of staff (the first of them the page opens for), names itself; only the home page is
the utility's own name. A page whose form came back with errors says "Error: " first."""

import re
from html import unescape

from django.test import Client

from custodian.policy.loader import current_policy
from custodian.testing import portal_browser
from custodian.testing.routes import routes

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str | None:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    found = TITLE.search(response.content.decode())
    return unescape(found.group(1)).strip() if found else None


def test_every_page_has_its_own_title(customer, all_staff, console):
    utility = current_policy().utility["name"]
    visitors = {"anonymous": Client(raise_request_exception=False), "customer": portal_browser(customer, "t")}
    for service, member in all_staff.items():
        visitors[service] = console(member)
        visitors[service].raise_request_exception = False
    paths = [r.replace("9" * 24, "1") for r in routes() if "sign-out" not in r and "logout" not in r]
    vague, seen = [], 0
    for path in paths:
        for who, client in visitors.items():
            title = title_of(client.get(path))
            if title is None:
                continue
            seen += 1
            if path != "/" and (not title or title == utility):
                vague.append(f"{who} GET {path}: <title>{title}</title>")
            break  # the page one visitor may open is titled; the next path
    assert seen > 50, seen
    assert not vague, "pages titled only with the utility's name:\n" + "\n".join(vague)


def test_the_portal_request_page_is_titled(customer):
    response = portal_browser(customer, "t").get("/portal/me/request/")
    assert title_of(response).startswith("Privacy questions and data requests · ")
