"""Who asks a selector that keeps a customer's records (the portal's reads), for the tests of each app's
selectors: the customer themself, another customer, and the customer's representative whose authority covers
only the meter usage (no bills, no requests, no consents), registered as the service desk registers one; and
a representative of the customer with the scope and categories a test names."""

from dataclasses import dataclass

from custodian.casework.representatives import representative_actor, representative_register
from custodian.testing import EVERYTHING_BUT_BANK, power_of_attorney
from custodian.vault.gate import Actor, customer_actor


@dataclass(frozen=True)
class Askers:
    mine: Actor
    other: Actor
    usage_only: Actor


def representative_asker(customer, service_rep, *, scope=("view",), categories=EVERYTHING_BUT_BANK) -> Actor:
    rep = representative_register(authority=power_of_attorney(customer, scope, categories), by=service_rep)
    return representative_actor(rep)


def askers(customer, other_customer, service_rep) -> Askers:
    return Askers(
        mine=customer_actor(customer.pk),
        other=customer_actor(other_customer.pk),
        usage_only=representative_asker(customer, service_rep, categories=("meter_usage",)),
    )
