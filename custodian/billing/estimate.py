"""Amounts the bill's own arithmetic (`compute.bill_compute`: customer charge, blocks and season, cost
adjustment, franchise fee and sales tax) gives outside a bill run: a month's bill at the rate in force today,
for what a page or a letter tells a customer about their use (the neighbour comparison's cost), with the
tariff's version in force on the day asked for applied to the month, whatever version billed it; the bill
so far of the days after a billed period (Green Button's billToDate); and each interval's share of its
month's bill (the Green Button CSV's COST)."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from custodian.billing.compute import Usage, bill_compute, cycle_bounds
from custodian.billing.selectors import BILL_CATEGORY
from custodian.billing.tariff import Tariff, current_tariff
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account
from custodian.usage.services.costs import cost_estimator_register
from custodian.vault.gate import Actor
from custodian.vault.interval_files import month_bounds, months_between


def month_cost_estimate(
    *,
    service: str,
    quantity: float | Decimal,
    month: str,
    heating_fuel: str = "",
    customer_class: str = CustomerClass.RESIDENTIAL,
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


def days_billed_price(
    *, service: str, quantity: Decimal, first: date, last: date, customer_class: str, heating_fuel: str
) -> Decimal:
    """What a bill would come to for `quantity` of `service` used from `first` to `last` (local days): the
    bill's own arithmetic at the tariff in force on those days, the customer charge for the days alone, the
    use shared by days where the span crosses a month (each month is its own cycle)."""
    if last < first:
        return Decimal("0.00")
    tariff, total, days = current_tariff(), Decimal("0.00"), Decimal((last - first).days + 1)
    day = first
    while day <= last:
        cycle_last = min(last, cycle_bounds(f"{day:%Y-%m}")[1])
        share = quantity * Decimal((cycle_last - day).days + 1) / days
        total += bill_compute(
            tariff,
            cycle=f"{day:%Y-%m}",
            customer_class=customer_class,
            heating_fuel=heating_fuel,
            period=(day, cycle_last),
            usages=[Usage(service, share)],
        ).total
        day = cycle_last + timedelta(days=1)
    return total


def customer_days_prices(customer_id: int) -> Callable[[int, str], Callable[[Decimal, date, date], Decimal]]:
    """For one customer's bills: (account, service) → `days_billed_price` at that account's class and heating
    fuel. Every account of the customer is read in one query, when a price is first asked for (a download
    whose summaries have no current use reads nothing)."""
    rates: dict[int, dict[str, str]] = {}

    def of_account(account_id: int, service: str) -> Callable[[Decimal, date, date], Decimal]:
        def price(quantity: Decimal, first: date, last: date) -> Decimal:
            if not rates:
                rows = Account.objects.filter(customer_id=customer_id).values_list(
                    "pk", "customer__customer_class", "premise__heating_fuel"
                )
                rates.update({pk: {"customer_class": c, "heating_fuel": f} for pk, c, f in rows})
            rate = rates[account_id]
            return days_billed_price(service=service, quantity=quantity, first=first, last=last, **rate)

        return price

    return of_account


def _month_use_price(tariff: Tariff, month: str, service: str, quantity: Decimal, rate: dict) -> Decimal:
    """What `quantity` used over `month` adds to its bill at the tariff in force then: the bill for it less
    the bill for none (the customer charge and its taxes belong to no interval)."""
    period = cycle_bounds(month)

    def bill(used: Decimal) -> Decimal:
        return bill_compute(tariff, cycle=month, period=period, usages=[Usage(service, used)], **rate).total

    return bill(quantity) - bill(Decimal(0))


def interval_costs(
    *, service: str, readings: Sequence[tuple[int, int, float]], customer_class: str, heating_fuel: str
) -> list[Decimal | None]:
    """Each reading's cost (readings: UTC start, seconds, use in the service's billing unit): its share of
    what its local month's use adds to the month's bill at the tariff in force that month (use, cost
    adjustment, sewer, and the franchise fee and sales tax on them), at the month's average price. The
    amounts are rounded half up to the cent as running totals, so a month's intervals add up to the month's
    priced use to the cent. None for a reading that crosses a month's end or falls before the tariff's first
    version: nothing to price it by. Two bills computed a month, the rest by arrays (a year of quarter
    hours is 35,000 readings)."""
    tariff, rate = current_tariff(), {"customer_class": customer_class, "heating_fuel": heating_fuel}
    out: list[Decimal | None] = [None] * len(readings)
    if not len(readings):
        return out
    table = np.asarray(readings, dtype=np.float64).reshape(-1, 3)
    starts, ends, used = (
        table[:, 0].astype(np.int64),
        (table[:, 0] + table[:, 1]).astype(np.int64),
        table[:, 2],
    )
    for month in months_between(int(starts.min()), int(starts.max()) + 1):
        begin, end = month_bounds(month)
        held = np.flatnonzero((starts >= begin) & (starts < end) & (ends <= end))
        if not len(held):
            continue
        running = np.cumsum(used[held])
        total = Decimal(str(round(float(running[-1]), 6)))
        try:
            cents = int(_month_use_price(tariff, month, service, total, rate) * 100)
        except LookupError:  # before the tariff's first version
            continue
        share = running / running[-1] if running[-1] else np.zeros(len(held))
        upto = np.floor(cents * share + 0.5).astype(np.int64)
        upto[-1] = cents  # the month's last interval closes it to the cent
        for i, amount in zip(held.tolist(), np.diff(upto, prepend=0).tolist(), strict=True):
            out[i] = Decimal(amount).scaleb(-2)
    return out


def customer_interval_costs(
    *, fetched_by: Actor, customer_id: int
) -> Callable[[str, Sequence], list[Decimal | None]]:
    """`interval_costs` at the customer's class and heating fuel (their newest account's: clear columns, as
    the bill run reads them); every cost None for a customer without an account. What the use costs is
    billing's figure: for the customer themself and their representative whose authority covers the bills;
    for anyone else every cost is None, as for a customer without an account (no query)."""
    rate = (
        Account.objects.filter(customer_id=customer_id)
        .order_by("-opened_on", "-pk")
        .values_list("customer__customer_class", "premise__heating_fuel")
        .first()
        if fetched_by.reads_own(customer_id, category=BILL_CATEGORY)
        else None
    )

    def costs(service: str, readings: Sequence) -> list[Decimal | None]:
        if rate is None:
            return [None] * len(readings)
        return interval_costs(
            service=service, readings=readings, customer_class=rate[0], heating_fuel=rate[1]
        )

    return costs


def register() -> None:
    cost_estimator_register(month_cost_estimate)
