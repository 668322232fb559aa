"""No browser or shared cache keeps a page that carries personal data: every response of the console, the
portal, the API, Connect My Data's ESPI resources and its OAuth endpoints (pages, downloads, JSON, errors)
says `Cache-Control: no-store, private`, and so does every answer to a form post and every page seen signed
in. Routes are read from the URL configuration, and every route is either in a private area or in one this
test names as public with its reason: a new area of URLs fails here until it is decided on."""

import pytest
from django.test import Client

from custodian.testing import portal_browser
from custodian.testing.routes import routes
from custodian.web.middleware import PRIVATE_AREAS

# The areas that answer anonymous visitors with nothing personal, and why each stays cacheable.
PUBLIC_AREAS = {
    "/": "the public site's home page",
    "/services/": "the utility's services, the same for everyone",
    "/contact/": "the empty contact form (its answer to a post is no-store: every post is)",
    "/privacy/": "the privacy policy, the inventory, the rights, the policy's versions and reports",
    "/cookies/": "the list of cookies",
    "/preferences/text-size/": "the text size choice (a post, so no-store)",
    "/.well-known/gpc.json": "the Global Privacy Control statement",
    "/connect/register/": "the empty registration form for third parties (its post is no-store)",
    "/transparency/": "the access log's signed heads, tiles and verifier: hashes, never an event",
}


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_route_is_in_a_private_area_or_named_public_here():
    """A new area of URLs that could answer with personal data can't be added without deciding here."""
    undecided = [
        r
        for r in routes()
        if not r.startswith(PRIVATE_AREAS)
        and not any(r == area or (area != "/" and r.startswith(area)) for area in PUBLIC_AREAS)
    ]
    assert not undecided, "routes neither in PRIVATE_AREAS nor public here:\n" + "\n".join(undecided)


def test_connect_my_data_answers_are_no_store_and_private_whatever_their_status(db):
    """A third party's meter data must not sit in a shared cache or its proxy: the 401 without a token, the
    404 of an unknown resource and the token endpoint's error say so as the 200s do."""
    client = Client()
    for response in (
        client.get("/espi/1_1/resource/Batch/Subscription/1"),
        client.get("/espi/1_1/resource/Subscription/1/UsagePoint", HTTP_AUTHORIZATION="Bearer nothing"),
        client.get("/espi/1_1/resource/ApplicationInformation/1"),
        client.post("/connect/oauth/token/", {"grant_type": "client_credentials"}),
        client.get("/connect/oauth/revoke/"),
    ):
        control = response.get("Cache-Control", "")
        assert "no-store" in control and "private" in control, (response.status_code, control)


@pytest.fixture
def portal_client(customer):
    return portal_browser(customer, "c-cache")


def private_routes():
    return [r.replace("9" * 24, "1") for r in routes() if r.startswith(PRIVATE_AREAS)]


def test_every_private_route_says_no_store(portal_client, privacy_officer, console, customer):
    staff = console(privacy_officer)
    staff.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)
    missing = []
    for path in private_routes():
        for who, client in (("customer", portal_client), ("staff", staff), ("anonymous", anonymous)):
            response = client.get(path)
            if not no_store(response):
                missing.append(f"{who} GET {path} → {response.status_code}")
    assert not missing, "\n".join(missing)


def test_downloads_say_no_store(portal_client):
    for path in ("/portal/me/download.csv", "/portal/me/download.json", "/portal/me/green-button.csv"):
        response = portal_client.get(path)
        assert response.status_code == 200 and no_store(response), path


def test_public_pages_stay_cacheable_and_form_answers_do_not(db):
    client = Client()
    assert not no_store(client.get("/privacy/"))
    answer = client.post("/contact/", {"message": "hello"}, HTTP_ORIGIN="http://testserver")
    assert no_store(answer)
