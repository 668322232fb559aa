"""The Green Button (NAESB ESPI) codes Custodian writes and reads: the Atom and ESPI namespaces, a service's
kind and commodity, the units of measure it holds, and the time an Atom feed or entry is stamped with. The
Download My Data feed, its usage summaries, the import of a customer's or a meter's file and Green Button
Connect's resources all name them from here."""

import functools
from datetime import UTC, datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from custodian.customers.choices import Service

ATOM_NS = "http://www.w3.org/2005/Atom"
ESPI_NS = "http://naesb.org/espi"

# A service's ServiceKind and commodity (ServiceKind 0 electricity, 1 gas, 2 water; commodity 1 electricity,
# 7 natural gas, 9 potable water).
SERVICE_KIND_COMMODITY = {Service.ELECTRIC: (0, 1), Service.GAS: (1, 7), Service.WATER: (2, 9)}
# A usage point's ServiceKind → the service.
SERVICE_OF_KIND = {kind: service.value for service, (kind, _commodity) in SERVICE_KIND_COMMODITY.items()}

# A unit → its ESPI unit of measure: Wh and W (a kW is W with powerOfTenMultiplier 3), therm, ft³ (a CCF is
# ft³ with powerOfTenMultiplier 2), m³ and US gallon.
UOM = {"Wh": 72, "W": 38, "therm": 169, "ft3": 119, "m3": 42, "gal": 128}
# An ESPI unit of measure → the unit.
UNIT_OF_UOM = {uom: unit for unit, uom in UOM.items()}

# A reading from a Green Button file (the customer's own upload in the portal, or a file staff imported for a
# request), not one the utility's meter read (`vault.choices.METER_READINGS`): ESPI has no code of its own
# for that, so in Download My Data it carries QualityOfReading 16 ("other": a characteristic other than those
# defined) beside any quality the file gave it, and the feed says in words what the 16 means (`FILE_WORDS`,
# in the reading type's and the blocks' titles; the CSV's NOTES column says the same of each reading), in the
# download's language.
# Connect My Data serves no such reading at all.
QUALITY_FROM_A_FILE = 16
FILE_WORDS = gettext_lazy(
    "from a Green Button file (the customer's upload or one staff imported), not read by the utility's meter"
)


def atom_time(moment: datetime) -> str:
    """A moment as an Atom feed's `updated` and `published` carry it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# A CSV row's TYPE: what the row measured, in the download's language ("electric usage", "consumo de
# electricidad"). The import reads a row's service back from these words in every language the site speaks
# (`csv_type_service`), and from another utility's file by its first word ("Electric usage" → electric).
CSV_TYPES = {
    Service.ELECTRIC: pgettext_lazy("a Green Button CSV row's TYPE", "electric usage"),
    Service.GAS: pgettext_lazy("a Green Button CSV row's TYPE", "gas usage"),
    Service.WATER: pgettext_lazy("a Green Button CSV row's TYPE", "water usage"),
}


@functools.cache
def csv_types_read() -> dict[str, str]:
    """Each CSV TYPE's words, in every language of the site, lower-cased → the service they name."""
    read = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            read.update({str(words).casefold(): str(service) for service, words in CSV_TYPES.items()})
    return read


def csv_type_service(words: str) -> str | None:
    """The service a CSV TYPE names in the words of one of our downloads, in any language; None otherwise."""
    return csv_types_read().get(" ".join(words.split()).casefold())
