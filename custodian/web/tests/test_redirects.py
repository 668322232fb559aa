"""No `next` parameter sends the browser to another site: every view that follows one checks it with
Django's url_has_allowed_host_and_scheme (`//host`, `/\\host`, schemes) and falls back to its own page."""

import pytest
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from custodian.demo.personas import DEMO_PASSWORD
from custodian.staff.mfa import totp_device_set
from custodian.testing import current_code

HOSTILE = [
    "//evil.example/x",
    "/\\evil.example/x",
    "/\\/evil.example/x",
    "https://evil.example/x",
    "javascript:alert(1)",
    " //evil.example/x",
]


def _leaves_the_site(location: str) -> bool:
    return not url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


@pytest.mark.parametrize("target", HOSTILE)
def test_the_text_size_preference(db, target):
    response = Client().post(
        "/preferences/text-size/", {"size": "large", "next": target}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 302 and not _leaves_the_site(response["Location"])
    assert response["Location"] == "/cookies/"


def test_the_text_size_preference_follows_a_page_of_this_site(db):
    response = Client().post(
        "/preferences/text-size/", {"size": "large", "next": "/services/"}, HTTP_ORIGIN="http://testserver"
    )
    assert response["Location"] == "/services/"


@pytest.mark.parametrize("target", HOSTILE)
def test_staff_sign_in(billing_clerk, target):
    device = totp_device_set(user=billing_clerk)
    client = Client()
    client.post("/staff/login/", {"username": "bill.clerk", "password": DEMO_PASSWORD, "next": target})
    response = client.post("/staff/login/second-factor/", {"code": current_code(device)})
    assert response.status_code == 302 and response["Location"] == "/staff/"
