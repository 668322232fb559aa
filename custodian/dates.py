"""A date as a letter or a page writes it in the active language: "November 3, 2026" in English, "3 de
noviembre de 2026" in Spanish (Django's own long date format for that language; English keeps the month
spelled out, where Django's would abbreviate it: `custodian/formats/en`)."""

from datetime import date

from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, time_format
from django.utils.translation import pgettext


def long_date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def office_hours(hours) -> str:
    """The office's opening hours (the policy file's `[utility] hours`) in the active language, its day names
    and its way of writing the time: "Monday–Friday, 8 a.m.–4:30 p.m.", "de lunes a viernes, de 08:00 a
    16:30". "" where the policy file gives none."""
    if not hours:
        return ""
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    first, last = (WEEKDAYS[days.index(hours[k])] for k in ("first_day", "last_day"))
    opens, closes = (time_format(hours[k], "TIME_FORMAT") for k in ("opens", "closes"))
    return pgettext("the office's hours", "%(first)s–%(last)s, %(opens)s–%(closes)s") % {
        "first": first,
        "last": last,
        "opens": opens,
        "closes": closes,
    }
