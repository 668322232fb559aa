"""Every Django form renders in the U.S. Web Design System's markup (templates/ui/form.html and
field.html): a label for every control, required fields marked, the hint and the error next to the control
and tied to it.

A form class that says `html_static_when_unbound = True` promises that, empty, its markup comes from the code
and the policy file alone (no customer's data, no date, nothing from the request but its language). Its empty
markup is then rendered once per process, language and shape, not on every page: a form's dozens of small
templates cost more than the rest of a page's layout. The shape (each field's kind, label, hint, choices and
attributes) is part of the key, so an instance changed after construction gets its own entry instead of
another's markup; a form with data, initial values or a disabled field is always rendered afresh."""

from django.forms.renderers import DjangoTemplates
from django.utils.translation import get_language

_RENDERED: dict[str, str] = {}
_MOST = 64  # a few kilobytes each; forms that promise a static shape are few


def _static_shape(form, template_name) -> str | None:
    """The key of a form's empty markup, or None when it must be rendered afresh."""
    if not getattr(form, "html_static_when_unbound", False) or form.is_bound or form.initial:
        return None
    fields = []
    for name, field in form.fields.items():
        if field.initial is not None or field.disabled:
            return None
        fields.append(
            (
                name,
                type(field).__qualname__,
                type(field.widget).__qualname__,
                str(field.label),
                str(field.help_text),
                field.required,
                sorted(field.widget.attrs.items()),
                list(getattr(field, "choices", ()) or ()),
            )
        )
    form_class = f"{type(form).__module__}.{type(form).__qualname__}"
    return repr((get_language(), form_class, template_name, form.prefix, form.auto_id, fields))


class DesignSystemRenderer(DjangoTemplates):
    form_template_name = "ui/form.html"
    field_template_name = "ui/field.html"

    def render(self, template_name, context, request=None):
        form = context.get("form") if request is None and "fields" in context else None
        shape = _static_shape(form, template_name) if form is not None else None
        if shape is None:
            return super().render(template_name, context, request=request)
        html = _RENDERED.get(shape)
        if html is None:
            html = super().render(template_name, context, request=request)
            if len(_RENDERED) < _MOST:
                _RENDERED[shape] = html
        return html
