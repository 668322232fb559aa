"""The cookies page can't drift from what the site does: every page of the public website is opened as a
visitor would (routes read from the URL configuration), and each cookie a page sets must be listed for that
page (custodian/web/cookies.py, which the cookies page and the privacy page show); a page listed that sets
nothing fails too. The browser test (test_browser.py) checks the same against what Chromium holds."""

from django.test import Client

from custodian.testing.routes import HUGE_ID, routes
from custodian.web.cookies import COOKIES
from custodian.web.middleware import PRIVATE_AREAS

# Not the public website: the portal's and the console's pages (their cookies are listed by area) and what
# answers a program rather than a visitor (the access log's files).
NOT_THE_SITE = (*PRIVATE_AREAS, "/transparency/")


def public_pages() -> list[str]:
    return [
        r.replace(HUGE_ID, "1")
        for r in routes()
        if not r.startswith(NOT_THE_SITE) or r == "/portal/"  # /portal/ itself is the public site's page
    ]


def test_every_cookie_a_public_page_sets_is_listed_for_that_page(db):
    set_by = {}
    for path in public_pages():
        response = Client(raise_request_exception=False).get(path)
        for name in response.cookies:
            set_by.setdefault(name, set()).add(path)
    listed = {c.name: set(c.site_pages) for c in COOKIES if c.site_pages}
    assert set_by == listed, f"set by public pages: {set_by}; listed: {listed}"
    for cookie in COOKIES:
        assert bool(cookie.site_pages) <= ("site" in cookie.areas), cookie.name


def test_the_cookies_page_names_the_public_pages_that_set_each_cookie(db):
    page = Client().get("/cookies/").content.decode()
    assert "the public website (/connect/register/)" in page
