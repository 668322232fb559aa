"""The demo's commands create people with a published password and print sign-in codes: they run only on a
developer's machine. "Development" means DEBUG is on *and* the database holds nothing but demo data, so a
developer's shell pointed at the production database (DEBUG defaults to on) is refused as well. Demo data
takes in the members of staff added from the console after seeding: each one added by a demo persona, or by
someone a persona added, and so on (`StaffOrigin`); a production database's staff were first created on the
server's command line, by nobody in the console, so a chain of theirs never reaches a persona."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from custodian.customers.choices import CustomerClass
from custodian.demo.personas import STAFF_PERSONAS
from custodian.staff.models import StaffOrigin
from custodian.vault.models import PersonalValue

# The note on the provenance of every demo customer's values (custodian.demo.services).
DEMO_CUSTOMER_NOTE = "synthetic demo customer"
# The name of a demo staff member's authenticator; one the member enrolled themself is not a demo device.
DEMO_DEVICE_NAME = "demo authenticator"


def _added_by_the_demo(user_ids: set[int], personas: set[int]) -> set[int]:
    """Of `user_ids`, those added from the console by a demo persona, or by one added so, and so on."""
    added_by = dict(StaffOrigin.objects.values_list("user_id", "created_by_id"))
    found = set()
    for user_id in user_ids:
        seen, adder = {user_id}, added_by.get(user_id)
        while adder is not None and adder not in personas and adder not in seen:
            seen.add(adder)
            adder = added_by.get(adder)
        if adder in personas:
            found.add(user_id)
    return found


def not_demo_data() -> str:
    """What in this database is not demo data ("" when nothing is): staff accounts other than the personas
    and those the personas added from the console (`_added_by_the_demo`), customers whose account was
    opened other than by the demo."""
    staff = get_user_model().objects.filter(portal_account__isnull=True)
    usernames = [p.username for p in STAFF_PERSONAS]
    personas = set(staff.filter(username__in=usernames).values_list("pk", flat=True))
    rest = set(staff.exclude(username__in=usernames).values_list("pk", flat=True))
    others = len(rest - _added_by_the_demo(rest, personas))
    if others:
        return f"{others} staff account(s) that are not demo personas"
    customers = (
        PersonalValue.objects.filter(field="account_number", superseded_at__isnull=True)
        .exclude(provenance__note=DEMO_CUSTOMER_NOTE)
        # A number someone typed into the contact form is theirs to have written, not an account opened.
        .exclude(customer__customer_class=CustomerClass.INQUIRER)
        .count()
    )
    if customers:
        return f"{customers} customer account(s) that are not demo data"
    return ""


def refuse_outside_development(what: str) -> None:
    if not settings.DEBUG:
        raise CommandError(f"{what} is for development only, and DEBUG is off.")
    found = not_demo_data()
    if found:
        raise CommandError(
            f"{what} is for development only, and this database is not a demo database: it holds {found}."
        )
