"""A bill's arithmetic, with no database and no personal data access: the tariff, the billed days and the
usage in; the lines out. Everything is `Decimal`; each line is rounded to the cent by the tariff's rule.

Proration: a cycle is a calendar month. The billed period is the part of it the account was open
(move-in, move-out) and is split at the tariff's effective dates; each part carries its share of the
customer charge and of the block bounds by days, and its own usage (from daily readings where they exist,
else the cycle's usage shared by days).
"""

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from custodian.billing.tariff import Schedule, Tariff, priced_class
from custodian.bounds import month_first_day
from custodian.customers.choices import CustomerClass

THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class Usage:
    """One service's usage for the billed period: the total, whether it was estimated, and (from interval
    readings) the use of each local day, which lets a rate change mid-cycle split the use exactly."""

    service: str
    quantity: Decimal
    estimated: bool = False
    daily: dict[date, Decimal] | None = None


@dataclass(frozen=True)
class Line:
    service: str
    description: str
    quantity: Decimal | None
    unit: str
    price: Decimal | None
    amount: Decimal
    version: str

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "description": self.description,
            "quantity": None if self.quantity is None else str(self.quantity),
            "unit": self.unit,
            "price": None if self.price is None else str(self.price),
            "amount": str(self.amount),
            "version": self.version,
        }


@dataclass
class Computed:
    lines: list[Line] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@functools.lru_cache(maxsize=1024)  # asked for every account of a run, for a handful of cycles
def cycle_bounds(cycle: str) -> tuple[date, date]:
    """First and last day of a cycle written YYYY-MM; ValueError otherwise (bounds.month_first_day)."""
    first = month_first_day(cycle)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def billed_period(cycle: str, opened_on: date, closed_on: date | None) -> tuple[date, date] | None:
    first, last = cycle_bounds(cycle)
    start, end = max(first, opened_on), min(last, closed_on or last)
    return (start, end) if start <= end else None


def _segments(tariff: Tariff, start: date, end: date):
    """The billed period cut at each version's effective date: (version, first day, last day)."""
    cuts = [v.effective for v in tariff.versions if start < v.effective <= end]
    bounds = [start, *cuts, end + timedelta(days=1)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        yield tariff.version_on(a), a, b - timedelta(days=1)


def _blocks_charge(schedule: Schedule, month: int, quantity: Decimal, share: Decimal):
    """(quantity in block, price) for each block used, bounds prorated by the period's share of the cycle."""
    used, lower = [], Decimal(0)
    for block in schedule.blocks_for(month):
        upper = None if block.up_to is None else block.up_to * share
        in_block = quantity - lower if upper is None else min(quantity, upper) - lower
        if in_block > 0:
            used.append((in_block, block.price))
        if upper is None or quantity <= upper:
            break
        lower = upper
    return used


def energy_lines(
    tariff: Tariff,
    schedule: Schedule,
    *,
    month: int,
    quantity: Decimal,
    share: Decimal,
    version: str,
    tag: str = "",
) -> list[Line]:
    """The usage-priced lines of one service for one period: blocks, the cost adjustment, sewer."""
    r = tariff.round
    unit_label = schedule.unit if schedule.per_units == 1 else f"{schedule.per_units:,} {schedule.unit}"
    priced = quantity / schedule.per_units
    lines = []
    for qty, price in _blocks_charge(schedule, month, quantity, share):
        units = qty / schedule.per_units
        lines.append(
            Line(
                schedule.service,
                f"{tag}Usage",
                qty.quantize(THOUSANDTH),
                unit_label,
                price,
                r(units * price),
                version,
            )
        )
    if schedule.adjustment:
        name = "Purchased gas adjustment" if schedule.service == "gas" else "Power cost adjustment"
        lines.append(
            Line(
                schedule.service,
                f"{tag}{name}",
                quantity.quantize(THOUSANDTH),
                unit_label,
                schedule.adjustment,
                r(priced * schedule.adjustment),
                version,
            )
        )
    if schedule.sewer_price:
        lines.append(
            Line(
                schedule.service,
                f"{tag}Sewer",
                quantity.quantize(THOUSANDTH),
                unit_label,
                schedule.sewer_price,
                r(priced * schedule.sewer_price),
                version,
            )
        )
    return lines


def bill_compute(
    tariff: Tariff,
    *,
    cycle: str,
    customer_class: str,
    heating_fuel: str,
    period: tuple[date, date],
    usages: list[Usage],
) -> Computed:
    """The lines of one account's bill for one cycle."""
    first, last = cycle_bounds(cycle)
    days_in_cycle = Decimal((last - first).days + 1)
    start, end = period
    billed_days = Decimal((end - start).days + 1)
    month = first.month
    cls = priced_class(customer_class)
    out = Computed()
    r = tariff.round
    for usage in usages:
        service_lines: list[Line] = []
        last_version = None
        for version, a, b in _segments(tariff, start, end):
            schedule = version.schedule(usage.service, cls)
            days = Decimal((b - a).days + 1)
            share = days / days_in_cycle
            if usage.daily is not None:
                quantity = sum((q for d, q in usage.daily.items() if a <= d <= b), Decimal(0))
            else:
                quantity = usage.quantity * days / billed_days
            prorated = "" if share == 1 else f" ({days} of {days_in_cycle} days)"
            service_lines.append(
                Line(
                    usage.service,
                    f"Customer charge{prorated}",
                    None,
                    "",
                    None,
                    r(schedule.customer_charge * share),
                    version.version,
                )
            )
            if schedule.sewer_base_charge:
                service_lines.append(
                    Line(
                        usage.service,
                        f"Sewer base charge{prorated}",
                        None,
                        "",
                        None,
                        r(schedule.sewer_base_charge * share),
                        version.version,
                    )
                )
            service_lines += energy_lines(
                tariff, schedule, month=month, quantity=quantity, share=share, version=version.version
            )
            if version.version not in out.versions:
                out.versions.append(version.version)
            last_version = version
        subtotal = sum((line.amount for line in service_lines), Decimal(0))
        taxes = last_version.taxes
        franchise = r(subtotal * taxes.franchise_fee_percent / 100)
        if franchise:
            service_lines.append(
                Line(
                    usage.service,
                    "City franchise fee",
                    None,
                    "",
                    taxes.franchise_fee_percent,
                    franchise,
                    last_version.version,
                )
            )
        exempt = usage.service in taxes.sales_tax_exempt_services or (
            cls == CustomerClass.RESIDENTIAL
            and heating_fuel == usage.service
            and month in taxes.residential_heating_exempt_months
        )
        if not exempt:
            tax = r((subtotal + franchise) * taxes.sales_tax_percent / 100)
            service_lines.append(
                Line(
                    usage.service,
                    "Minnesota sales tax",
                    None,
                    "",
                    taxes.sales_tax_percent,
                    tax,
                    last_version.version,
                )
            )
        out.lines += service_lines
    return out


def true_up_lines(
    tariff: Tariff, *, cycle: str, customer_class: str, service: str, estimated: Decimal, actual: Decimal
) -> list[Line]:
    """The correction for a cycle billed on an estimate, now that its actual read is known: the usage lines
    at the actual read minus those at the estimate, under the estimated cycle's tariff (taxes aside)."""
    first, _ = cycle_bounds(cycle)
    version = tariff.version_on(first)
    cls = priced_class(customer_class)
    schedule = version.schedule(service, cls)

    def charge(q: Decimal) -> Decimal:
        lines = energy_lines(
            tariff, schedule, month=first.month, quantity=q, share=Decimal(1), version=version.version
        )
        return sum((line.amount for line in lines), Decimal(0))

    difference = charge(actual) - charge(estimated)
    if not difference and actual == estimated:
        return []
    return [
        Line(
            service,
            f"True-up of the {cycle} estimate "
            f"({estimated.quantize(THOUSANDTH)} estimated, {actual.quantize(THOUSANDTH)} read)",
            (actual - estimated).quantize(THOUSANDTH),
            schedule.unit,
            None,
            difference,
            version.version,
        )
    ]
