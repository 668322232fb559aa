"""The design system's pieces that templates share: form controls in the U.S. Web Design System's classes
(with their hint and error tied to the control for screen readers), service-level classes for due dates, and
the console's and portal's navigation, and dates, months and times in the reader's words. The markup lives
in templates/ui/; see docs/architecture.md.

One module (over 400 lines) on purpose: it is the one library every template loads (`{% load ui %}`); split,
each of the hundreds of templates would have to load the right parts, and a tag missing its library fails
only when that page is drawn."""

import contextlib
import json
from datetime import date, datetime
from functools import lru_cache

from django import forms, template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext, pgettext

from custodian.billing.presentation import entry_shown, services_named
from custodian.billing.presentation import money as money_text
from custodian.customers.account_numbers import internal_ref
from custodian.dates import day_words, moment_words, month_words, short_month
from custodian.policy.loader import current_policy
from custodian.usage.services.presentation import SERVICE_WORDS
from custodian.vault.choices import Channel
from custodian.web import navigation
from custodian.web.charts import bar_chart, draw

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


# People read labels, never the policy file's keys or the data's internal shape.

# Who recorded a value, in the app's own words (a staff member's name is shown as it is).
RECORDED_BY_WORDS = frozenset(
    {
        "the customer",
        "customer upload",
        "the retention run",
        "staff",
        "demo data (synthetic application forms)",
    }
)


@register.filter
def recorded_by(label) -> str:
    """Who recorded a value, as the customer reads it in their language."""
    label = str(label or "")
    return gettext(label) if label in RECORDED_BY_WORDS else label


@register.filter
def named(account_id, names=None) -> str:
    """An account as a staff page names it: by the name its view read (`customers.account_numbers`: "Account"
    and the number on the bill), else by its internal reference, never its bare id."""
    return (names or {}).get(account_id) or internal_ref(account_id)


@register.filter
def money(amount) -> str:
    """An amount of money, the one way the console and the portal write it in both languages: "$15,820.94",
    "−$1,000.00" (a minus sign, not a hyphen); nothing for no amount."""
    if amount is None or amount == "":
        return ""
    return money_text(amount)


@register.filter
def utility_services(keys) -> str:
    """Utility services stored as their keys ("electric,gas"), named in the active language."""
    return services_named(str(keys or ""))


@register.filter
def ledger_words(entry) -> str:
    """A ledger entry as the customer reads it, in their language (`billing.presentation.entry_shown`)."""
    return entry_shown(entry)


@register.filter
def service_label(keys) -> str:
    """A support service's label from the policy file; several (a list, or keys separated by commas or
    spaces) joined. An unknown key is shown as words."""
    services = current_policy().services
    if isinstance(keys, str):
        keys = keys.replace(",", " ").split()
    return ", ".join(services[k].in_language().label if k in services else _words(k) for k in keys or [])


@register.filter
def category_label(keys) -> str:
    """Categories of personal data by their labels in the policy file; several (a list, or keys separated by
    commas, semicolons or spaces) joined. An unknown key is shown as words."""
    categories = current_policy().categories
    if isinstance(keys, str):
        keys = keys.replace(",", " ").replace(";", " ").split()
    return ", ".join(categories[k].in_language().label if k in categories else _words(k) for k in keys or [])


@register.filter
def vendor_function_label(key) -> str:
    """A vendor function by its label in the policy file ("Payment processing (…)"), never its key."""
    functions = current_policy().vendor_functions
    return functions[key].in_language().label if key in functions else _words(str(key or ""))


@register.filter
def channel_label(value) -> str:
    """How something reached the utility, in words ("Phone call"), never its stored key."""
    return str(Channel(value).label) if value in Channel.values else _words(str(value or ""))


@register.filter
def notice_label(key, version="") -> str:
    """A notice at collection as staff read it: "Account application notice, version 2026.2"."""
    if not key:
        return ""
    name = f"{_words(str(key))} notice"
    return f"{name}, version {version}" if version else name


@register.filter
def purpose_label(key) -> str:
    purposes = current_policy().purposes
    return purposes[key].in_language().label if key in purposes else _words(key or "")


@register.filter
def decision_label(decision) -> str:
    return {"allow": "Allowed", "deny": "Refused"}.get(decision, _words(decision or ""))


@register.filter
def elided_pages(page):
    """A page's neighbours and the first and last pages, with ellipses between (Django's paginator)."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def words(key) -> str:
    """An internal key as words: `field_services` → "Field services"."""
    return _words(str(key))


@register.filter
def when(value) -> str:
    """An ISO date-time (as the JSON downloads carry it) as people write it, in the utility's time zone; ""
    for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return moment_words(value)
    return str(value)


@register.filter
def day(value) -> str:
    """A date, or the ISO day a bill's sealed content keeps, in the language's DATE_FORMAT."""
    return day_words(value)


@register.filter
def month_short(value) -> str:
    """A month's short name under a chart's bar: "Oct", "oct."."""
    return short_month(value) if value else ""


@register.filter
def cycle(value) -> str:
    """A billing cycle ("2026-10") or a month as the language writes it: "October 2026", "octubre de 2026"."""
    return month_words(value)


@register.filter
def moment(value) -> str:
    """A date and time in the utility's time zone, with its name: "November 28, 2026, 6:16 a.m. CST"."""
    return moment_words(value) if isinstance(value, datetime) else when(value)


def _words(key: str) -> str:
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


@register.inclusion_tag("ui/personal_value.html")
def personal_value(value, chart_id: str = "value"):
    """One personal value as people read it: meter usage as a chart and a table per service, any other
    structured value as labelled items, text as itself. Never JSON."""
    if isinstance(value, str) and value[:1] in "{[":
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if _is_usage(value):
        services = []
        for key, series in value.items():
            months = series.get("months", []) if isinstance(series, dict) else []
            unit = series.get("unit", "") if isinstance(series, dict) else ""
            points = [(_month(m["month"], short=True), _month(m["month"]), float(m["total"])) for m in months]
            services.append(
                {
                    "name": SERVICE_WORDS.get(key, _words(key)),
                    "chart": bar_chart(points, unit=unit),
                    "id": f"{chart_id}-{key}",
                }
            )
        return {"kind": "usage", "services": services}
    if isinstance(value, dict):
        return {"kind": "record", "items": [(_words(str(k)), _plain(v)) for k, v in value.items()]}
    if isinstance(value, list):
        return {"kind": "list", "items": [_plain(v) for v in value]}
    return {"kind": "text", "value": value}


def _is_usage(value) -> bool:
    """Meter usage as the vault keeps it: {service: {"unit": …, "months": [{"month": …, "total": …}]}}."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, dict) and "months" in v for v in value.values())
    )


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_words(str(k))}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


def _month(value: str, *, short: bool = False) -> str:
    try:
        year, month = (int(p) for p in value.split("-")[:2])
        d = date(year, month, 1)
    except ValueError:
        return value
    # In the reader's language (strftime writes English whatever the page's language).
    return short_month(d) if short else date_format(d, get_format("YEAR_MONTH_FORMAT"))


@register.simple_tag
def chart(points, unit: str, title: str, id: str, period: str = ""):  # noqa: A002 (the element's id)
    """`{% chart points unit title id %}`: points are (label under the bar, full label, value)."""
    return draw(bar_chart(list(points), unit=unit), title=title, chart_id=id, period=period)


@register.simple_tag
def drawn_chart(chart: dict, title: str, id: str, period: str = ""):  # noqa: A002 (the element's id)
    """`{% drawn_chart chart title id period %}`: a chart already computed by charts.bar_chart."""
    return draw(chart, title=title, chart_id=id, period=period)


def _get(row, name):
    return row[name] if isinstance(row, dict) else getattr(row, name)


@register.filter
def day_points(rows, value: str = "kwh"):
    """Rows with a `date` and a value as chart points: the day of the month under each bar, the whole date in
    the table (a month's name under its first day, so a chart across two months says so), in the reader's
    language."""
    language = get_language()
    points = []
    for i, row in enumerate(rows):
        day = (
            _get(row, "date")
            if (isinstance(row, dict) and "date" in row) or hasattr(row, "date")
            else _get(row, "day")
        )
        short, whole = _day_labels(day, language)
        amount = _get(row, value)
        # A count (page views, visitors) stays a whole number in the table; an amount of use is a decimal.
        amount = amount if isinstance(amount, int) else float(amount)
        points.append((short if i == 0 or day.day == 1 else str(day.day), whole, amount))
    return points


@lru_cache(maxsize=1024)
def _day_labels(day: date, language: str) -> tuple[str, str]:
    """A day's label under a bar ("Nov 3") and in the table ("Monday, November 3, 2025") in a language: a
    calendar fact, the same for every reader, so formatted once per process instead of twice a bar on every
    usage page (the date formatting and its translations were a tenth of the page). `language` is the active
    one, given to key the cache."""
    return (
        date_format(day, pgettext("a day under a chart's bar", "M j")),
        date_format(day, pgettext("a day in a chart's table", "l, F j, Y")),
    )


@register.filter
def month_points(rows, value: str = "amount"):
    """Rows with a `month` (its first day) and a value as chart points, the month named in the reader's
    language; a month without a value has no bar."""
    return [
        (
            short_month(_get(r, "month")),
            date_format(_get(r, "month"), get_format("YEAR_MONTH_FORMAT")),
            float(_get(r, value)),
        )
        for r in rows
        if _get(r, value) is not None
    ]


@register.filter
def hour_points(rows, value: str = "kwh"):
    """Rows with an `hour` (0–23, local time) and a value as chart points: "6 am", "12 pm"."""
    language = get_language()
    return [(*_hour_labels(_get(r, "hour"), language), float(_get(r, value))) for r in rows]


@lru_cache(maxsize=128)
def _hour_labels(h: int, language: str) -> tuple[str, str]:
    """An hour's label under a bar ("6 am") and in the table ("6 am to 7 am") in a language, worked out once
    per process (five translations an hour, 24 hours a chart, were a sizeable part of the usage page).
    `language` is the active one, given to key the cache."""
    return _hour(h), gettext("%(start)s to %(end)s") % {"start": _hour(h), "end": _hour((h + 1) % 24)}


def _hour(h: int) -> str:
    return (gettext("%(hour)s am") if h < 12 else gettext("%(hour)s pm")) % {"hour": (h % 12) or 12}


@register.inclusion_tag("ui/home_cards.html", takes_context=True)
def home_cards(context, area_name: str):
    """The figures an area registered for its home page (the console: my queue, due soon, overdue)."""
    area = navigation.area(area_name)
    return {"cards": area.home_cards(context["request"]) if area.home_cards else []}
