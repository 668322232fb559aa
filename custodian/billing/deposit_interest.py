"""Interest on customer deposits: Minnesota's rule, in one place.

Minn. Stat. § 325E.02 governs a deposit that a privately or publicly owned water, gas, electric, heat or
power company requires before service (a municipal utility is a publicly owned one):

- (b) interest is paid on deposits in excess of $20;
- (b) the rate is set each year: the weekly average yield of one-year United States Treasury securities
  adjusted for constant maturity for the last full week in November, rounded to the nearest tenth of one
  percent; the commissioner of commerce announces it by December 15 for all deposits held during all or
  part of the following year;
- (b) the company pays the interest at intervals it chooses, at least once a year, directly or as a credit
  on bills;
- (a) when service ends with all bills paid the deposit is returned within 45 days.

How Custodian applies it: simple interest, day by day, on the whole deposit when it is more than $20, each day
at the rate announced for its calendar year (a deposit held across New Year earns each year's rate for its
own days, over that year's 365 or 366), from the day the deposit was paid up to the day before it is
returned; each credit's sum rounded to the cent, half up. Interest is credited on the ledger at least once a
year (`deposit_interest_credit` through December 31, run by `manage.py deposit_interest`) and, for the days
since, when the deposit is returned against the final bill.

The rates: `RATES` below, one per calendar year, each with where it comes from. A year the commissioner has
announced is cited; the others are illustrative figures worked out by the statute's method, marked so, to be
replaced by the announced rate. A year with no rate here has no interest computed: the credit stops at the
end of the last year that has one and is completed when the rate is entered.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CITATION = "Minn. Stat. § 325E.02"
THRESHOLD = Decimal("20.00")  # interest is paid on deposits in excess of this
ILLUSTRATIVE = "illustrative: worked out by the statute's method, to be replaced by the announced rate"


@dataclass(frozen=True)
class Rate:
    percent: Decimal  # a year, rounded to a tenth of one percent as the statute says
    source: str


RATES: dict[int, Rate] = {
    2022: Rate(Decimal("0.2"), "announced by the Minnesota Department of Commerce for 2022"),
    2023: Rate(Decimal("4.7"), ILLUSTRATIVE),
    2024: Rate(Decimal("5.3"), ILLUSTRATIVE),
    2025: Rate(Decimal("4.4"), ILLUSTRATIVE),
    2026: Rate(Decimal("3.6"), ILLUSTRATIVE),
}


def _year_days(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def earns_interest(amount: Decimal) -> bool:
    return amount > THRESHOLD


@dataclass(frozen=True)
class Accrued:
    amount: Decimal  # to the cent
    through: date | None  # the last day counted (None: no day could be counted)
    missing_year: int | None = None  # the first year without a rate, where counting stopped


def interest_accrued(amount: Decimal, *, first_day: date, last_day: date, rates=None) -> Accrued:
    """Interest on a deposit of `amount` for the days first_day..last_day (both counted). Stops before the
    first year that has no rate (`missing_year` names it)."""
    rates = RATES if rates is None else rates
    if last_day < first_day or not earns_interest(amount):
        return Accrued(Decimal("0.00"), last_day if last_day >= first_day else None)
    total, day, through = Decimal(0), first_day, None
    while day <= last_day:
        year = day.year
        rate = rates.get(year)
        if rate is None:
            return Accrued(_cents(total), through, missing_year=year)
        end = min(last_day, date(year, 12, 31))
        days = (end - day).days + 1
        total += amount * rate.percent / 100 * days / _year_days(year)
        through, day = end, end + timedelta(days=1)
    return Accrued(_cents(total), through)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
