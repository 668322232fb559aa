"""An e-mail is written in the language of whoever reads its address, by one rule
(`customers.selectors.message_language`): to an address of the customer's (the sign-in they confirmed, the
address on file), the language they chose in the portal, whatever page set it off; with no choice made, the
page's; to an address only typed on a sign-up's page, the page's (never the account holder's choice, which
would tell a stranger holding their bill). Its link opens in the message's language.

Personas: Ana chose Spanish in the portal, Ben chose English; each asks from a page in the other language."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from custodian.customers.models import Customer
from custodian.customers.selectors import message_language
from custodian.portal.services import portal_accounts_delete
from custodian.testing.portal import PASSWORD, last_kwh, signed_in

RESET = {"es": "Establezca una nueva contraseña para Mi cuenta", "en": "Set a new password for My account"}
ON_FILE = {
    "es": "Alguien se registró en Mi cuenta con su cuenta de servicios públicos",
    "en": "Someone signed up for My account with your utility account",
}
ELSEWHERE = {"es": "Termine de registrarse en Mi cuenta", "en": "Finish signing up for My account"}
REFUSED = {
    "es": "Alguien intentó registrarse en Mi cuenta con su cuenta de servicios públicos",
    "en": "Someone tried to sign up for My account with your utility account",
}
CHANGE = {"es": "Confirme su nueva dirección de correo electrónico", "en": "Confirm your new e-mail address"}
CHANGED = {
    "es": "Se cambió la dirección de correo electrónico registrada de su cuenta de servicios públicos",
    "en": "The e-mail address on file for your utility account was changed",
}
OTHER = {"es": "en", "en": "es"}


@pytest.fixture
def ana_and_ben(households):
    """Ana (chose Spanish) and Ben (chose English), each online and having picked a language in the portal."""
    (ana, ana_app), (ben, ben_app) = households
    for customer, app, sign_in, language in (
        (ana, ana_app, "ana@example.com", "es"),
        (ben, ben_app, "ben@example.com", "en"),
    ):
        client = signed_in(app, sign_in)
        assert client.get(f"/portal/me/?lang={language}").status_code == 200
        customer.refresh_from_db()
        assert customer.language == language
    mail.outbox.clear()
    return {"es": (ana, ana_app, "ana@example.com"), "en": (ben, ben_app, "ben@example.com")}


def _sent_to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def _sign_up(app, email, page):
    return Client().post(
        f"/portal/enrol/?lang={page}",
        {
            "account_number": app.personal["account_number"],
            "last_electric_kwh": last_kwh(app),
            "email": email,
            "password": PASSWORD,
        },
    )


@pytest.mark.parametrize("chosen", ["es", "en"])
def test_a_reset_asked_from_a_page_in_the_other_language_comes_in_the_customer_s_own(ana_and_ben, chosen):
    _customer, _app, sign_in = ana_and_ben[chosen]
    page = OTHER[chosen]
    asked = Client().post(f"/portal/password/?lang={page}", {"email": sign_in})
    assert asked.status_code == 302 and f"lang={page}" in asked.url  # the page itself stays in the asker's
    reset = _sent_to(sign_in)
    assert reset.subject == RESET[chosen]
    link = re.search(r"http://testserver(/portal/password/\S+)", reset.body).group(1)
    assert f"lang={chosen}" in link  # the link opens in the message's language
    opened = Client().get(link).content.decode()
    assert f'<html lang="{chosen}"' in opened


def test_a_customer_with_no_choice_gets_the_reset_in_the_language_of_the_page(households):
    (customer, app), _ = households
    signed_in(app, "cruz@example.com")
    assert Customer.objects.get(pk=customer.pk).language == ""
    mail.outbox.clear()
    Client().post("/portal/password/?lang=es", {"email": "cruz@example.com"})
    assert _sent_to("cruz@example.com").subject == RESET["es"]


@pytest.mark.parametrize("chosen", ["es", "en"])
def test_a_sign_up_tells_the_address_on_file_in_the_holder_s_language_and_the_typist_in_the_page_s(
    ana_and_ben, chosen
):
    customer, app, _sign_in = ana_and_ben[chosen]
    portal_accounts_delete([customer.pk])  # the online account is gone; the choice of language is kept
    page = OTHER[chosen]
    assert _sign_up(app, "someone.typing@example.org", page).status_code == 200
    on_file = _sent_to(app.personal["email"])
    assert on_file.subject == ON_FILE[chosen]
    assert f"lang={chosen}" in re.search(r"http://testserver(/portal/confirm/\S+)", on_file.body).group(1)
    # The address typed on the page is told where the link went in the page's language: whoever typed it
    # learns nothing of the holder's.
    assert _sent_to("someone.typing@example.org").subject == ELSEWHERE[page]


@pytest.mark.parametrize("chosen", ["es", "en"])
def test_a_sign_up_for_an_account_already_online_is_told_to_its_holder_in_their_language(ana_and_ben, chosen):
    _customer, app, sign_in = ana_and_ben[chosen]
    assert _sign_up(app, "someone.else@example.org", OTHER[chosen]).status_code == 400
    assert _sent_to(sign_in).subject == REFUSED[chosen]
    assert _sent_to(app.personal["email"]).subject == REFUSED[chosen]
    assert not [m for m in mail.outbox if m.to == ["someone.else@example.org"]]


def test_the_rule_reads_the_choice_for_the_customer_s_address_and_the_page_for_a_typed_one():
    for chosen, page, typed, language in (
        ("es", "en", False, "es"),
        ("en", "es", False, "en"),
        ("", "es", False, "es"),
        ("", "", False, "en"),
        ("fr", "es", False, "es"),  # a code the utility does not write in is no choice
        ("es", "en", True, "en"),
        ("es", "", True, "en"),  # typed on a page of no known language: the default, not the holder's
    ):
        assert message_language(chosen, page=page, typed_on_the_page=typed) == language, (chosen, page, typed)


def test_the_customer_s_choice_is_read_for_messages_in_one_place():
    """Only the page's own language (the middleware) and the one rule read `Customer.language`: no sender
    picks a message's language some other way."""
    root = Path(__file__).resolve().parents[2]
    reads = re.compile(r"\b[a-z_]\w*\.language\b|values_list\([^)]*\"language\"")
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and reads.search(path.read_text())
    )
    assert found == ["customers/selectors.py", "web/languages.py"], found


def test_an_e_mail_change_is_written_in_the_page_s_language_when_the_customer_chose_none(households):
    """A signed-in customer who never picked a language and reads the portal in Spanish (their browser asks
    for it) typed the new address, so they read it: the link in Spanish, opening in Spanish, and the notice to
    the old address once confirmed in Spanish too. (A customer who picks a language in the portal chooses it:
    their page's language and their choice are then one.)"""
    (customer, app), _ = households
    old = app.personal["email"]
    client = signed_in(app, "owner@example.org")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    mail.outbox.clear()
    client.post("/portal/me/contact/", {"email": "moved@example.org", "phone": "", "mailing_address": ""})
    customer.refresh_from_db()
    assert customer.language == ""
    asked = _sent_to("moved@example.org")
    assert asked.subject == CHANGE["es"]
    link = re.search(r"http://testserver(/portal/contact/confirm/[^\s]+)", asked.body).group(1)
    assert "lang=es" in link
    assert Client().post(link).status_code == 200
    assert _sent_to(old).subject == CHANGED["es"]
