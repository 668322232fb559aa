"""The period a written consent covers, and the data a disclosure under it may carry.

A consent names its data and a period: "It covers my data from <covers_from> on" (to `covers_until` when it
has one). Under a consent, every category whose data is dated (the meter usage's months and register reads,
the dates of the protection facts, bills, letters…) is cut to that period: an item dated before it (or after
it) is left out, whatever else the category holds. A category without dates (a name, an address, a bank
account) is the value as it is now, which the consent names. Every category of the policy file is on exactly
one of those two sides (`categories_sided`, held by a test), so a category added later is placed before it
can be given under a consent.

How a date is found in a stored value: a member named `month` ("2026-05": the month counts from its first
day, as Connect My Data counts a bill by the first day of its period), `on`, `day` or `date`, or a member
whose name ends in `_on` or `_at`. In a list, an item with a date outside the period is left out; in a
record, a member that is a record with such a date, or such a date itself, is emptied (`null`). A value of a
dated category that is not a stored document (JSON) has no date to place it by: it is left out.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.dates import long_date

# The value as it is now: what the consent names, whatever its date.
CURRENT = frozenset({"name", "email", "phone", "mailing_address", "service_address"}) | frozenset(
    {"account_number", "bank_account", "marketing_preference"}
)
# Dated: cut to the consent's period.
DATED = frozenset({"meter_usage", "disconnection_protection", "bills", "correspondence"})

_DAY_NAMES = ("on", "day", "date")


@dataclass(frozen=True)
class Period:
    """The days a consent covers: from `start` to `end` (None: on, until the consent is revoked)."""

    start: date
    end: date | None = None

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def words(self) -> str:
        """The period in the active language, as the customer's pages tell it."""
        if self.end is None:
            return _("data from %(start)s on") % {"start": long_date(self.start)}
        days = {"start": long_date(self.start), "end": long_date(self.end)}
        return _("data from %(start)s to %(end)s") % days

    def record_words(self) -> str:
        """The period as the accounting's record keeps it (days year-month-day, in English as its labels)."""
        if self.end is None:
            return f"dated data from {self.start.isoformat()} on"
        return f"dated data from {self.start.isoformat()} to {self.end.isoformat()}"

    def as_data(self) -> dict:
        return {"from": self.start.isoformat(), "until": self.end.isoformat() if self.end else None}


def consent_period(consent) -> Period:
    """The period `consent` covers (`covers_from`, `covers_until`)."""
    return Period(consent.covers_from, consent.covers_until)


def categories_sided() -> dict[str, str]:
    """Each category this module places, with its side: "current" or "dated"."""
    return {**dict.fromkeys(CURRENT, "current"), **dict.fromkeys(DATED, "dated")}


def gives_dated(categories) -> bool:
    """Whether any of `categories` is dated: then a disclosure under a consent says its period."""
    return bool(DATED & set(categories))


_OUT = object()


def _day_of(name: str, value) -> date | None | object:
    """The day a member stands for (None: the member is not a date; _OUT: a date that can't be read, which
    is placed outside every period)."""
    if not isinstance(name, str):
        return None
    if name == "month":
        try:
            year, month = (int(p) for p in str(value).split("-")[:2])
            return date(year, month, 1)
        except ValueError:
            return _OUT
    if name in _DAY_NAMES or name.endswith(("_on", "_at")):
        if value is None:
            return None
        try:
            text = str(value)
            if len(text) <= 10:
                return date.fromisoformat(text)
            moment = datetime.fromisoformat(
                text
            )  # a moment's day is the utility's, not the offset's it is in
            return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        except ValueError:
            return _OUT
    return None


def _outside(period: Period, name: str, value) -> bool:
    day = _day_of(name, value)
    return day is _OUT or (day is not None and not period.holds(day))


def _record_outside(period: Period, node) -> bool:
    """A record (dict) carrying a date outside the period."""
    return isinstance(node, dict) and any(_outside(period, k, v) for k, v in node.items())


def _cut(period: Period, node, kept: list):
    if isinstance(node, list):
        return [_cut(period, x, kept) for x in node if not _record_outside(period, x)]
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if _record_outside(period, v) or _outside(period, k, v):
                out[k] = None
                continue
            if _day_of(k, v) is not None:
                kept.append(v)  # a date within the period: something of the period is given
            out[k] = _cut(period, v, kept)
        return out
    return node


def in_period(period: Period, value: str) -> str | None:
    """A dated category's stored value cut to the period (the same form: JSON text); None when nothing
    dated of it falls in the period, or it has no dates to place it by."""
    try:
        document = json.loads(value or "")
    except ValueError:
        return None
    if not isinstance(document, dict | list):
        return None
    kept: list = []
    cut = _cut(period, document, kept)
    return json.dumps(cut, separators=(",", ":"), ensure_ascii=False) if kept else None


def values_in_period(period: Period, values: dict[str, str], field_category: dict[str, str]):
    """One customer's values as a disclosure under a consent gives them: a current category's as it is, a
    dated category's cut to the period; and the categories of which nothing falls in the period (said so in
    the package). A field of no known side is left out."""
    given, nothing = {}, []
    for fname, value in values.items():
        category = field_category.get(fname, "")
        if category in CURRENT:
            given[fname] = value
        elif category in DATED and (cut := in_period(period, value)) is not None:
            given[fname] = cut
        else:
            nothing.append(category or fname)
    return given, nothing
