"""The contact form: the notice at collection first, works with every cookie blocked (origin check, honeypot,
per-address rate limit instead of a CSRF cookie), creates a request with provenance "web form", and keeps the
visitor's input with a clear error when something is wrong."""

import pytest
from django.test import Client

from custodian.casework.models import CustomerRequest
from custodian.customers.models import Customer
from custodian.testing import request_correspondence
from custodian.vault.gate import reveal, system_actor
from custodian.vault.models import SealedDocument

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
GOOD = {
    "topic": "billing_question",
    "message": "Why did my bill go up?",
    "name": "Dana Moe",
    "email": "dana@example.com",
    "phone": "",
    "account_number": "",
    "website": "",
}


def cookieless():
    return Client(enforce_csrf_checks=True)


def test_the_notice_comes_before_the_fields_and_no_cookie_is_set(db):
    response = cookieless().get("/contact/")
    html = response.content.decode()
    assert html.index("Why we ask") < html.index('name="message"')
    assert not response.cookies and "csrfmiddlewaretoken" not in html


def test_a_message_becomes_a_request_with_provenance_web_form(db, billing_clerk):
    response = cookieless().post("/contact/", GOOD, **SAME_ORIGIN)
    assert response.status_code == 200 and "reference #" in response.content.decode() and not response.cookies
    req = CustomerRequest.objects.get()
    assert (req.channel, req.kind, req.owning_service, req.customer.customer_class) == (
        "web_form",
        "billing_question",
        "billing",
        "inquirer",
    )
    assert set(SealedDocument.objects.values_list("provenance__channel", "provenance__notice_key")) == {
        ("web_form", "contact_form")
    }
    docs = request_correspondence(billing_clerk, req, purpose="contacting_customers")
    assert docs[0].text == "Why did my bill go up?"


def test_fetch_metadata_works_when_there_is_no_origin_header(db):
    assert cookieless().post("/contact/", GOOD, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_cross_site_posts_are_refused(db, headers):
    response = cookieless().post("/contact/", GOOD, **headers)
    assert response.status_code == 403 and "from our own website" in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_the_honeypot_swallows_bots(db):
    response = cookieless().post("/contact/", {**GOOD, "website": "http://spam.example"}, **SAME_ORIGIN)
    assert response.status_code == 200 and not CustomerRequest.objects.exists()


def test_one_address_is_rate_limited(db, settings):
    settings.CUSTODIAN_CONTACT_RATE_LIMIT = 2
    client = cookieless()
    codes = [
        client.post("/contact/", GOOD, REMOTE_ADDR="198.51.100.7", **SAME_ORIGIN).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert client.post("/contact/", GOOD, REMOTE_ADDR="198.51.100.8", **SAME_ORIGIN).status_code == 200


def test_an_ipv6_client_is_limited_by_its_64_whatever_address_it_picks_in_it(db, settings):
    """A host picks any address in its /64 at will: counting whole IPv6 addresses would be no limit."""
    settings.CUSTODIAN_CONTACT_RATE_LIMIT = 2
    client = cookieless()
    codes = [
        client.post("/contact/", GOOD, REMOTE_ADDR=address, **SAME_ORIGIN).status_code
        for address in ("2001:db8:1:2::1", "2001:db8:1:2::beef", "2001:db8:1:2:ffff:1:2:3")
    ]
    assert codes == [200, 200, 429]
    assert client.post("/contact/", GOOD, REMOTE_ADDR="2001:db8:1:3::1", **SAME_ORIGIN).status_code == 200


def test_errors_name_the_problem_and_keep_the_input(db):
    response = cookieless().post(
        "/contact/", {**GOOD, "email": "not-an-email", "message": "My words stay"}, **SAME_ORIGIN
    )
    html = response.content.decode()
    assert response.status_code == 400 and "valid email" in html.lower()
    assert "My words stay</textarea>" in html and 'value="Dana Moe"' in html
    assert not CustomerRequest.objects.exists()


def test_a_data_request_needs_a_way_to_answer(db):
    response = cookieless().post("/contact/", {**GOOD, "topic": "data_access", "email": ""}, **SAME_ORIGIN)
    assert "so we can answer" in response.content.decode() and not CustomerRequest.objects.exists()


def test_gpc_is_honoured_and_announced(client, db):
    assert client.get("/.well-known/gpc.json").json()["gpc"] is True
    refused = client.post("/preferences/text-size/", {"size": "large"}, HTTP_SEC_GPC="1", **SAME_ORIGIN)
    assert "text_size" not in refused.cookies
    refused = client.post("/preferences/text-size/", {"size": "large"}, HTTP_DNT="1", **SAME_ORIGIN)
    assert "text_size" not in refused.cookies
    kept = client.post("/preferences/text-size/", {"size": "large"}, **SAME_ORIGIN)
    assert kept.cookies["text_size"].value == "large" and kept.cookies["text_size"]["httponly"]
    assert '<html lang="en" class="text-large">' in client.get("/").content.decode()


def test_public_pages_set_no_cookie(db):
    for path in ("/", "/services/", "/contact/", "/privacy/", "/cookies/", "/portal/"):
        response = cookieless().get(path)
        assert response.status_code == 200 and not response.cookies, path


def test_a_telephone_number_is_checked_and_kept_in_one_form(db):
    refused = cookieless().post("/contact/", {**GOOD, "phone": "abc"}, **SAME_ORIGIN)
    html = refused.content.decode()
    assert 'id="id_phone_error">Enter a US telephone number with its area code' in html
    assert 'value="abc"' in html and not CustomerRequest.objects.exists()
    assert (
        cookieless().post("/contact/", {**GOOD, "phone": "(507) 451 2480"}, **SAME_ORIGIN).status_code == 200
    )
    req = CustomerRequest.objects.get()
    kept = reveal(
        actor=system_actor("outbox"),
        customer_id=req.customer_id,
        fields=["phone"],
        purpose="contacting_customers",
    )
    assert kept["phone"] == "507-451-2480"


def test_a_number_with_an_extension_is_refused_not_cut(db):
    """An extension can't be kept beside the number: the number would be kept without it, reaching a
    switchboard instead of the person, so the form says so and keeps what was typed."""
    for typed in ("507-451-2480 ext. 12", "(507) 451-2480 x3"):
        refused = cookieless().post("/contact/", {**GOOD, "phone": typed}, **SAME_ORIGIN)
        html = refused.content.decode()
        assert 'id="id_phone_error">Enter the number without an extension' in html, typed
    assert not CustomerRequest.objects.exists()


def test_the_form_sent_twice_by_accident_makes_one_request(db):
    """Dana presses Send twice: one request, her details kept once, and the same reference both times;
    someone else sending the same words makes their own (custodian.casework.services.RESUBMIT_WINDOW)."""
    visitor = cookieless()
    pages = [visitor.post("/contact/", GOOD, **SAME_ORIGIN) for _ in range(2)]
    req = CustomerRequest.objects.get()
    assert all(p.status_code == 200 and f"#{req.pk}" in p.content.decode() for p in pages)
    assert Customer.objects.filter(customer_class="inquirer").count() == 1
    visitor.post("/contact/", {**GOOD, "email": "sam@example.com", "name": "Sam Moe"}, **SAME_ORIGIN)
    assert CustomerRequest.objects.count() == 2


def test_a_name_that_reads_backwards_on_screen_is_named_and_the_message_kept(db):
    """Staff read the name as it was typed: a control that reorders it on screen is refused by its field."""
    response = cookieless().post(
        "/contact/", {**GOOD, "name": "Dana \u202eeoM", "message": "My words stay"}, **SAME_ORIGIN
    )
    html = response.content.decode()
    assert "change the direction of the text" in html and "My words stay</textarea>" in html
    assert not CustomerRequest.objects.exists()
