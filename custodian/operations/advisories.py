"""What works but is not yet as a real installation needs, for staff to see: told by `/readyz` (under
`warnings`, without failing it: nothing is broken), by `manage.py check --deploy` (Django's system check,
deploy tag) and on the console's health page, and the policy file's part on the privacy officer's retention
page. Customers meanwhile read honest words: the portal's bills page says how to pay without a card
processor, and a retention item not yet confirmed reads "(item to be confirmed)" on the public pages."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from custodian.payments.processor import processor, simulated
from custodian.policy.loader import current_policy

CHECK_IDS = {
    "payment_processor": "custodian.W001",
    "retention_schedule": "custodian.W002",
    "energy_assistance": "custodian.W003",
}


def unconfirmed_retention_items() -> list[str]:
    """The retention schedule's items the records officer has not confirmed (`confirmed = false`)."""
    return [key for key, item in current_policy().retention_schedule.items() if not item.confirmed]


def advisories() -> dict[str, str]:
    """Name → what staff should know and do; empty when there is nothing."""
    found = {}
    if processor() is None:
        found["payment_processor"] = (
            "no payment processor configured (CUSTODIAN_PAYMENT_PROCESSOR): the portal takes no card payment "
            "and tells customers to pay by mail, in person or automatically"
        )
    elif simulated() and not settings.DEBUG:
        found["payment_processor"] = "the simulated processor (CUSTODIAN_DEMO): no real payment is taken"
    items = unconfirmed_retention_items()
    if items:
        found["retention_schedule"] = (
            f"{len(items)} item(s) of the policy file's retention schedule not confirmed against the "
            f'schedule the utility adopted ({", ".join(items)}): customers read "(item to be confirmed)"; '
            "the records officer confirms each and sets `confirmed = true`"
        )
    assistance = current_policy().utility.get("energy_assistance", [])
    providers = [p["name"] for p in assistance if not p["confirmed"]]
    if providers:
        found["energy_assistance"] = (
            f"energy assistance provider(s) not confirmed ({', '.join(providers)}): notices and bills print "
            '"(to be confirmed)"; collections checks them against the Department of Commerce\'s list'
        )
    return found


@register("custodian", deploy=True)
def advisories_check(app_configs=None, **kwargs):
    """`manage.py check --deploy`: each advisory as a warning (start-up goes on)."""
    return [CheckWarning(text, id=CHECK_IDS[name], obj=name) for name, text in advisories().items()]
