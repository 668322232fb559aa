"""A month's bill estimated at the rate in force today, for what a page or a letter tells a customer about
their use (the neighbour comparison's cost): the bill's own arithmetic (`compute.bill_compute`: customer
charge, blocks and season, cost adjustment, franchise fee and sales tax) for a whole cycle, with the
tariff's version in force on the day asked for applied to the month, whatever version billed it."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.utils import timezone

from custodian.billing.compute import Usage, bill_compute, cycle_bounds
from custodian.billing.tariff import Tariff, current_tariff
from custodian.usage.services.costs import cost_estimator_register


def month_cost_estimate(
    *,
    service: str,
    quantity: float | Decimal,
    month: str,
    heating_fuel: str = "",
    customer_class: str = "residential",
    on: date | None = None,
    tariff: Tariff | None = None,
) -> Decimal:
    """The bill for `quantity` (the service's billing unit) used over the whole of `month` (YYYY-MM), at the
    rates of the tariff version in force `on` (today), taxes and fees included, in dollars and cents."""
    tariff = tariff or current_tariff()
    version = tariff.version_on(on or timezone.localdate())
    today = replace(tariff, versions=(replace(version, effective=date.min),))
    used = Decimal(str(round(float(quantity), 3)))
    return bill_compute(
        today,
        cycle=month,
        customer_class=customer_class,
        heating_fuel=heating_fuel,
        period=cycle_bounds(month),
        usages=[Usage(service, used)],
    ).total


def register() -> None:
    cost_estimator_register(month_cost_estimate)
