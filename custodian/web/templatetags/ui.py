"""The design system's pieces that templates share: form controls in the U.S. Web Design System's classes
(with their hint and error tied to the control for screen readers), service-level classes for due dates, and
the console's and portal's navigation. The markup lives in templates/ui/; see docs/architecture.md."""

from datetime import date
from functools import lru_cache

from django import forms, template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from custodian.web import navigation

register = template.Library()

CONTROL_CLASSES = (
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.FileInput, "usa-input usa-input--file"),
    (forms.widgets.Input, "usa-input"),
)


def control_class(widget) -> str:
    for kind, css in CONTROL_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


@register.filter
def uswds(bound_field):
    """The field's control with the design system's class, `aria-describedby` naming its hint and its error,
    and `aria-invalid` when it has an error."""
    widget = bound_field.field.widget
    attrs = {"class": f"{control_class(widget)} {widget.attrs.get('class', '')}".strip()}
    described = [widget.attrs["aria-describedby"]] if widget.attrs.get("aria-describedby") else []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def control_kind(bound_field) -> str:
    """How ui/field.html lays the field out: a single checkbox, a group of choices, or a labelled control."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    return "control"


@register.filter
def sla(due_on, today: date | None = None) -> str:
    """A due date's service level: `overdue` (past), `soon` (within two days) or `ok`."""
    if not due_on:
        return ""
    today = today or timezone.localdate()
    days = (due_on - today).days
    return "overdue" if days < 0 else "soon" if days <= 2 else "ok"


@register.filter
def sla_label(due_on) -> str:
    level = sla(due_on)
    if not level:
        return ""
    days = (due_on - timezone.localdate()).days
    if level == "overdue":
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


@register.inclusion_tag("ui/sidenav.html", takes_context=True)
def console_nav(context):
    """The console's navigation: only the pages this member of staff may open (each page's own rule)."""
    return _area_nav(context["request"], "console")


@register.inclusion_tag("ui/sidenav.html", takes_context=True)
def portal_nav(context):
    return _area_nav(context["request"], "portal")


def _area_nav(request, name):
    area = navigation.area(name)
    sections = [
        (
            heading,
            [(text, url) for text, url in items if area.may_open is None or area.may_open(request, url)],
        )
        for heading, items in area.sections
    ]
    return _nav(request, sections, area.label)


@lru_cache(maxsize=512)
def _url(name: str, urlconf: str, prefix: str) -> str:
    """A navigation link's URL: the same for every request under one URL configuration and script prefix,
    so worked out once per process instead of a `reverse` per link on every page."""
    return reverse(name, urlconf=urlconf)


def _nav(request, sections, label):
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    built = []
    for heading, items in sections:
        links = [(text, _url(name, urlconf, prefix)) for text, name in items]
        if links:
            built.append((heading, links))
    # The current page: the longest link that the path starts with.
    current = max(
        (url for _, links in built for _, url in links if request.path.startswith(url)), key=len, default=None
    )
    return {"sections": built, "current": current, "label": label}


@register.filter
def has_required(form) -> bool:
    return any(f.field.required and not f.is_hidden for f in form)


@register.filter
def in_language(notice, language):
    """A notice at collection in the page's language, where the policy file has it (same version)."""
    return notice.in_language(language) if hasattr(notice, "in_language") else notice
