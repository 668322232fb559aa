"""The range every id and date taken from a request must be in, checked where the request is read.

Outside it, Python is happy and the database or the calendar is not: a 24-digit id overflows a BIGINT (or
SQLite's INTEGER), a date in year 1 or 9999 overflows as soon as a day is added or a time zone applied, and
each became an HTTP 500. Each kind of input gets its checked form here, and every URL, form and API schema
uses them: a path converter for ids in URLs, form fields for ids and dates, pydantic types for the API.
Out of range is a 404 for a path (no such thing) and a 400 or 422 naming the field otherwise. A telephone
number is checked here too, for every form that takes one: a valid US number, kept in one form. And the size
of an uploaded file is bounded by one limit (settings.CUSTODIAN_UPLOAD_MAX_BYTES), the files of a request
together; only a page marked `takes_a_file` is sent one (the handler: custodian.vault.uploads).
Numbers a person types (an amount of money, a count) and a US mailing address are read here too, one rule
for every form that takes them."""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1  # the largest BIGINT: every primary key is a BigAutoField
EARLIEST = date(1970, 1, 1)  # nothing the utility holds is older; interval times are Unix seconds
LATEST = date(2999, 12, 31)
# [0-9], not \\d: \\d takes any script's digits ("２０２６-０１" would pass).
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


# A number in a file a person made (a meter reader's CSV, a Green Button CSV): ASCII digits, an optional sign
# and decimal point. int(), float() and Decimal() take any script's digits ("٣٠٠" is 300 to them, "１００"
# 100) and float() "inf", "nan" and "1_000" too, so a file's numbers are matched here before they are read.
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ASCII_WHOLE = re.compile(r"[+-]?[0-9]+")


def ascii_decimal(text: str) -> Decimal:
    """The number written in `text` with ASCII digits (blanks around it allowed); ValueError otherwise."""
    text = str(text).strip()
    if not _ASCII_NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a number written with the digits 0 to 9")
    return Decimal(text)


def ascii_whole(text: str) -> int:
    """The whole number written in `text` with ASCII digits (blanks around it allowed); else ValueError."""
    text = str(text).strip()
    if not _ASCII_WHOLE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number written with the digits 0 to 9")
    return int(text)


def month_first_day(text: str) -> date:
    """The first day of a month written YYYY-MM (a query's `?month=`, a billing cycle), between EARLIEST and
    LATEST; otherwise ValueError saying what a month looks like."""
    match = _MONTH.fullmatch(text or "")
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r:.40} is not a month written YYYY-MM")
    first = date(int(match[1]), int(match[2]), 1)
    if not EARLIEST <= first <= LATEST:
        raise ValueError(f"the month must be between {EARLIEST:%Y-%m} and {LATEST:%Y-%m}")
    return first


class IdConverter:
    """`<id:name>` in URL patterns: 1 to 18 digits (always below MAX_ID), else the route does not match."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


# A number typed in a form. Django's IntegerField and DecimalField read what int() and Decimal() read: any
# script's digits ("١٠" is 10, "１００" 100) and exponents ("1e3" is 1000), so a payment of "1e3" went to
# the processor as $1000.00. Every number a person types is one of these two fields instead (a test walks
# the forms), read only when written with the digits 0 to 9. A minus sign is read, and refused by the field's
# `min_value` in its own words ("greater than or equal to 1") unless the field takes amounts below zero.
# Thousands grouped by commas ("1,000", as bills print kWh) and a dollar sign before an amount are read too.
_WHOLE_TYPED = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
_AMOUNT_TYPED = re.compile(r"-?\$?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)")


def _number_typed(field: forms.Field, value, pattern: re.Pattern) -> str | None:
    """The number `field` was given, as `pattern` reads it, without its dollar sign and grouping commas; None
    when nothing was typed; else the field's own "invalid" error."""
    if value in field.empty_values:
        return None
    text = str(value).strip()
    if not pattern.fullmatch(text):
        raise forms.ValidationError(field.error_messages["invalid"], code="invalid")
    return text.replace("$", "").replace(",", "")


class WholeNumberField(forms.IntegerField):
    """A whole number written with the digits 0 to 9, within `min_value` and `max_value` (within MAX_ID either
    side of zero unless given: beyond, it overflows the database's integers)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid", _lazy("Enter a whole number written with the digits 0 to 9, such as 250.")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = _number_typed(self, value, _WHOLE_TYPED)
        return None if text is None else int(text)


class MoneyField(forms.DecimalField):
    """An amount in dollars written with the digits 0 to 9 and at most one decimal point ("25", "25.5",
    "25.50", "$1,000"), no more decimals than `decimal_places` (cents: 2), no exponent, between
    `min_value` (0 unless given) and `max_value`, which every amount a person types has."""

    def __init__(self, *, max_value, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid",
            _lazy("Enter an amount in dollars written with the digits 0 to 9, such as 25 or 25.50."),
        )
        super().__init__(max_value=max_value, **kwargs)

    def to_python(self, value):
        text = _number_typed(self, value, _AMOUNT_TYPED)
        return None if text is None else Decimal(text)


class IdField(WholeNumberField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class IdListField(forms.CharField):
    """Record numbers typed as a list ("44, 45 46"): each read as an `IdField` reads one (the digits 0 to 9,
    1 to MAX_ID), the list sorted without repeats. One number that isn't one is named in the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20_000)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        one = IdField()
        numbers = set()
        for item in text.replace(",", " ").split():
            try:
                numbers.add(one.clean(item))
            except forms.ValidationError:
                raise forms.ValidationError(
                    _(
                        "%(item)s is not a record number: give whole numbers from 1 to %(largest)s, "
                        "separated by commas or spaces."
                    ),
                    code="invalid",
                    params={"item": item[:30], "largest": f"{MAX_ID:,}"},
                ) from None
        return sorted(numbers)


class DateField(forms.DateField):
    """A date between EARLIEST and LATEST; outside, the form names the field and the range. Shown as the
    browser's date picker (`<input type="date">`) unless another widget is given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s."),
                code="out_of_range",
                # in words, as `custodian.dates.long_date` writes a day (a sibling module: not imported)
                params={
                    "earliest": date_format(EARLIEST, "DATE_FORMAT"),
                    "latest": date_format(LATEST, "DATE_FORMAT"),
                },
            )


def upload_limit() -> int:
    """The most a request's files hold together, and the largest file a form takes, in bytes."""
    return settings.CUSTODIAN_UPLOAD_MAX_BYTES


class FileField(forms.FileField):
    """A file of at most `max_bytes` (the upload limit unless given); a larger one is refused with `too_large`
    (unless given: "The file is over 100 MB."), the form naming the field. So is a file the upload handler
    cut short (`cut_short`: the request's files together were over the limit), whatever its own size."""

    def __init__(self, *, max_bytes: int | None = None, too_large: str | None = None, **kwargs):
        self.max_bytes, self.too_large = max_bytes, too_large
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        largest = upload_limit() if self.max_bytes is None else self.max_bytes
        if upload is not None and (upload.size > largest or getattr(upload, "cut_short", False)):
            too_large = self.too_large
            if too_large is None:
                too_large = _("The file is over {megabytes} MB.").format(megabytes=largest // 2**20)
            raise forms.ValidationError(too_large, code="too_large")
        return upload


TAKES_A_FILE = "takes_a_file"  # the mark the upload handler reads on the view the URL resolved to


def takes_a_file(view):
    """Mark `view` as one whose form takes a file: a file part sent to any other view is refused
    (`FileNotTaken`) before a byte of it is kept. Written under `@page`, over the view's rule."""
    setattr(view, TAKES_A_FILE, True)
    return view


def view_takes_a_file(request) -> bool:
    """Whether the view `request` was resolved to takes a file (none before its URL is resolved)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, TAKES_A_FILE, False)


class FileNotTaken(TooManyFilesSent):
    """A file sent to a page that takes none: a 400, the form marked unread (as for TooManyFilesSent)."""


class PhoneField(forms.CharField):
    """A US telephone number, checked with phonenumbers (Google's libphonenumber data) and kept in one form,
    507-451-2480 as on our records; anything that is not a valid US number (letters, too few digits, an
    area code that does not exist) is refused, the form naming the field, and so is a number with an extension
    (the records keep the number alone, so an extension would be lost). Empty is "" unless required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return ""
        try:
            number = phonenumbers.parse(text, "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number_for_region(number, "US"):
            raise forms.ValidationError(
                _("Enter a US telephone number with its area code, such as 507-451-2480."), code="invalid"
            )
        if number.extension:  # refused rather than dropped: the number kept would not reach the person
            raise forms.ValidationError(
                _("Enter the number without an extension: one that reaches you directly."), code="extension"
            )
        digits = str(number.national_number)
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


# A US mailing address as the Postal Service delivers it: a line with the house number and street or the PO
# box, and the ZIP code last (5 digits, or ZIP+4). Bills, notices of disconnection and letters answering a
# request go to it, so what can't be one ("-1", "a", markup, another script's digits) is refused by name.
_ZIP_LAST = re.compile(r"(?<![0-9])([0-9]{5})(?:[- ]?([0-9]{4}))?$")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more, of any alphabet ("Peña", "Ávila")
# The country written after the ZIP code, as people often do: the address is in the United States anyway.
_COUNTRY_LAST = re.compile(
    r"(?<=[0-9])[\s,]+(?:U\.?S\.?A?\.?|United States(?: of America)?)\s*$", re.IGNORECASE
)
# Delivered without a house number: held at the post office for pickup, or a ship's or unit's military post.
_NO_HOUSE_NUMBER = re.compile(r"\bgeneral delivery\b|\b[AFD]PO\b", re.IGNORECASE)


# Bidirectional embeddings, overrides and isolates make text display in an order other than the one stored
# ("Trojan Source", CVE-2021-42574): "Solar\u202eexe.liam" reads as another name. Text one person types and
# another reads (a third party's name and purpose on the customer's consent screen, a recipient's in the
# accounting of disclosures) never carries them. Invisible spaces a copy carries are dropped; the joiners
# some scripts need (U+200C, U+200D) are kept.
# The embeddings, overrides and isolates, which reorder what follows them. The marks (U+200E, U+200F, U+061C)
# only set the direction of the characters next to them and belong in names written right to left.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE_SPACES = re.compile("[\u200b\u2060\ufeff]")


# Control characters (Unicode's Cc) but the tab and line ends: an escape sequence, a bell or a backspace in
# what staff read is a terminal's or a log's command, never a person's words.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown_text(text: str) -> str:
    """`text` as another person will read it, stripped and without invisible spaces; ValueError (in words for
    the person who typed it) when it carries a control that reorders it on screen, or any other control
    character but a tab or a line end."""
    if _BIDI_CONTROLS.search(text):
        raise ValueError(_("Remove the invisible characters that change the direction of the text."))
    if _CONTROL_CHARACTERS.search(text):
        raise ValueError(_("Remove the control characters (such as an escape or a bell) from the text."))
    return _INVISIBLE_SPACES.sub("", text).strip()


class _Shown:
    """A form field whose text, once the field's own cleaning is done, is read by others (`shown_text`)."""

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return shown_text(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="control_character") from None


class ShownTextField(_Shown, forms.CharField):
    """Text typed by one person and read by others (`shown_text`): a direction control or another control
    character is the error."""


class ShownURLField(_Shown, forms.URLField):
    """A web address typed by one person and shown to others as a link's words (a third party's website on
    the customer's consent screen): a valid address may still carry a direction control, refused here."""


def mailing_address_typed(text: str) -> str:
    """The address as the person meant it: lines pasted in run into one (", "), the invisible characters a
    copy carries (soft hyphens, direction marks, zero-width spaces) dropped, the country after the ZIP code
    left out, the ZIP+4 written with its hyphen and blanks run together."""
    text = re.sub(r"\s*(?:\r\n|[\r\n\u2028\u2029])\s*", ", ", text.strip())
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = _COUNTRY_LAST.sub("", text)
    text = " ".join(text.split())
    zip_code = _ZIP_LAST.search(text)
    if zip_code and zip_code[2]:
        text = f"{text[: zip_code.start()]}{zip_code[1]}-{zip_code[2]}"
    return text


def mailing_address_problems(text: str) -> list[str]:
    """What keeps `text` (as `mailing_address_typed` leaves it) from being a US mailing address, in words for
    the person who typed it ([] if nothing does)."""
    if any(unicodedata.category(c).startswith("C") for c in text):
        return [_("Write the address on one line, without control characters.")]
    if "<" in text or ">" in text:
        return [_("Write the address without the characters < and >.")]
    if any(c.isnumeric() and c not in "0123456789" for c in text):
        return [_("Write the numbers of the address with the digits 0 to 9.")]
    zip_code = _ZIP_LAST.search(text)
    street = text[: zip_code.start()] if zip_code else text
    problems = []
    if not (re.search("[0-9]", street) and _WORD.search(street)) and not _NO_HOUSE_NUMBER.search(street):
        problems.append(
            _("Give the house number and street, or the PO box, such as 115 Elm Street or PO Box 12.")
        )
    if zip_code is None:
        street_given = not problems  # an address, but perhaps not one in the United States
        problems.append(_("End the address with its ZIP code, 5 or 9 digits, such as 55060 or 55060-1234."))
        if street_given:
            problems.append(
                _("For an address outside the United States, call or write to us and we will take it.")
            )
    return problems


class MailingAddressField(forms.CharField):
    """A US mailing address on one line (`mailing_address_problems`), its blanks run together; every form
    where a person gives where to mail them takes it. Empty is "" unless required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "street-address"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = mailing_address_typed(super().clean(value) or "")
        if not text:
            return ""
        problems = mailing_address_problems(text)
        if problems:
            raise forms.ValidationError([forms.ValidationError(p, code="invalid") for p in problems])
        return text


def _date_in_range(value: datetime) -> datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return value


ApiId = Annotated[int, Field(ge=1, le=MAX_ID)]
ApiDateTime = Annotated[datetime, AfterValidator(_date_in_range)]
