"""What the demo knows about the utility it generated."""

import json

from django.utils import timezone

from custodian.customers.models import Customer
from custodian.demo.generator import (
    SIMILAR_HOMES_FROM,
    SIMILAR_HOMES_MARGIN,
    account_number,
    application,
    demo_collections_cases,
    demo_portal_index,
)
from custodian.disclosures.models import Vendor
from custodian.policy.loader import current_policy
from custodian.portal.models import PortalAccount
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

    The first of the demo's customers (then of its similar homes) whose home has a comparison to show and who
    is not online yet (the demo's portal customer is). The kWh figure is generated again from the seed and
    the day the customer was created (the generator is deterministic), so nothing is read through the gate
    and no system job is borrowed to print it."""
    similar = range(SIMILAR_HOMES_FROM, SIMILAR_HOMES_FROM + min_homes() + SIMILAR_HOMES_MARGIN)
    for index in [*range(tries), *similar]:
        customer_id = demo_customer_id(seed, index)
        if customer_id is None or not group_months_of([customer_id]):
            continue
        if PortalAccount.objects.filter(customer_id=customer_id).exists():
            continue
        figures = demo_sign_up_figures(seed=seed, index=index)
        if figures is not None:
            return figures
    return None


def demo_portal_sign_in(*, seed: int = 1) -> str:
    """The address the demo's portal customer signs in with (`services.demo_portal_sign_in_ensure`), generated
    again from the seed; "" when they are not online."""
    index = demo_portal_index(seed)
    customer_id = None if index is None else demo_customer_id(seed, index)
    if (
        customer_id is None
        or not PortalAccount.objects.filter(customer_id=customer_id, confirmed_at__isnull=False).exists()
    ):
        return ""
    return application(seed, index, timezone.localdate()).personal.get("email", "")


def min_homes() -> int:
    """The policy file's minimum of homes a comparison is computed from."""
    return current_policy().aggregation["min_customers"]


def demo_sign_up_figures(*, seed: int, index: int) -> tuple[str, int] | None:
    """(account number, last month's electricity in kWh) of demo customer `index`: what the portal's sign-up
    asks, generated again from the seed (nothing read through the gate)."""
    customer_id = demo_customer_id(seed, index)
    if customer_id is None:
        return None
    created = Customer.objects.values_list("created_at", flat=True).get(pk=customer_id)
    usage = json.loads(application(seed, index, timezone.localdate(created)).personal["meter_usage"])
    months = usage.get("electric", {}).get("months", [])
    return (account_number(seed, index), round(months[-1]["total"])) if months else None


def demo_collections_examples(*, seed: int = 1, limit: int = 2) -> dict[str, list[tuple[str, int]]]:
    """Demo customers to show billing and collections with, by case: past due, under the Cold Weather Rule
    with a payment agreement kept, waiting for an agreement; each as its sign-up figures."""

    count = Customer.objects.count()
    if not count:
        return {}
    created = Customer.objects.order_by("pk").values_list("created_at", flat=True).first()
    cases = demo_collections_cases(count=count, seed=seed, today=timezone.localdate(created))
    protected = set(cases.cold_weather) | set(cases.agreement_requested)
    groups = {
        "past due": [i for i in cases.past_due if i not in protected],
        "under the Cold Weather Rule, payment agreement kept": cases.cold_weather,
        "past due, asked for a payment agreement": cases.agreement_requested,
    }
    out = {}
    for label, indexes in groups.items():
        found = [f for i in indexes[:limit] if (f := demo_sign_up_figures(seed=seed, index=i)) is not None]
        if found:
            out[label] = found
    return out


def demo_vendors() -> list[tuple[int, str, str]]:
    """The demo's vendors (id, name, function), for the welcome text."""
    return list(Vendor.objects.order_by("pk").values_list("pk", "name", "function"))
