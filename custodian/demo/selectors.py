"""What the demo knows about the utility it generated."""

import json

from django.utils import timezone

from custodian.customers.models import Customer
from custodian.demo.generator import account_number, application
from custodian.usage.services import group_months_of
from custodian.vault.models import PersonalValue
from custodian.vault.services import blind_index_of


def demo_customer_id(seed: int, index: int) -> int | None:
    """Demo customer `index` of `seed`, found by the blind index of its account number (nothing opened)."""
    digest = blind_index_of("account_number", account_number(seed, index))
    return (
        PersonalValue.objects.filter(field="account_number", blind_index=digest, superseded_at__isnull=True)
        .values_list("customer_id", flat=True)
        .first()
    )


def demo_portal_example(*, seed: int = 1, tries: int = 60) -> tuple[str, int] | None:
    """A demo customer to sign up in the portal with: (account number, last month's electricity in kWh).

    The first of the demo's customers whose home has a comparison to show. The kWh figure is generated again
    from the seed and the day the customer was created (the generator is deterministic), so nothing is read
    through the gate and no system job is borrowed to print it."""
    for index in range(tries):
        customer_id = demo_customer_id(seed, index)
        if customer_id is None or not group_months_of([customer_id]):
            continue
        created = Customer.objects.values_list("created_at", flat=True).get(pk=customer_id)
        usage = json.loads(application(seed, index, timezone.localdate(created)).personal["meter_usage"])
        months = usage.get("electric", {}).get("months", [])
        if months:
            return account_number(seed, index), round(months[-1]["total"])
    return None
