"""The error pages are the site's own pages, each saying what happened and what to do: a form sent from a
page opened too long ago (a CSRF failure) says the form expired and to go back, reload and send it again; a
request we can't read is a 400 page; the 500 page promises nothing it can't know (a crashed POST may have
lost what was sent). Every page, public, portal or console, starts with the link to skip to its content."""

from django.test import Client, RequestFactory

from custodian.web.views import server_error

SKIP_LINK = '<a class="usa-skipnav" href="#main">Skip to main content</a>'


def test_a_form_sent_without_its_token_gets_the_expired_form_page(db):
    response = Client(enforce_csrf_checks=True).post(
        "/portal/sign-in/", {"email": "ann@example.com", "password": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 403 and "This form has expired" in html
    assert "Go back to the form" in html and "Reload the page" in html and "Send the form again." in html
    assert SKIP_LINK in html and "Error code: 403" in html
    assert "CSRF verification failed" not in html


def test_in_the_console_the_expired_form_page_is_the_consoles(console, service_rep):
    client = console(service_rep)
    client.handler.enforce_csrf_checks = True
    response = client.post("/staff/requests/new/", {"channel": "phone"})
    html = response.content.decode()
    assert response.status_code == 403 and "This form has expired" in html
    assert "sign in again" in html and 'class="area-console"' in html


def test_a_request_we_cannot_read_gets_the_400_page(db):
    response = Client().get("/", HTTP_HOST="bad host name")
    html = response.content.decode()
    assert response.status_code == 400 and "We could not read that request" in html
    assert "Error code: 400" in html and SKIP_LINK in html


def test_the_500_page_does_not_promise_that_nothing_was_lost(db):
    response = server_error(RequestFactory().post("/contact/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in html
    assert "Nothing you entered was lost" not in html
    assert "it may not have been saved: go back and check before you send it again" in html


def test_the_skip_link_is_on_a_public_a_portal_and_a_console_page(db, console, service_rep):
    for page in ("/", "/contact/", "/portal/sign-in/"):
        assert SKIP_LINK in Client().get(page).content.decode(), page
    staff_page = console(service_rep).get("/staff/requests/")
    assert staff_page.status_code == 200 and SKIP_LINK in staff_page.content.decode()
    assert 'id="main"' in staff_page.content.decode()
