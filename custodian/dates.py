"""A date as a letter or a page writes it in the active language: "November 3, 2026" in English, "3 de
noviembre de 2026" in Spanish (Django's own long date format for that language; English keeps the month
spelled out, where Django's would abbreviate it: `custodian/formats/en`)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, time_format
from django.utils.translation import ngettext, pgettext


def long_date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def day_words(value: date | str | None) -> str:
    """A day (a date, or the ISO day a bill's sealed content keeps) as `long_date` writes it; "" for none."""
    if not value:
        return ""
    if isinstance(value, str):  # a day, or a moment ("2026-11-28T06:16:00+00:00") told by its local day
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return long_date(value)


def month_words(cycle: date | str | None) -> str:
    """A billing cycle ("2026-10", as bills keep it) or a month as the language writes it: "October 2026",
    "octubre de 2026" (the language's YEAR_MONTH_FORMAT). What is not a month is returned as it is."""
    if not cycle:
        return ""
    if isinstance(cycle, str):
        try:
            year, month = (int(p) for p in cycle.split("-")[:2])
            cycle = date(year, month, 1)
        except ValueError:
            return cycle
    return date_format(cycle, "YEAR_MONTH_FORMAT")


def short_month(day: date) -> str:
    """A month's short name as the language writes it: "Oct" in English, "oct." in Spanish (lowercase, as
    Spanish writes its months; Django's own Spanish abbreviations mix "Ene." with "oct.")."""
    return date_format(day, pgettext("a month's short name", "M"))


def span_words(days: int) -> str:
    """A span of days as people say it: in years or months where it is a whole number of them ("3 years",
    "6 months", counting a year as 365 or 366 days and a month as 28 to 31 days a month), else in days."""
    years = round(days / 365.25)
    if years and years * 365 <= days <= years * 366:
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    months = round(days / 30.44)
    if months and months * 28 <= days <= months * 31 and months < 12:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def moment_words(moment: datetime | None) -> str:
    """A moment in the utility's time zone (the policy file's `[utility] time_zone`, Django's TIME_ZONE), as
    the language writes a date and time, with the zone's name: "November 28, 2026, 6:16 a.m. CST", "28 de
    noviembre de 2026 a las 06:16 CST"."""
    if moment is None:
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}"


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


def iso_day(text: str) -> date:
    """The day `text` writes as YYYY-MM-DD; else ValueError saying which is wrong: not written so, or written
    so but not a day of the calendar ("2026-02-31"), for staff reading an import's or a command's error."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    year, month, day = text[:4], text[5:7], text[8:10]
    if len(text) == 10 and text[4] == text[7] == "-" and (year + month + day).isdigit():
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{text!r} has no month {int(month)}: months are 01 to 12") from None
        raise ValueError(f"{text!r} is not a day of the calendar: that month has no day {int(day)}") from None
    raise ValueError(f"{text!r} is not a day written YYYY-MM-DD") from None
