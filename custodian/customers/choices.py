"""The customers app's choices, apart from its models so that forms and views may name them without the
models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Service(TextChoices):
    ELECTRIC = "electric", _("Electric")
    GAS = "gas", _("Natural gas")
    WATER = "water", _("Water")


SERVICE_UNITS = {Service.ELECTRIC: "kWh", Service.GAS: "therm", Service.WATER: "gal"}


class CustomerClass(TextChoices):
    RESIDENTIAL = "residential", "Residential"
    COMMERCIAL = "commercial", "Commercial"
    # Someone who wrote or called us without (yet) an account: their request and contact details only.
    INQUIRER = "inquirer", "Inquirer (no account)"


# A premise's type names the customer's accounts in the portal, in the customer's language; the other
# classes without `_()` here (and the heating fuel, whose services' names are translated) are read by staff
# only, in English.
class PremiseType(TextChoices):
    SINGLE_FAMILY = "single_family", _("Single-family home")
    MULTI_FAMILY = "multi_family", _("Apartment or multi-family")
    MANUFACTURED = "manufactured", _("Manufactured home")
    COMMERCIAL = "commercial", _("Commercial building")


# A home heated by a fuel the utility supplies is heated by one of its services, the same value under the
# same name: residential heating is exempt from sales tax on the charges of the service that heats the home
# (`billing.compute` compares the two). Any other fuel is the one member of its own.
HeatingFuel = TextChoices(
    "HeatingFuel",
    [(s.name, (s.value, s.label)) for s in (Service.GAS, Service.ELECTRIC)]
    + [("OTHER", ("other", "Other (propane, oil, wood)"))],
    module=__name__,
)


class AccountRole(TextChoices):
    OCCUPANT = "occupant", "Occupant (the customer lives or does business there)"
    # A landlord or owner who carries service for a vacant unit between tenants.
    OWNER = "owner", "Owner or landlord (vacant unit)"


class CloseReason(TextChoices):
    MOVE_OUT = "move_out", "Moved out (stop service)"
    TRANSFER = "transfer", "Service transferred to another premise in the territory"
    TENANT_MOVED_IN = "tenant_moved_in", "A tenant's account opened (owner's vacancy account ends)"


class ServiceChangeKind(TextChoices):
    STOP = "stop", _("Stop service (moving out of the territory)")
    TRANSFER = "transfer", _("Move service to another address in the territory")

    @property
    def in_a_sentence(self) -> str:
        """The request as the middle of a sentence ("Your request (stop service on …) was received"), in the
        active language: its label without the explanation in brackets, in lower case."""
        return str(self.label).split(" (")[0].lower()


class ServiceChangeStatus(TextChoices):
    REQUESTED = "requested", _("Requested")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")
