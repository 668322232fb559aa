"""A date as a letter or a page writes it in the active language: "November 3, 2026" in English, "3 de
noviembre de 2026" in Spanish (Django's own long date format for that language; English keeps the month
spelled out, where Django's would abbreviate it)."""

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format


def long_date(day: date) -> str:
    english = (translation.get_language() or settings.LANGUAGE_CODE).startswith("en")
    return date_format(day, "F j, Y" if english else "DATE_FORMAT")
