"""No browser or shared cache keeps a page that carries personal data: every response of the console, the
portal and the API (pages, downloads, JSON, errors) says `Cache-Control: no-store`, and so does every answer
to a form post and every page seen signed in. Routes are read from the URL configuration."""

import pytest
from django.test import Client

from custodian.testing import portal_browser
from custodian.testing.routes import routes
from custodian.web.middleware import PRIVATE_AREAS


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


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
