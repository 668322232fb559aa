"""A UsageSummary's current-period figures (ESPI: the days around its statusTimeStamp and the period after
the one billed) from the usage point's own readings: each figure checked against the readings it sums, the
feed valid against the schema with them in the schema's order, and a figure left out, never guessed, where
the readings held do not cover its whole span; billToDate the current period's use priced by the bill's
arithmetic, only with costs."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from custodian.billing.usage_summary import summaries_attach
from custodian.testing.billing import NS, number, schema_valid
from custodian.usage.greenbutton_export import (
    MeterReadingExport,
    ReadingColumns,
    UsagePointExport,
    espi_feed,
)
from custodian.usage.greenbutton_summary import UsageSummaryExport, points_with_current_period
from custodian.vault.interval_files import LOCAL


def midnight(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=LOCAL).timestamp())


# October 2026 billed, the bill issued on 3 November: the current period is 1 and 2 November (1 November
# is the day daylight saving time ends: 25 hours). A year earlier in ISO weeks: 2 November 2026 is the
# Monday of week 45, so 3 November 2025; 3 November 2026 → 4 November 2025.
BILLED = (date(2026, 10, 1), date(2026, 11, 1))
ISSUED = date(2026, 11, 3)
WINDOWS = [(date(2025, 10, 28), date(2025, 11, 8)), (date(2026, 10, 28), date(2026, 11, 4))]


def hourly(value, skip: set[int] = frozenset()) -> list[tuple[int, int, float]]:
    """(start, 3600, value(start)) for every hour of the windows, UTC (every local day whole)."""
    out = []
    for first, last in WINDOWS:
        out += [(s, 3600, value(s)) for s in range(midnight(first), midnight(last), 3600) if s not in skip]
    return out


def forward_wh(start: int) -> float:
    return 400 + start // 3600 % 17 * 10


def received_wh(start: int) -> float:
    return start // 3600 % 5 * 20


def demand_w(start: int) -> float:
    return 2000 + start // 3600 % 23 * 100


def summed(value, first: date, last: date) -> int:
    """The readings' total over [first, last) local days, the slow way."""
    return sum(round(value(s)) for s in range(midnight(first), midnight(last), 3600))


def feed_of(*, skip: set[int] = frozenset(), price_to_date=None, with_cost: bool = True):
    forward = hourly(forward_wh, skip)
    point = UsagePointExport(
        key="electric",
        title="Electric service",
        service="electric",
        unit="Wh",
        # the forward flow as the interval store gives it (arrays), the others as lists of readings
        readings=ReadingColumns(*(np.array(column) for column in zip(*forward, strict=True))),
        more=[
            # given newest first: the figures, like the feed, take the readings in time order
            MeterReadingExport("Wh", hourly(received_wh)[::-1], flow_direction=19, title="received"),
            MeterReadingExport("W", hourly(demand_w), title="demand"),
        ],
    )
    bill = UsageSummaryExport(
        start=midnight(BILLED[0]),
        duration=midnight(BILLED[1]) - midnight(BILLED[0]),
        issued=midnight(ISSUED),
        unit="Wh",
        consumption=812_000.0,
        bill=Decimal("98.76"),
        with_cost=with_cost,
        price_to_date=price_to_date,
    )
    points = points_with_current_period(summaries_attach([point], {"electric": [bill]}))
    tree = schema_valid(espi_feed(subject="7", base_url="https://opu.example", usage_points=points))
    return tree.find(".//espi:UsageSummary", NS)


def figure(summary, name: str) -> tuple[int, int, int, int] | None:
    found = summary.find(f"espi:{name}", NS)
    if found is None:
        return None
    return tuple(
        number(found, f"espi:{part}") for part in ("powerOfTenMultiplier", "timeStamp", "uom", "value")
    )


def test_the_current_period_figures_are_the_readings_of_their_days_in_the_schema_order():
    summary = feed_of()
    nov1, nov2, nov3 = date(2026, 11, 1), date(2026, 11, 2), ISSUED
    assert figure(summary, "currentBillingPeriodOverAllConsumption") == (
        0,
        midnight(nov3),
        72,
        summed(forward_wh, nov1, nov3),
    )
    assert figure(summary, "previousDayOverallConsumption") == (
        0,
        midnight(nov3),
        72,
        summed(forward_wh, nov2, nov3),
    )
    assert figure(summary, "previousDayNetConsumption") == (
        0,
        midnight(nov3),
        72,
        summed(forward_wh, nov2, nov3) - summed(received_wh, nov2, nov3),
    )
    last_year_previous, last_year_status = date(2025, 11, 3), date(2025, 11, 4)
    assert last_year_previous.isocalendar()[1:] == nov2.isocalendar()[1:]
    assert figure(summary, "previousDayLastYearOverallConsumption") == (
        0,
        midnight(last_year_status),
        72,
        summed(forward_wh, last_year_previous, last_year_status),
    )
    after = last_year_status + timedelta(days=1)
    assert figure(summary, "currentDayLastYearNetConsumption") == (
        0,
        midnight(after),
        72,
        summed(forward_wh, last_year_status, after) - summed(received_wh, last_year_status, after),
    )
    # the highest demand of 1 and 2 November, at the start of its reading
    hours = range(midnight(nov1), midnight(nov3), 3600)
    peak = max(hours, key=lambda s: (demand_w(s), -s))
    assert figure(summary, "peakDemand") == (0, peak, 38, round(demand_w(peak)))
    # the day of the status time has no use yet at its first instant: no current-day figure
    assert summary.find("espi:currentDayOverallConsumption", NS) is None
    assert summary.find("espi:currentDayNetConsumption", NS) is None
    assert summary.find("espi:billToDate", NS) is None and summary.find("espi:ratchetDemand", NS) is None


def test_a_figure_whose_span_is_not_wholly_held_is_left_out():
    """An hour missing on 2 November: the previous day's figures and the current period's total and peak
    are not written (a part is never given as the whole); the last year's figures still are."""
    missing = midnight(date(2026, 11, 2)) + 7 * 3600
    summary = feed_of(skip={missing})
    for name in (
        "currentBillingPeriodOverAllConsumption",
        "previousDayOverallConsumption",
        "previousDayNetConsumption",
    ):
        assert summary.find(f"espi:{name}", NS) is None, name
    assert figure(summary, "peakDemand") is not None  # demand is held for every hour
    assert figure(summary, "previousDayLastYearOverallConsumption") is not None
    assert figure(summary, "currentDayLastYearNetConsumption") is not None


class PricedDays:
    """The bill's arithmetic as billing gives it to a summary: here $0.12 a kWh and $0.40 a day, each call
    kept to see what it was asked."""

    def __init__(self):
        self.asked = []

    def __call__(self, quantity: Decimal, first: date, last: date) -> Decimal:
        self.asked.append((quantity, first, last))
        return (quantity * Decimal("0.12") + Decimal("0.40") * ((last - first).days + 1)).quantize(
            Decimal("0.01")
        )


def test_bill_to_date_prices_the_use_since_the_billed_period_by_the_bills_arithmetic():
    """billToDate: the use of 1 and 2 November (the current period up to the status day), in kWh, priced for
    those two days, in hundred-thousandths of a dollar, after billLastPeriod as the schema orders it."""
    price = PricedDays()
    summary = feed_of(price_to_date=price)
    used_kwh = Decimal(summed(forward_wh, date(2026, 11, 1), ISSUED)) / 1000
    assert price.asked[-1] == (used_kwh, date(2026, 11, 1), date(2026, 11, 2))
    expected = (used_kwh * Decimal("0.12") + Decimal("0.80")).quantize(Decimal("0.01"))
    assert number(summary, "espi:billToDate") == int(expected * 100_000)
    names = [child.tag.split("}")[1] for child in summary]
    assert names.index("billToDate") == names.index("billLastPeriod") + 1
    assert summary.find("espi:ratchetDemand", NS) is None  # no schedule of the tariff has a demand ratchet


def test_bill_to_date_only_with_costs_and_a_current_use_held_whole():
    price = PricedDays()
    without_costs = feed_of(price_to_date=price, with_cost=False)
    assert (
        without_costs.find("espi:billToDate", NS) is None
        and without_costs.find("espi:billLastPeriod", NS) is None
    )
    missing = midnight(date(2026, 11, 2)) + 7 * 3600
    part_of_the_period = feed_of(price_to_date=price, skip={missing})
    assert part_of_the_period.find("espi:billToDate", NS) is None
    assert price.asked == []  # nothing priced that is not written
