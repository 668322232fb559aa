"""A data request's answer in words a person reads: each document held by what it is (a message they sent,
a letter we sent with its subject, the words of a consent), the kind of file in plain words, the notice
given when an item was collected by what it told them, the monthly use from the bills and from every
reading held (the meter's and those the customer uploaded), and every register read of the meters. Never a
key, a media type or an internal name.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from custodian.customers.choices import SERVICE_UNITS, Service
from custodian.dates import day_words, month_words
from custodian.outbox.services import FOR_THE_REPRESENTATIVE, PAPERLESS, content_parse
from custodian.policy.loader import current_policy
from custodian.usage.intervals import is_demand, series_names
from custodian.usage.services.presentation import SERVICE_WORDS, UNIT_WORDS
from custodian.vault.masking import shown_words
from custodian.vault.normalize import MARKETING_OPTED_IN, MARKETING_OPTED_OUT
from custodian.vault.selectors import ReadingSource

SERVICE_NAMES = dict(Service.choices)
# The address a customer signs in to My account with, sealed at sign-up beside their correspondence
# (custodian.portal.services.sign_in_ref): an item of data, told as one, not a document.
SIGN_IN_REF_PREFIX = "portal-signup:"
# A new e-mail address asked for in the portal and not yet confirmed (custodian.portal.email_change).
EMAIL_CHANGE_REF_PREFIX = "portal-email-change:"
KINDS = {
    "text/plain": gettext_lazy("text"),
    "application/json": gettext_lazy("text"),
    "application/pdf": gettext_lazy("PDF file"),
}


# The marketing choice held, as the customer reads it (the portal's own words for it).
MARKETING_WORDS = {
    MARKETING_OPTED_OUT: gettext_lazy("You have opted out: we never use your details for marketing."),
    MARKETING_OPTED_IN: gettext_lazy("We may tell you about our programs by mail or e-mail."),
}


# An item held whose value is a structure only its owning app can put in words (the disconnection-protection
# facts are collecting's, a layer above this one): field → its value → rows of (label, value in words). The
# owning app registers its reader when it is ready.
_VALUE_WORDS: dict[str, Callable[[str], list[tuple[str, str]]]] = {}


def value_words_register(field: str, words: Callable[[str], list[tuple[str, str]]]) -> None:
    _VALUE_WORDS[field] = words


def held_in_words(field: str, label: str, value: str) -> list[tuple[str, str]]:
    """An item held as a person reads it: rows of (label, value in words); a structured value (the
    protection facts) gives a row for each fact held, the marketing choice the portal's sentence for it,
    any other value itself."""
    if field in _VALUE_WORDS:
        return _VALUE_WORDS[field](value)
    if field == "marketing_preference":
        return [(label, str(MARKETING_WORDS.get(value, value)))]
    return [(label, shown_words(field, value))]


def coded(key, label) -> dict:
    """A coded item as a data file gives it: its `key`, the same in every file and every language (for the
    programs that read the file), and its `label`, the words the reader reads in their language."""
    return {"key": key, "label": str(label)}


def service_coded(service: str) -> dict:
    """A service (electricity, gas, water) and its unit, each as a key with its label."""
    unit = SERVICE_UNITS.get(service, "")
    return {
        "service": coded(service, SERVICE_WORDS.get(service, service)),
        "unit": coded(unit, UNIT_WORDS.get(service, unit)),
    }


def monthly_use_coded(bills: dict) -> list[dict]:
    """The bills' monthly use (the `meter_usage` document) as a data file gives it: per service, its key and
    label, its unit's, each month's use as a number, and each register read of its meters
    (`register_read_coded`)."""
    return [
        {
            **service_coded(service),
            "months": [{"month": m.get("month", ""), "use": m.get("total")} for m in data.get("months", [])],
            "register_reads": [register_read_coded(r) for r in data.get("reads", [])],
        }
        for service, data in sorted(bills.items())
    ]


# A register read's kind (`billing.register_reads.Kind`), as the customer reads it.
READ_KINDS = {
    "regular": gettext_lazy("a regular read"),
    "rollover": gettext_lazy("a rollover: the dials passed their maximum"),
    "meter_change": gettext_lazy("a meter change: a new meter was set"),
}


def _number(value):
    """A read's index or use as a file gives it: a number (as written when it is not one)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def register_read_coded(read: dict) -> dict:
    """One register read as a data file gives it: the meter's number, the day (year-month-day), the index
    read, its kind as a key with its words, and the use it counted since the meter's read before (none for a
    meter's first read, its starting index)."""
    kind = read.get("kind", "")
    return {
        "meter": read.get("meter", ""),
        "day": read.get("on", ""),
        "index": _number(read.get("index")),
        "kind": coded(kind, READ_KINDS.get(kind, kind)),
        "use": _number(read.get("use")),
    }


def register_read_rows(bills: dict) -> list[list[str]]:
    """Every register read the usage document holds (read at the desk, from a file of reads or at a move),
    in words: the service, the meter's number, the day, the index read with its unit, the kind of read."""
    return [
        [
            str(SERVICE_NAMES.get(service, service)),
            r.get("meter", ""),
            day_words(r.get("on")),
            f"{_as_held(r.get('index'))} {UNIT_WORDS.get(service, '')}".strip(),
            str(READ_KINDS.get(r.get("kind", ""), r.get("kind", ""))),
        ]
        for service, data in sorted(bills.items())
        if isinstance(data, dict)
        for r in data.get("reads", [])
    ]


def _as_held(value) -> str:
    """A number as it is held, in the reader's locale: grouped, its decimals kept and none added (an index as
    the meter shows it, "12,345.5"; a month's figure, "42.5 kW", "4,053.482 kWh"): a float without the ".0"
    of a whole one."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return number_format(Decimal(str(value)), force_grouping=True)
    except (ArithmeticError, ValueError):
        return str(value)


def kind_in_words(media_type: str) -> str:
    """A file's kind as a person names it: text, a PDF file, a picture, or a file."""
    if media_type.startswith("image/"):
        return _("picture")
    return str(KINDS.get(media_type, gettext_lazy("file")))


def document_label(ref: str, filename: str, text: str = "") -> str:
    """What a document held is, by its reference (and, for a letter or e-mail we sent, its subject)."""
    parts = ref.split(":")
    if parts[0] == "request" and len(parts) > 2:
        if parts[2] == "message":
            return _("Your message, request #%(id)s") % {"id": parts[1]}
        if parts[2] == "note":
            return _("A note our staff wrote about your request #%(id)s") % {"id": parts[1]}
        return _("A file you sent (%(file)s), request #%(id)s") % {"file": filename, "id": parts[1]}
    if parts[0] == "outbox":
        subject = content_parse(text)[0].get("Subject", "") if text and parts[-1] == "text" else ""
        if parts[-1] == "printed":
            return _("The printed copy of a letter we sent you (#%(id)s)") % {"id": parts[1]}
        if subject:
            return _("A letter or e-mail we sent you: %(subject)s") % {"subject": subject}
        return _("A letter or e-mail we sent you (#%(id)s)") % {"id": parts[1]}
    if parts[0] == "consent":
        return _("The words of a consent you gave")
    if parts[0] == "consent-scan":
        return _("The signed consent form you gave us")
    if parts[0] == "disagreement":
        return _("Your statement of disagreement (request #%(id)s)") % {"id": parts[1]}
    if parts[0] == "representative":
        return _("The document that gives your representative authority")
    if ref.startswith(EMAIL_CHANGE_REF_PREFIX):
        return _("A new e-mail address you asked us to change to, waiting for your confirmation")
    return filename or _("A document you gave us")


# The header lines of a letter or e-mail we sent as it is kept (`outbox.services.content_text`), and the
# values we wrote in them, in the customer's words.
MESSAGE_HEADERS = {
    "Channel": pgettext_lazy("message header", "Channel"),
    "To": pgettext_lazy("message header", "To"),
    "Subject": pgettext_lazy("message header", "Subject"),
    "Language": pgettext_lazy("message header", "Language"),
    "Mailed-To": pgettext_lazy("message header", "Mailed to"),
}
MESSAGE_HEADER_VALUES = {
    "e-mail": gettext_lazy("E-mail"),
    "letter": gettext_lazy("Letter"),
    "the name on file": gettext_lazy("the name on file"),
    "the name and mailing address on file": gettext_lazy("the name and mailing address on file"),
    # Why a letter was kept in My account rather than mailed (`outbox.services.KEPT_ONLINE`); the first as
    # letters kept before it was worded so say it.
    "My account (paperless billing: not mailed)": gettext_lazy("My account (paperless billing: not mailed)"),
    PAPERLESS: gettext_lazy("My account (paperless billing)"),
    FOR_THE_REPRESENTATIVE: gettext_lazy("My account (for the representative who made the request)"),
}


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def message_text_in_words(ref: str, text: str) -> str:
    """The text of a letter or e-mail we sent, its header lines (channel, to whom, subject, language, the
    address it was mailed to) in the active language; any other document's text as it is."""
    if not (ref.startswith("outbox:") and ref.endswith(":text")) or not text.startswith("Channel: "):
        return text
    headers, body = content_parse(text)
    said = {
        name: _language_name(value) if name == "Language" else str(MESSAGE_HEADER_VALUES.get(value, value))
        for name, value in headers.items()
    }
    lines = [f"{MESSAGE_HEADERS.get(name, name)}: {value}" for name, value in said.items()]
    return "\n".join(lines) + "\n\n" + body


def notice_words(key: str) -> str:
    """What a notice told the customer when an item was collected (Minn. Stat. § 13.04 subd. 2): why we
    asked, in their language, from the policy file."""
    notice = current_policy().notices.get(key)
    return notice.in_language().purpose if notice is not None else ""


# Where a month's figure comes from, by the source of the readings added up (`ReadingSource`): the
# utility's meter, a file staff imported, the customer's own upload; never one told as another's.
ADDED_UP_FROM = {
    ReadingSource.METER: gettext_lazy("the meter readings we hold, added up"),
    ReadingSource.STAFF_FILE: gettext_lazy("the readings of a file our staff imported, added up"),
    ReadingSource.UPLOAD: gettext_lazy("the readings of a file you uploaded, added up"),
}
# A demand series' month is its peak (`month_figure`), in kW: nothing of it is added up.
PEAK_OF = {
    ReadingSource.METER: gettext_lazy("the highest of the meter readings we hold"),
    ReadingSource.STAFF_FILE: gettext_lazy("the highest of the readings of a file our staff imported"),
    ReadingSource.UPLOAD: gettext_lazy("the highest of the readings of a file you uploaded"),
}
DEMAND_UNIT = "kW"


def monthly_rows(bills: dict, readings: dict[str, dict[str, dict[str, float]]]) -> list[list[str]]:
    """The monthly table: each service's months from the bills, and every other month that readings held
    come to (`monthly_use_held`: by their source, the meter's or a file's; a demand series' peak, not a
    sum), each saying where its figure comes from; a month held from more than one source has a row for
    each."""
    billed = {
        (service, m.get("month", ""), ""): (m.get("total", ""), data.get("unit", ""))
        for service, data in bills.items()
        for m in data.get("months", [])
    }
    months_billed = {(service, month) for service, month, _source in billed}
    added = {
        (service, month, source): (
            round(total, 3),
            DEMAND_UNIT if is_demand(service) else SERVICE_UNITS.get(service, ""),
        )
        for service, months in readings.items()
        for month, totals in months.items()
        if (service, month) not in months_billed
        for source, total in totals.items()
    }
    order = {source: n for n, source in enumerate(ADDED_UP_FROM)}
    rows = []
    for (service, month, source), (total, unit) in sorted(
        {**billed, **added}.items(), key=lambda item: (*item[0][:2], order.get(item[0][2], -1))
    ):
        told = PEAK_OF if is_demand(service) else ADDED_UP_FROM
        said = _("your bill") if not source else told.get(source, told[ReadingSource.STAFF_FILE])
        # A series other than a service's delivered use (demand, net, a second usage point) by its words in
        # the reader's language (`Electric (demand)`), never the store's key.
        name = (
            str(SERVICE_NAMES[service])
            if service in SERVICE_NAMES
            else capfirst(series_names(service).in_language())
        )
        # The figure as held (a bill's total as the bill gives it, readings' to the thousandth the store
        # keeps): the customer's copy of their data rounds nothing away (42.5 kW is never 42).
        rows.append([name, month_words(month), f"{_as_held(total)} {unit}".strip(), str(said)])
    return rows
