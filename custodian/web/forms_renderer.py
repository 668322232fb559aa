"""Every Django form renders in the U.S. Web Design System's markup (templates/ui/form.html and
field.html): a label for every control, required fields marked, the hint and the error next to the control
and tied to it."""

from django.forms.renderers import DjangoTemplates


class DesignSystemRenderer(DjangoTemplates):
    form_template_name = "ui/form.html"
    field_template_name = "ui/field.html"
