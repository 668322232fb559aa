"""A form's errors where a person looks first: the error summary at the top of a form (the U.S. Web Design
System's error alert, "There is a problem", a link to each invalid field and the errors of the whole form) and
"Error: " before the page's title while any form on the page has errors (`{% load form_errors %}`)."""

from django import forms, template
from django.utils.translation import gettext

register = template.Library()


def _target(bound_field) -> str:
    """The id a link to the field goes to: its control, or the first choice of a list of radio buttons or
    checkboxes (which has no one control)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        options = bound_field.subwidgets
        return options[0].id_for_label if options else bound_field.auto_id
    return bound_field.id_for_label


def summary_items(form) -> list[tuple[str, str]]:
    """Each error of a bound form as (the id of the field it is about, or "" for the whole form; the words),
    the form's own errors first, then the fields' in the order they are shown."""
    if not form.is_bound or not form.errors:
        return []
    items = [("", str(error)) for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                items.append(("", str(error)))
            else:
                items.append((_target(field), f"{field.label}: {error}"))
    return items


@register.inclusion_tag("ui/error_summary.html")
def error_summary(form):
    return {"items": summary_items(form) if form is not None and hasattr(form, "is_bound") else []}


def _forms_in(value, depth: int = 0):
    # The type, not isinstance: a lazy object (the user) would be loaded to answer isinstance.
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        yield value
    elif depth < 2 and kind is dict:
        for item in value.values():
            yield from _forms_in(item, depth + 1)
    elif depth < 2 and kind in (list, tuple):
        for item in value:
            yield from _forms_in(item, depth + 1)


def page_has_errors(context) -> bool:
    """Whether a form the page draws came back with errors: any bound form in the template's context (or in
    a dict or list of them) that has errors."""
    return any(f.is_bound and f.errors for value in context.flatten().values() for f in _forms_in(value))


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " before the title of a page whose form has errors (in the page's language)."""
    return gettext("Error: ") if page_has_errors(context) else ""
