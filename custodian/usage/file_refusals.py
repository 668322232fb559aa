"""Why a Green Button file, or readings of it, were refused, in words its reader reads in their language: a
file that is not text in an encoding the import reads, named by what it is (`not_text_because`), and the
readings refused counted by why (`WHY_REFUSED`, `Refusals`), so a file whose every reading was refused says
so and why, rather than that it held none.

The words are English marked for translation where they are made (`gettext_noop`, and `plural_noop` for
words with a count, read with `ngettext` where they are shown)."""

import codecs
from collections import Counter

from django.utils.translation import gettext_noop, ngettext


def plural_noop(singular: str, plural: str) -> tuple[str, str]:
    """Words with a `%(count)s`, singular and plural, marked for translation where they are made (the
    plural's `gettext_noop`); shown with `ngettext`."""
    return singular, plural


# Why a reading was refused, grouped as a reader tells the reasons apart; each refused reading is counted
# under one (`ImportResult.refuse`, and the store's own refusals in custodian.usage.intervals).
WHY_REFUSED = {
    "unreadable": plural_noop(
        "%(count)s reading that could not be read (a number, date, time or unit the layout does not allow)",
        "%(count)s readings that could not be read (a number, date, time or unit the layout does not allow)",
    ),
    "clock": plural_noop(
        "%(count)s reading at a local time the clocks skip or repeat when daylight saving changes",
        "%(count)s readings at local times the clocks skip or repeat when daylight saving changes",
    ),
    "repeated": plural_noop(
        "%(count)s reading for a start already read", "%(count)s readings for starts already read"
    ),
    "overlapping": plural_noop(
        "%(count)s reading overlapping one before it in the file",
        "%(count)s readings overlapping one before them in the file",
    ),
    "future": plural_noop("%(count)s reading that ends after now", "%(count)s readings that end after now"),
    "below_zero": plural_noop(
        "%(count)s delivered reading below zero", "%(count)s delivered readings below zero"
    ),
    "too_old": plural_noop(
        "%(count)s reading from before %(since)s, the start of the period interval readings are kept",
        "%(count)s readings from before %(since)s, the start of the period interval readings are kept",
    ),
    "beyond_meter": plural_noop(
        "%(count)s reading larger than the meter could read",
        "%(count)s readings larger than the meter could read",
    ),
    "not_described": plural_noop(
        "%(count)s reading whose meter reading, usage point or reading type the file does not describe",
        "%(count)s readings whose meter reading, usage point or reading type the file does not describe",
    ),
    "unknown_service": plural_noop(
        "%(count)s reading of a usage point whose service is not electricity, gas or water",
        "%(count)s readings of a usage point whose service is not electricity, gas or water",
    ),
    "unit": plural_noop(
        "%(count)s reading in a unit, flow direction or multiplier Custodian does not hold",
        "%(count)s readings in a unit, flow direction or multiplier Custodian does not hold",
    ),
    "meter_held": plural_noop(
        "%(count)s reading of a month held from the utility's meter, which a file does not replace",
        "%(count)s readings of months held from the utility's meter, which a file does not replace",
    ),
    "month_total": plural_noop(
        "%(count)s reading of a month reduced to its monthly total under the retention schedule",
        "%(count)s readings of months reduced to their monthly totals under the retention schedule",
    ),
    "minutes": plural_noop(
        "%(count)s reading that does not start and last whole minutes",
        "%(count)s readings that do not start and last whole minutes",
    ),
}

# A file whose every reading was refused: how many, and why (`Refusals`).
ALL_REFUSED = plural_noop(
    "the file's %(count)s reading was refused, so nothing was stored: %(reasons)s",
    "all %(count)s of the file's readings were refused, so nothing was stored: %(reasons)s",
)

# Problems that count the readings they refuse.
MORE_REFUSED = plural_noop(
    "%(count)s more reading of this MeterReading refused: %(reasons)s",
    "%(count)s more readings of this MeterReading refused: %(reasons)s",
)
BLOCK_WITHOUT_LINK = plural_noop(
    "an IntervalBlock with no `up` link and no MeterReading before it: %(count)s reading refused",
    "an IntervalBlock with no `up` link and no MeterReading before it: %(count)s readings refused",
)
BLOCK_WITHOUT_METER_READING = plural_noop(
    "an IntervalBlock whose MeterReading is not in the file: %(count)s reading refused",
    "an IntervalBlock whose MeterReading is not in the file: %(count)s readings refused",
)
METER_READING_WITHOUT_USAGE_POINT = plural_noop(
    "the MeterReading's UsagePoint is not in the file: %(count)s reading refused",
    "the MeterReading's UsagePoint is not in the file: %(count)s readings refused",
)
OF_UNKNOWN_SERVICE = plural_noop(
    "%(count)s reading of a UsagePoint of unknown service refused",
    "%(count)s readings of a UsagePoint of unknown service refused",
)
UNIT_NOT_HELD = plural_noop(
    "%(count)s reading in %(unit)s on the %(service)s usage point: not a unit Custodian holds for "
    "%(service)s; refused",
    "%(count)s readings in %(unit)s on the %(service)s usage point: not a unit Custodian holds for "
    "%(service)s; refused",
)
OF_A_MONTH_TOTAL = plural_noop(
    "%(count)s reading of %(month)s (%(series)s) refused: that month's readings were reduced to monthly "
    "totals under the retention schedule, so only the month's total is held for it; the totals held are kept",
    "%(count)s readings of %(month)s (%(series)s) refused: that month's readings were reduced to monthly "
    "totals under the retention schedule, so only the month's total is held for it; the totals held are kept",
)
NOT_WHOLE_MINUTES = plural_noop(
    "%(count)s %(series)s reading of %(month)s does not start and last whole minutes (first at %(first)s): "
    "Custodian cannot hold it; refused",
    "%(count)s %(series)s readings of %(month)s do not start and last whole minutes (first at %(first)s): "
    "Custodian cannot hold them; refused",
)
OTHERS_OF_A_METER_MONTH = plural_noop(
    "%(count)s other %(series)s reading of %(month)s: that month is held from the utility's meter, and a "
    "file's readings are not merged into it; refused",
    "%(count)s other %(series)s readings of %(month)s: that month is held from the utility's meter, and a "
    "file's readings are not merged into it; refused",
)
MORE_SCHEMA_ERRORS = plural_noop(
    "%(kind)s: %(count)s more schema error in this resource",
    "%(kind)s: %(count)s more schema errors in this resource",
)


class Refusals:
    """Readings refused, counted by why: `counts` maps (a key of `WHY_REFUSED`, its values as sorted pairs)
    to a count. Read in English (`str`, the staff console and the command) or in the active language
    (`in_language`, the customer's upload page), the largest count first, the reasons joined by "; "."""

    def __init__(self, counts: Counter):
        self.counts = counts

    def _parts(self, plural) -> list[str]:
        order = list(WHY_REFUSED)
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], order.index(item[0][0])))
        out = []
        for (why, values), count in ranked:
            if count:
                singular, several = WHY_REFUSED[why]
                out.append(plural(singular, several, count) % {"count": count, **dict(values)})
        return out

    def __str__(self) -> str:
        return "; ".join(self._parts(lambda singular, several, n: singular if n == 1 else several))

    @property
    def in_language(self) -> str:
        return "; ".join(self._parts(ngettext))


def not_text_because(data: bytes) -> str:
    """Why a file that is not XML was not read as CSV text (UTF-8 with or without its byte-order mark,
    UTF-16 with its byte-order mark, or Windows-1252: `custodian.csvfile.csv_text`), named by what the file
    is, with what to do about it."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a zip (.xlsx) or an OLE file (.xls)
        return gettext_noop(
            "the file is a spreadsheet workbook (.xlsx or .xls), not CSV: save it again from the spreadsheet "
            "as “CSV UTF-8” or “CSV (comma delimited)”"
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        return gettext_noop(
            "the file is UTF-32 text, an encoding not read here: save it again as CSV in UTF-8 (or UTF-16)"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return gettext_noop(
            "the file starts as UTF-16 text (its byte-order mark) but does not read as UTF-16 text to its "
            "end: it may be cut short or damaged; save it again, or export it again"
        )
    head = data[:512]
    if head and head.count(0) * 3 >= len(head) and (head[0::2].count(0) == 0 or head[1::2].count(0) == 0):
        return gettext_noop(
            "the file looks like UTF-16 text without its byte-order mark, so the order of its bytes is not "
            "known: save it again as CSV in UTF-8 (or UTF-16 with its byte-order mark)"
        )
    return gettext_noop(
        "the file is neither XML nor text in an encoding read here (UTF-8, UTF-16 with its byte-order mark, "
        "Windows-1252): it holds bytes no text has; save it again as CSV in UTF-8"
    )
