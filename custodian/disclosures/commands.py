"""What the export commands (and the API's token command) read first: the member of staff who decides the
disclosure (`--by`) and the vendor it goes to (`--vendor`), each refused by name when there is none."""

from django.core.management.base import CommandError

from custodian.disclosures.models import Vendor
from custodian.staff.commands import command_staff


def export_parties(*, by: str, vendor: int):
    """The active member of staff named `by` and the vendor numbered `vendor`; a CommandError naming the one
    that does not exist."""
    return command_staff(by), command_vendor(vendor)


def command_vendor(vendor: int) -> Vendor:
    """The vendor numbered `vendor`; a CommandError naming it when there is none."""
    found = Vendor.objects.filter(pk=vendor).first()
    if found is None:
        raise CommandError(f"no vendor {vendor}")
    return found
