"""What a customer's own Green Button file may hold, for the upload page to say before they choose one: read
from what the import enforces, never a second copy of its numbers. The period from the same
`intervals.upload_bounds` the upload is held to (the retention schedule's `interval_readings` item), the
meter's most from its `ReadingBounds.most`, the size from `bounds.upload_limit` (the form's and the upload
handler's limit), the CSV layout's columns, units and separators from the CSV reader's own constants."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import gettext

from custodian.bounds import upload_limit
from custodian.dates import day_words
from custodian.policy.loader import current_policy
from custodian.usage.greenbutton_import import CSV_COLUMNS, CSV_UNIT_NAMES
from custodian.usage.intervals import upload_bounds
from custodian.usage.services.presentation import UNIT_WORDS
from custodian.vault.gate import Actor
from custodian.vault.interval_files import LOCAL

# The unit each service's most is asked in, as the import reads it (`ReadingBounds.most`: in the file's unit,
# powerOfTenMultiplier applied), and the factor to the unit the usage page writes it in (`UNIT_WORDS`).
_ASKED_IN = {"electric": ("Wh", 0.001), "gas": ("therm", 1), "water": ("gal", 1)}


@dataclass(frozen=True)
class UploadTerms:
    """The bounds of a customer's own upload in words of the active language."""

    since: str  # the first day a reading may start on
    kept_for: str  # how long interval readings are kept under the retention schedule ("3 years")
    meter: str  # the meter whose most is said ("a home's meter")
    most_an_hour: dict[str, str]  # service → the most its meter reads in an hour, with the unit
    megabytes: int  # the largest file taken
    columns: str  # the CSV layout's columns
    units: str  # the CSV layout's units


def upload_terms(*, fetched_by: Actor, customer_id: int) -> UploadTerms:
    """The terms a file the customer uploads is held to (`upload_bounds`: asked by the customer, or their
    representative, of their own records), for the upload page."""
    bounds = upload_bounds(fetched_by=fetched_by, customer_id=customer_id)
    item = current_policy().retention_schedule["interval_readings"]
    most = {}
    for service, (unit, factor) in _ASKED_IN.items():
        amount = number_format(bounds.most(service, unit, 3600) * factor, decimal_pos=0, force_grouping=True)
        most[service] = f"{amount} {UNIT_WORDS[service]}"
    return UploadTerms(
        since=day_words(datetime.fromtimestamp(bounds.since, LOCAL).date()),
        kept_for=item.period_words(),
        meter=gettext(bounds.meter()),
        most_an_hour=most,
        megabytes=upload_limit() // 2**20,
        columns=", ".join(CSV_COLUMNS),
        units=CSV_UNIT_NAMES,
    )
