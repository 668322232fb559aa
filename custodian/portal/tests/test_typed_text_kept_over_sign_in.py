"""A customer whose sign-in ran out while they typed does not lose what they typed: the form they send is held
(sealed, its key in their browser only; never a password, a code, a token, the forgery protection, a bank
number or a box that gives consent), the sign-in returns them to the page that shows the form, and the form
shows what they typed, once, with a note to check it and send again. Only a form they were shown signed in is
held, only plain data entry (never a consent or a payment), and only they see it again: the next customer to
sign in in the same browser, another browser, or someone who never signed in sees nothing of it, and signing
out drops it. The whole way with Django's test client, no browser.

Personas: a customer of a demo household signed in to My account, whose session ends while they fill in a
form; the same customer on another computer; the other household's customer signing in next on the same
computer; someone who never signed in, sending forms to My account."""

import re
from datetime import timedelta
from html import escape

from django.contrib.sessions.models import Session
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from custodian.portal import forms
from custodian.portal.held_form import HELD_FORMS, SESSION_KEY, SHOWN_TO, kept
from custodian.portal.models import PortalAccount
from custodian.testing.account_numbers import on_file
from custodian.testing.portal import PASSWORD, signed_in
from custodian.web.cookies import HELD_FORM

SIGN_IN = "owner@example.org"
NEW_PHONE = "507-555-0166"
NOTE = "Your session ended; we kept what you typed. Check it and send again."


def shown_to(client: Client, page: str = "/portal/me/") -> str:
    """The signed token the page's held form carries, read as the signed-in customer sees the page."""
    html = client.get(page).content.decode()
    return re.search(rf'name="{SHOWN_TO}" value="([^"]+)"', html).group(1)


def contact(client: Client, phone: str = NEW_PHONE, **more):
    """The contact details form sent (with the token `shown_to` read, once the session ended)."""
    return client.post("/portal/me/contact/", {"email": "", "phone": phone, "mailing_address": "", **more})


def session_ended(client: Client) -> None:
    """The customer's session runs out (30 minutes without a request)."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )


def contact_after_the_session_ended(client: Client, **fields):
    """The contact details form the signed-in customer was shown, sent once their session ran out."""
    token = shown_to(client)
    session_ended(client)
    return contact(client, **{SHOWN_TO: token}, **fields)


def signed_in_again(client: Client, page: str):
    answer = client.post(f"/portal/sign-in/?next={page}", {"email": SIGN_IN, "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == page
    return client.get(page).content.decode()


def phone_on_file(customer) -> str:
    return on_file(customer, "phone", "providing_services")


def test_contact_details_typed_after_the_session_ended_come_back_once_after_signing_in(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    token = shown_to(client)
    session_ended(client)
    sent = contact(client, csrfmiddlewaretoken="t", **{SHOWN_TO: token})
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
    contact(client)
    assert phone_on_file(customer) == NEW_PHONE


def test_a_request_typed_on_its_own_page_comes_back_there(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    token = shown_to(client, "/portal/me/request/")
    session_ended(client)
    words = "Why did my bill go up in October?"
    sent = client.post("/portal/me/request/", {"kind": "privacy_question", "message": words, SHOWN_TO: token})
    assert sent["Location"] == "/portal/sign-in/?next=%2Fportal%2Fme%2Frequest%2F"
    page = signed_in_again(client, "/portal/me/request/")
    assert escape(words) in page and escape(NOTE) in page


def test_another_computer_signing_in_as_the_same_customer_sees_nothing_held(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    contact_after_the_session_ended(client)
    elsewhere = Client()
    assert elsewhere.post("/portal/sign-in/", {"email": SIGN_IN, "password": PASSWORD}).status_code == 302
    page = elsewhere.get("/portal/me/").content.decode()
    assert NEW_PHONE not in page and escape(NOTE) not in page


def test_signing_out_or_the_time_running_out_drops_what_was_held(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    contact_after_the_session_ended(client)
    session = client.session
    held = session[SESSION_KEY]
    session[SESSION_KEY] = {**held, "until": 0}
    session.save()
    page = signed_in_again(client, "/portal/me/")
    assert NEW_PHONE not in page and escape(NOTE) not in page

    contact_after_the_session_ended(client)
    assert client.cookies[HELD_FORM.name].value
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
    sent["kind"] = "privacy_question"
    assert kept(sent, forms.PortalRequestForm) == {"kind": ["privacy_question"], "message": ["keep me"]}
    # A box that removes what we hold is ticked anew, never shown ticked: the address typed comes back alone.
    removal = QueryDict(mutable=True)
    removal.update({"mailing_address": "12 Elm Street", "remove_phone": "on", "remove_email": "on"})
    assert kept(removal, forms.ContactDetailsForm) == {"mailing_address": ["12 Elm Street"]}
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
    token = shown_to(client, "/portal/me/?lang=es")
    session_ended(client)
    contact(client, **{SHOWN_TO: token})
    page = signed_in_again(client, "/portal/me/")
    assert escape("Su sesión terminó; guardamos lo que escribió.") in page


def test_held_text_is_shown_only_to_the_customer_named_by_the_form_they_were_shown(households):
    """The same browser throughout: what the owner typed is held for the owner; the other customer signing in
    next there gets an empty form and the held text is dropped."""
    (customer, app), (other, other_app) = households
    other_client = signed_in(other_app, other_app.personal["email"])  # the other's online account exists
    other_client.post("/portal/sign-out/")
    client = signed_in(app, SIGN_IN)
    contact_after_the_session_ended(client, phone="", mailing_address="12 Elm Street, Winona, MN 55987")
    assert SESSION_KEY in client.session and client.cookies[HELD_FORM.name].value
    answer = client.post(
        "/portal/sign-in/?next=/portal/me/", {"email": other_app.personal["email"], "password": PASSWORD}
    )
    assert answer.status_code == 302
    page = client.get("/portal/me/").content.decode()
    assert "Elm Street" not in page and escape(NOTE) not in page
    assert SESSION_KEY not in client.session and not client.cookies[HELD_FORM.name].value


def test_nothing_is_held_from_someone_never_signed_in(households):
    """Someone with a forgery token from the sign-in page sends the consent form (to a data broker) and the
    contact form, with or without a token a held form carries: nothing is held, the next customer to sign
    in sees an empty consent form."""
    (customer, app), _ = households
    signed_in(app, SIGN_IN)  # the customer's online account exists
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/portal/sign-in/")
    csrf = stranger.cookies["csrftoken"].value
    consent = {
        "csrfmiddlewaretoken": csrf,
        "recipient_name": "Acme Data Brokers",
        "recipient_contact": "sales@acme.example",
        "categories": ["contact", "usage"],
        "purpose": "marketing",
    }
    assert stranger.post("/portal/me/consents/", consent)["Location"].startswith("/portal/sign-in/")
    assert stranger.post("/portal/me/contact/", {"csrfmiddlewaretoken": csrf, "phone": NEW_PHONE})
    assert stranger.post(
        "/portal/me/contact/", {"csrfmiddlewaretoken": csrf, "phone": NEW_PHONE, SHOWN_TO: "forged:token"}
    )
    assert SESSION_KEY not in stranger.session and HELD_FORM.name not in stranger.cookies
    # The customer signs in next on that computer.
    signing_in = {"csrfmiddlewaretoken": csrf, "email": SIGN_IN, "password": PASSWORD}
    assert stranger.post("/portal/sign-in/?next=/portal/me/consents/", signing_in).status_code == 302
    page = stranger.get("/portal/me/consents/").content.decode()
    assert "Acme Data Brokers" not in page and escape(NOTE) not in page


def test_only_plain_data_entry_forms_are_held_never_a_consent_or_a_payment(households):
    """The allow-list: the contact details, a statement of disagreement, a request. A consent sent with the
    token of a held form is not held as a consent: the consent form is never filled in."""
    assert set(HELD_FORMS) >= {
        forms.ContactDetailsForm.held_name,
        forms.DisagreementForm.held_name,
        forms.PortalRequestForm.held_name,
    }
    held_portal = {n for n in HELD_FORMS if n.startswith("custodian.portal.forms.")}
    assert held_portal == {
        forms.ContactDetailsForm.held_name,
        forms.DisagreementForm.held_name,
        forms.PortalRequestForm.held_name,
    }
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    assert SHOWN_TO not in client.get("/portal/me/consents/").content.decode()
    token = shown_to(client)
    session_ended(client)
    client.post(
        "/portal/me/consents/",
        {
            "recipient_name": "Acme Data Brokers",
            "purpose": "marketing",
            "categories": ["usage"],
            SHOWN_TO: token,
        },
    )
    signed_in_again(client, "/portal/me/consents/")
    page = client.get("/portal/me/consents/").content.decode()
    assert "Acme Data Brokers" not in page and escape(NOTE) not in page


def test_a_form_larger_than_a_form_is_not_held(households):
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    token = shown_to(client)
    session_ended(client)
    flood = {f"{i:04d}" + "x" * 2_496: "y" for i in range(900)}
    contact(client, **{SHOWN_TO: token}, **flood)
    assert SESSION_KEY not in client.session and HELD_FORM.name not in client.cookies
    many = {f"f{i}": "y" for i in range(40)}
    contact(client, **{SHOWN_TO: token}, **many)
    assert SESSION_KEY not in client.session and HELD_FORM.name not in client.cookies
    contact(client, mailing_address="x" * 30_000, **{SHOWN_TO: token})
    assert SESSION_KEY not in client.session and HELD_FORM.name not in client.cookies


def test_the_note_shows_only_where_the_form_is_filled_and_the_text_waits_until_then(households):
    """Signed in again, the account limited meanwhile: its home shows no contact form, so no note, and what
    was typed is still held; the limit lifted, the form shows it."""
    (customer, app), _ = households
    client = signed_in(app, SIGN_IN)
    contact_after_the_session_ended(client)
    PortalAccount.objects.filter(customer_id=customer.pk).update(limited=True)
    page = signed_in_again(client, "/portal/me/")
    assert NEW_PHONE not in page and escape(NOTE) not in page
    assert SESSION_KEY in client.session and client.cookies[HELD_FORM.name].value
    PortalAccount.objects.filter(customer_id=customer.pk).update(limited=False)
    page = client.get("/portal/me/").content.decode()
    assert f'value="{NEW_PHONE}"' in page and escape(NOTE) in page
