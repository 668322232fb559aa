"""A customer whose sign-in ran out while they typed does not lose what they typed: the form they send is held
(sealed, its key in their browser only; never a password, a code, a token, the forgery protection, a bank
number or a box that gives consent), the sign-in returns them to the page that shows the form, and the form
shows what they typed, once, with a note to check it and send again. Another browser signing in as the same
customer sees nothing of it; signing out drops it. The whole way with Django's test client, no browser.

Personas: a customer of a demo household signed in to My account, whose session ends while they fill in a
form; the same customer on another computer."""

from datetime import timedelta
from html import escape

from django.contrib.sessions.models import Session
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from custodian.portal.held_form import SESSION_KEY, kept
from custodian.testing.account_numbers import on_file
from custodian.testing.portal import PASSWORD, signed_in
from custodian.web.cookies import HELD_FORM

SIGN_IN = "owner@example.org"
NEW_PHONE = "507-555-0166"
NOTE = "Your session ended; we kept what you typed. Check it and send again."


def session_ended(client: Client) -> None:
    """The customer's session runs out (30 minutes without a request)."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )


def signed_in_again(client: Client, page: str):
    answer = client.post(f"/portal/sign-in/?next={page}", {"email": SIGN_IN, "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == page
    return client.get(page).content.decode()


def phone_on_file(customer) -> str:
    return on_file(customer, "phone", "providing_services")


def test_contact_details_typed_after_the_session_ended_come_back_once_after_signing_in(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    session_ended(client)
    sent = client.post(
        "/portal/me/contact/",
        {"email": "", "phone": NEW_PHONE, "mailing_address": "", "csrfmiddlewaretoken": "t"},
    )
    # To the sign-in, which returns to the page that shows the form (the address only takes the form).
    assert sent.status_code == 302 and sent["Location"] == "/portal/sign-in/?next=%2Fportal%2Fme%2F"
    assert phone_on_file(customer) == app.personal["phone"]  # nothing saved without a sign-in
    # The server holds it sealed: the number is not in the session's record, its key is in the browser.
    (row,) = Session.objects.filter(expire_date__gt=timezone.now())
    assert NEW_PHONE not in str(row.get_decoded()) and SESSION_KEY in row.get_decoded()
    assert client.cookies[HELD_FORM.name].value

    page = signed_in_again(client, "/portal/me/")
    assert f'value="{NEW_PHONE}"' in page and escape(NOTE) in page
    # Once: the page again shows an empty form and no note, and the key is gone from the browser.
    again = client.get("/portal/me/").content.decode()
    assert NEW_PHONE not in again and escape(NOTE) not in again
    assert not client.cookies[HELD_FORM.name].value
    # Sent again, it is saved.
    client.post("/portal/me/contact/", {"email": "", "phone": NEW_PHONE, "mailing_address": ""})
    assert phone_on_file(customer) == NEW_PHONE


def test_a_request_typed_on_its_own_page_comes_back_there(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    session_ended(client)
    words = "Why did my bill go up in October?"
    sent = client.post("/portal/me/request/", {"kind": "privacy_question", "message": words})
    assert sent["Location"] == "/portal/sign-in/?next=%2Fportal%2Fme%2Frequest%2F"
    page = signed_in_again(client, "/portal/me/request/")
    assert escape(words) in page and escape(NOTE) in page


def test_another_computer_signing_in_as_the_same_customer_sees_nothing_held(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    session_ended(client)
    client.post("/portal/me/contact/", {"email": "", "phone": NEW_PHONE, "mailing_address": ""})
    elsewhere = Client()
    assert elsewhere.post("/portal/sign-in/", {"email": SIGN_IN, "password": PASSWORD}).status_code == 302
    page = elsewhere.get("/portal/me/").content.decode()
    assert NEW_PHONE not in page and escape(NOTE) not in page


def test_signing_out_or_the_time_running_out_drops_what_was_held(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    session_ended(client)
    client.post("/portal/me/contact/", {"email": "", "phone": NEW_PHONE, "mailing_address": ""})
    session = client.session
    held = session[SESSION_KEY]
    session[SESSION_KEY] = {**held, "until": 0}
    session.save()
    page = signed_in_again(client, "/portal/me/")
    assert NEW_PHONE not in page and escape(NOTE) not in page

    session_ended(client)
    client.post("/portal/me/contact/", {"email": "", "phone": NEW_PHONE, "mailing_address": ""})
    client.post("/portal/sign-out/")
    assert not client.cookies[HELD_FORM.name].value
    assert client.post("/portal/sign-in/", {"email": SIGN_IN, "password": PASSWORD}).status_code == 302
    assert NEW_PHONE not in client.get("/portal/me/").content.decode()


def test_passwords_codes_tokens_bank_numbers_and_consent_boxes_are_never_held(households):
    sent = QueryDict(mutable=True)
    for name, value in {
        "csrfmiddlewaretoken": "t0k3n",
        "password": "a long portal passphrase",
        "new_password": "another passphrase",
        "code": "123456",
        "routing": "091000019",
        "bank_account": "123456789",
        "notice_shown": "portal_request:2026.1",
        "agree": "on",
        "authorize": "on",
        "message": "keep me",
    }.items():
        sent[name] = value
    assert kept(sent) == {"message": ["keep me"]}
    # A form of nothing but secrets holds nothing: the sign-in's page is all it leads to.
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    session_ended(client)
    answer = client.post("/portal/me/security/", {"password": PASSWORD, "new_password": "x" * 16})
    assert answer["Location"].startswith("/portal/sign-in/?next=")
    assert SESSION_KEY not in client.session and HELD_FORM.name not in client.cookies


def test_the_note_is_in_spanish(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    client.get("/portal/me/?lang=es")
    session_ended(client)
    client.post("/portal/me/contact/", {"email": "", "phone": NEW_PHONE, "mailing_address": ""})
    page = signed_in_again(client, "/portal/me/")
    assert escape("Su sesión terminó; guardamos lo que escribió.") in page
