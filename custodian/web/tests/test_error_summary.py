"""A form sent back with errors says so where a person looks first: at the top of the form, the design
system's error alert ("There is a problem", focusable) lists every error, each field's linked to the field
(the first choice of a list of radio buttons), the form's own errors too; the page's <title> begins with
"Error: " (in Spanish too). Every template that draws fields one by one draws the summary as well, and the
script focuses it when it runs (the summary comes first without it)."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils.functional import SimpleLazyObject

from custodian.web.templatetags.form_errors import page_has_errors, summary_items

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
EMPTY_CONTACT = {"topic": "", "message": "", "name": "", "email": "", "phone": "", "website": ""}


def summary(html: str) -> str:
    found = re.search(r'<div class="usa-alert usa-alert--error error-summary"(.*?)</ul>', html, re.S)
    assert found, "no error summary"
    return found.group(0)


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_the_contact_form_sent_empty_lists_and_links_its_errors_first(db):
    response = Client().post("/contact/", EMPTY_CONTACT, **SAME_ORIGIN)
    html = response.content.decode()
    box = summary(html)
    assert 'tabindex="-1"' in box and "data-error-summary" in box and "There is a problem" in box
    assert '<a href="#id_topic">What is it about?: This field is required.</a>' in box
    assert '<a href="#id_message">Your message: This field is required.</a>' in box
    # First in the form, before its first field; the fields still carry their own errors.
    assert html.index("There is a problem") < html.index('id="id_topic"')
    assert 'aria-invalid="true"' in html
    assert title(html).startswith("Error: Contact us")


def test_in_spanish_the_summary_and_the_title_are_spanish(db):
    html = Client().post("/contact/?lang=es", EMPTY_CONTACT, **SAME_ORIGIN).content.decode()
    assert "Hay un problema" in summary(html) and title(html).startswith("Error: ")


def test_the_form_s_own_errors_are_in_the_summary(customer):
    html = Client().post("/portal/sign-in/", {"email": "nobody@example.com", "password": "x" * 12}).content
    html = html.decode()
    assert "E-mail address or password not recognized" in summary(html)
    assert title(html).startswith("Error: ")


def test_a_page_without_errors_keeps_its_title(db):
    html = Client().get("/contact/").content.decode()
    assert "error-summary" not in html and not title(html).startswith("Error")


def test_the_staff_sign_in_refusal_is_the_console_s_own_words(db):
    html = Client().post("/staff/login/", {"username": "nobody", "password": "wrong"}).content.decode()
    assert "That user name and password do not match a staff account" in summary(html)
    assert "Please enter a correct" not in html and title(html).startswith("Error: ")


class Choice(forms.Form):
    when = forms.ChoiceField(label="When", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    note = forms.CharField(label="Note")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Nothing was changed.")


def test_a_radio_list_is_linked_by_its_first_choice_and_hidden_fields_are_named_without_a_link():
    form = Choice(data={})
    assert summary_items(form) == [
        ("", "Nothing was changed."),
        ("id_when_0", "When: This field is required."),
        ("id_note", "Note: This field is required."),
        ("", "This field is required."),
    ]
    assert summary_items(Choice()) == []


def test_forms_in_a_dict_or_a_list_count_and_a_lazy_object_is_not_loaded():
    def loaded():
        raise AssertionError("the lazy object was loaded")

    user = SimpleLazyObject(loaded)
    context = Context({"forms": {"one": Choice()}, "rows": [(1, Choice(data={}))], "user": user})
    assert page_has_errors(context)
    assert not page_has_errors(Context({"forms": {"one": Choice()}, "user": user}))
    assert Template("{% load form_errors %}{% error_title_prefix %}").render(context) == "Error: "


TEMPLATES = Path(settings.BASE_DIR) / "custodian"
FIELD_BY_FIELD = re.compile(r"as_field_group|staff/_field\.html")


def test_every_template_that_draws_fields_one_by_one_draws_the_summary():
    missing = []
    for path in TEMPLATES.glob("*/templates/**/*.html"):
        text = path.read_text()
        if path.name in ("form.html", "_field.html") or not FIELD_BY_FIELD.search(text):
            continue
        if "{% error_summary" not in text:
            missing.append(str(path.relative_to(TEMPLATES)))
    assert not missing, missing


def test_the_script_focuses_the_summary():
    script = (TEMPLATES / "web/static/custodian/site.js").read_text()
    assert "[data-error-summary]" in script and ".focus()" in script
