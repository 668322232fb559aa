"""A sign-in that a portal page asked for returns the customer to that page (`next`), through the
authenticator's step too; a `next` that is not a path of the portal on this site (another site, however
written, or a page outside the portal) is not followed: the customer lands on My account, never elsewhere.

Personas: Pat (the first household), whose sign-in ran out while she was on her bills page; Mallory, who
sends Pat a sign-in link whose `next` is her own site."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.testing import current_code
from custodian.testing.portal import PASSWORD, signed_in

PAT = {"email": "pat@example.com", "password": PASSWORD}


@pytest.fixture
def pat(households):
    (customer, app), _ = households
    signed_in(app, PAT["email"])  # signed up and confirmed; her sign-in has since run out
    client = Client()
    client.customer = customer
    return client


def test_pat_signs_in_again_and_is_back_on_her_bills_page(pat):
    response = pat.post("/portal/sign-in/?next=/portal/me/bills/", PAT)
    assert response.status_code == 302 and response.url == "/portal/me/bills/"
    assert pat.get(response.url).status_code == 200


def test_a_page_that_asks_for_a_sign_in_is_where_she_comes_back_to(pat):
    sent = pat.get("/portal/me/bills/?view=all")
    assert sent.status_code == 302
    assert sent.url == "/portal/sign-in/?next=%2Fportal%2Fme%2Fbills%2F%3Fview%3Dall"
    assert pat.post(sent.url, PAT).url == "/portal/me/bills/?view=all"


def test_a_wrong_password_keeps_where_she_was_going(pat):
    refused = pat.post("/portal/sign-in/?next=/portal/me/bills/", {**PAT, "password": "not her password"})
    assert refused.status_code == 400
    assert pat.post("/portal/sign-in/?next=/portal/me/bills/", PAT).url == "/portal/me/bills/"


def test_with_an_authenticator_the_code_step_returns_her_there(pat):
    user = get_user_model().objects.get(portal_account__customer=pat.customer)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert pat.post("/portal/sign-in/?next=/portal/me/usage/", PAT).url == "/portal/sign-in/code/"
    assert pat.post("/portal/sign-in/code/", {"code": current_code(device)}).url == "/portal/me/usage/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/portal/me/",
        "//evil.example/portal/me/",
        "/\\evil.example/portal/me/",
        "http://testserver.evil.example/portal/me/",
        "/staff/",
        "javascript:alert(1)",
        # below the portal as written, elsewhere once the browser resolves the dots (escaped or not)
        "/portal/../staff/",
        "/portal/%2e%2e/transparency/",
        "/portal/me/../../staff/",
    ],
)
def test_mallorys_next_is_not_followed(pat, target):
    response = pat.post(f"/portal/sign-in/?{urlencode({'next': target})}", PAT)
    assert response.status_code == 302 and response.url == "/portal/me/"
