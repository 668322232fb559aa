"""A form that promises static empty markup is rendered once per shape; anything else is rendered afresh, and
one instance's markup is never shown for another's different shape."""

from django import forms
from django.utils import translation

from custodian.web import forms_renderer
from custodian.web.forms_renderer import DesignSystemRenderer


class Choice(forms.Form):
    html_static_when_unbound = True

    topic = forms.ChoiceField(label="Topic", choices=[("a", "Apples"), ("b", "Bananas")])
    note = forms.CharField(label="Note", required=False)


class Unflagged(forms.Form):
    note = forms.CharField(label="Note")


def _fresh(form) -> str:
    """The markup without the per-process copy."""
    return str(DesignSystemRenderer.__mro__[1].render(form.renderer, form.template_name, form.get_context()))


def test_static_empty_form_is_rendered_once_and_the_same():
    forms_renderer._RENDERED.clear()
    first = str(Choice())
    assert len(forms_renderer._RENDERED) == 1
    assert str(Choice()) == first == _fresh(Choice())


def test_a_changed_instance_gets_its_own_markup():
    forms_renderer._RENDERED.clear()
    plain = str(Choice())
    other = Choice()
    other.fields["topic"].choices = [("c", "Cherries")]
    changed = str(other)
    assert "Cherries" in changed and "Apples" not in changed
    assert "Apples" in plain and str(Choice()) == plain


def test_bound_initial_and_unflagged_forms_are_rendered_afresh():
    forms_renderer._RENDERED.clear()
    bound = str(Choice({"topic": "z"}))
    assert "Select a valid choice" in bound
    assert "Bananas" in str(Choice(initial={"topic": "b"}))
    str(Unflagged())
    assert forms_renderer._RENDERED == {}


def test_each_language_gets_its_own_markup():
    forms_renderer._RENDERED.clear()
    str(Choice())
    with translation.override("es"):
        str(Choice())
    assert len(forms_renderer._RENDERED) == 2
