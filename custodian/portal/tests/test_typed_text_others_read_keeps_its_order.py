"""Text a customer or a visitor types that someone else reads later (a consent's recipient, contact and
purpose, a request's details, a statement of disagreement, a new service address, the public contact form, a
third party's registration) never carries a control that reorders it on screen ("Acme \u202egnp.exe" reads as
"Acme exe.png"): the field refuses it, as the console's fields do (`bounds.ShownTextField`). Every text field
of every form of the portal and the public site is walked, so a new one is held to it too. Personas: Pat, a
customer on the portal."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import custodian.portal
import custodian.web
import custodian.web.forms
from custodian.disclosures.models import Consent
from custodian.testing.portal import signed_in

REORDERED = "Acme \u202egnp.exe"
# A web address that is valid as one and still reads otherwise ("…/nigol.exe" as "…/exe.login"): a field for
# addresses refuses it for the control, not for not being an address.
REORDERED_URL = "https://sunny.example/\u202eexe.nigol"
# Text fields whose value nobody reads after the person who typed it, each with why: compared, then dropped.
NOT_READ = {
    ("custodian.portal.forms", "EnrolForm", "account_number"): "matched against the records, not kept",
    ("custodian.portal.forms", "AuthenticatorOnForm", "code"): "a one-time code, compared and not kept",
    ("custodian.portal.forms", "ReauthenticateForm", "code"): "a one-time code, compared and not kept",
    ("custodian.portal.forms", "MailedCodeForm", "code"): "the letter's code, compared and not kept",
    ("custodian.web.forms", "ContactForm", "website"): "the field bots fill in: a form with it keeps nothing",
}


def _forms():
    """Every form class defined in a module of the portal or the public site (tests and migrations aside)."""
    for package in (custodian.portal, custodian.web):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                    yield info.name, name, cls


def _text_fields():
    for module, name, cls in _forms():
        for field_name, field in cls.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.PasswordInput | forms.HiddenInput):
                continue  # a password nobody sees; a value the page itself set and the view checks
            if (module, name, field_name) in NOT_READ:
                continue
            yield pytest.param(field, id=f"{module.rsplit('.', 1)[-1]}.{name}.{field_name}")


# What a terminal or a log reads as commands (clear the screen, a bell, a backspace), not a person's words.
CONTROLLED = "Bob \x1b[2J\x07\x08"
CONTROLLED_URL = "https://sunny.example/\x1b[2J"
# Each control with a text and a web address carrying it.
HOSTILE = {
    "reorders": (REORDERED, REORDERED_URL, "\u202e"),
    "controls": (CONTROLLED, CONTROLLED_URL, "\x1b\x07\x08"),
}


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("field", list(_text_fields()))
def test_no_text_field_keeps_a_control(field, hostile):
    text, url, controls = HOSTILE[hostile]
    try:
        kept = field.clean(url if isinstance(field, forms.URLField) else text)
    except forms.ValidationError:
        return
    assert not any(c in str(kept) for c in controls), repr(kept)


def test_a_line_end_and_a_tab_are_words_not_controls():
    field = custodian.web.forms.ContactForm.base_fields["message"]
    assert field.clean("Line one\r\nLine two\twith a tab") == "Line one\r\nLine two\twith a tab"


def test_the_walk_finds_the_portal_s_consent_form():
    found = {(module, name) for module, name, _ in _forms()}
    assert ("custodian.portal.forms", "ConsentForm") in found
    assert ("custodian.web.forms", "ContactForm") in found
    assert all(key[:2] in found for key in NOT_READ)


def test_pat_s_consent_to_a_name_that_reads_otherwise_is_refused(households):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    for field in ("recipient_name", "recipient_contact", "purpose"):
        consent = {
            "recipient_name": "Solar Co",
            "recipient_contact": "hello@solar.example",
            "categories": ["name"],
            "purpose": "a quote for solar panels",
            "covers_past": "0",
            "agree": "on",
            field: REORDERED,
        }
        page = pat.post("/portal/me/consents/", consent)
        assert page.status_code == 400  # drawn again with its error, as every form
        refused = "Remove the invisible characters that change the direction of the text."
        assert refused in page.content.decode()
    assert not Consent.objects.exists()
