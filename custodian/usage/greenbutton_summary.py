"""Green Button UsageSummary (ESPI function blocks 15 and 16): one bill's figures for one service, the
figures of the days around it that the usage point's readings give (`points_with_current_period`), and the
ESPI element the Download My Data feed carries for it (`greenbutton_export.espi_feed` places it under its
usage point). Money in hundred-thousandths of the currency, as the standard counts it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from lxml import etree

from custodian.usage.espi import ESPI_NS, UOM
from custodian.usage.intervals import UNIT_TO_BILLING
from custodian.vault.interval_files import LOCAL

# The units a summary's use is in (Wh, therm, US gallon), by their ESPI unit of measure.
SUMMARY_UOM = {unit: UOM[unit] for unit in ("Wh", "therm", "gal")}
# ESPI money: hundred-thousandths of the currency (billLastPeriod, costAdditionalLastPeriod, LineItem
# amount); the currency by its ISO 4217 number (840, US dollar).
HUNDRED_THOUSANDTHS = 100_000
CURRENCY_USD = 840
# QualityOfReading of a summary: billed on an estimate, a value computed from earlier use (8); else valid
# and acceptable for billing (19).
QUALITY_ESTIMATED, QUALITY_BILLED = 8, 19


@dataclass
class ChargeExport:
    """One line of a bill as an ESPI LineItem: its words, its amount (currency units) and its ItemKind."""

    note: str
    amount: Decimal
    item_kind: int


@dataclass(frozen=True)
class Measurement:
    """An ESPI SummaryMeasurement: a whole number `value` × 10**`power_of_ten` in the unit `uom`, at
    `time_stamp` (UTC epoch: the end of the span it sums, or the start of the reading it picks)."""

    value: int
    power_of_ten: int
    uom: int
    time_stamp: int


@dataclass
class UsageSummaryExport:
    """One bill's figures for one service (ESPI UsageSummary): the billing period, the use billed (in the
    series' unit and scale), and, with costs, the service's part of the bill and its charges other than
    the priced use (`additional`, which add up to `cost_additional`). Amounts are in currency units; the
    feed writes them in hundred-thousandths, as the standard counts them."""

    start: int  # UTC epoch of the billing period's first local midnight
    duration: int  # seconds to the local midnight after its last day
    issued: int  # UTC epoch of the day the bill was issued (statusTimeStamp)
    unit: str  # Wh | therm | gal
    consumption: float  # in `unit`
    power_of_ten: int = 0
    estimated: bool = False
    with_cost: bool = True
    bill: Decimal = Decimal(0)
    additional: Sequence[ChargeExport] = field(default_factory=list)
    tariff: str = ""
    # The current period's figures, from the usage point's readings (`with_current_period`): None where the
    # readings held do not cover the whole span a figure is of.
    current_billing_period: Measurement | None = None  # currentBillingPeriodOverAllConsumption
    current_day_last_year_net: Measurement | None = None  # currentDayLastYearNetConsumption
    peak_demand: Measurement | None = None  # peakDemand
    previous_day_last_year: Measurement | None = None  # previousDayLastYearOverallConsumption
    previous_day_net: Measurement | None = None  # previousDayNetConsumption
    previous_day: Measurement | None = None  # previousDayOverallConsumption
    # What the bill's own arithmetic makes of a use (in the bill's unit: kWh, therm, gal) from a first to a
    # last local day of the period after this one, and the amount it gave (billToDate): set by billing,
    # which holds the tariff and the customer's class; None without costs or without the current use.
    price_to_date: Callable[[Decimal, date, date], Decimal] | None = None
    bill_to_date: Decimal | None = None  # billToDate

    @property
    def cost_additional(self) -> Decimal:
        return sum((c.amount for c in self.additional), Decimal(0))


def _money(amount: Decimal) -> int:
    """An amount in currency units as ESPI writes it: whole hundred-thousandths."""
    return int((Decimal(amount) * HUNDRED_THOUSANDTHS).to_integral_value())


def usage_summary_element(summary: UsageSummaryExport, commodity: int):
    """An ESPI UsageSummary, its elements in the schema's order; the cost elements only `with_cost`."""
    element = etree.Element(f"{{{ESPI_NS}}}UsageSummary", nsmap={None: ESPI_NS})

    def add(parent, name, value=None):
        child = etree.SubElement(parent, f"{{{ESPI_NS}}}{name}")
        if value is not None:
            child.text = str(value)
        return child

    period = add(element, "billingPeriod")
    add(period, "duration", summary.duration)
    add(period, "start", summary.start)
    if summary.with_cost:
        add(element, "billLastPeriod", _money(summary.bill))
        if summary.bill_to_date is not None:
            add(element, "billToDate", _money(summary.bill_to_date))
        add(element, "costAdditionalLastPeriod", _money(summary.cost_additional))
        for charge in summary.additional:
            item = add(element, "costAdditionalDetailLastPeriod")
            add(item, "amount", _money(charge.amount))
            add(item, "note", charge.note[:256])
            add(item, "itemKind", charge.item_kind)
        add(element, "currency", CURRENCY_USD)
    used = add(element, "overallConsumptionLastPeriod")
    add(used, "powerOfTenMultiplier", -summary.power_of_ten)
    add(used, "timeStamp", summary.start + summary.duration)
    add(used, "uom", SUMMARY_UOM[summary.unit])
    add(used, "value", round(summary.consumption * 10**summary.power_of_ten))
    for name, measurement in (
        ("currentBillingPeriodOverAllConsumption", summary.current_billing_period),
        ("currentDayLastYearNetConsumption", summary.current_day_last_year_net),
        ("peakDemand", summary.peak_demand),
        ("previousDayLastYearOverallConsumption", summary.previous_day_last_year),
        ("previousDayNetConsumption", summary.previous_day_net),
        ("previousDayOverallConsumption", summary.previous_day),
    ):
        if measurement is not None:
            figure = add(element, name)
            add(figure, "powerOfTenMultiplier", measurement.power_of_ten)
            add(figure, "timeStamp", measurement.time_stamp)
            add(figure, "uom", measurement.uom)
            add(figure, "value", measurement.value)
    add(element, "qualityOfReading", QUALITY_ESTIMATED if summary.estimated else QUALITY_BILLED)
    add(element, "statusTimeStamp", summary.issued)
    add(element, "commodity", commodity)
    if summary.with_cost and summary.tariff:
        add(element, "tariffProfile", summary.tariff[:256])
    return element


# -- the current period's figures, from the usage point's readings ---------------------------------------


class _Series:
    """One series of a usage point as the feed writes it: starts and ends in time order, one reading per
    start (the last given wins, as in the feed), values as the feed's integers, with their unit and scale."""

    def __init__(self, readings, unit: str, power_of_ten: int):
        if hasattr(readings, "starts"):  # ReadingColumns: arrays from the interval store
            starts, durations, values = readings.starts, readings.durations, readings.values
        else:
            table = np.asarray(list(readings), dtype=np.float64).reshape(-1, 3)
            starts, durations, values = table[:, 0], table[:, 1], table[:, 2]
        starts = np.asarray(starts, dtype=np.int64)
        if (starts[1:] > starts[:-1]).all():  # the interval store's order: nothing to sort or drop
            last = slice(None)
        else:
            last = len(starts) - 1 - np.unique(starts[::-1], return_index=True)[1]  # ascending by start
        self.starts = starts[last]
        self.ends = self.starts + np.asarray(durations, dtype=np.int64)[last]
        self.values = np.rint(np.asarray(values, dtype=np.float64)[last] * 10**power_of_ten).astype(np.int64)
        self.uom, self.power_of_ten = UOM[unit], -power_of_ten

    def span(self, begin: int, end: int) -> slice | None:
        """The readings that make up [begin, end) exactly, one after the other with no gap; None when the
        readings held do not cover it whole (a part of a day is never given as the day)."""
        first, stop = np.searchsorted(self.starts, [begin, end])
        if stop == first or self.starts[first] != begin or self.ends[stop - 1] != end:
            return None
        if (self.starts[first + 1 : stop] != self.ends[first : stop - 1]).any():
            return None
        return slice(int(first), int(stop))

    def total(self, begin: int, end: int) -> int | None:
        held = self.span(begin, end)
        return None if held is None else int(self.values[held].sum())


def _midnight(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=LOCAL).timestamp())


def _day(day: date | None) -> tuple[int, int] | None:
    return None if day is None else (_midnight(day), _midnight(day + timedelta(days=1)))


def _a_year_before(day: date) -> date | None:
    """The same day of the week of the same ISO 8601 week a year earlier, as the schema asks of the "last
    year" figures; None when that year has no such week (week 53)."""
    year, week, weekday = day.isocalendar()
    try:
        return date.fromisocalendar(year - 1, week, weekday)
    except ValueError:
        return None


def _used(series: _Series | None, day) -> Measurement | None:
    total = None if series is None or day is None else series.total(*day)
    return None if total is None else Measurement(total, series.power_of_ten, series.uom, day[1])


def _net(forward: _Series | None, reverse: _Series | None, day) -> Measurement | None:
    """Delivered less received over a whole day: both flows held for all of it, in one unit and scale."""
    if forward is None or reverse is None or day is None:
        return None
    if (forward.uom, forward.power_of_ten) != (reverse.uom, reverse.power_of_ten):
        return None
    delivered, received = forward.total(*day), reverse.total(*day)
    if delivered is None or received is None:
        return None
    return Measurement(delivered - received, forward.power_of_ten, forward.uom, day[1])


def _peak(demand: _Series | None, begin: int, end: int) -> Measurement | None:
    held = None if demand is None or end <= begin else demand.span(begin, end)
    if held is None:
        return None
    at = int(np.argmax(demand.values[held])) + held.start
    return Measurement(int(demand.values[at]), demand.power_of_ten, demand.uom, int(demand.starts[at]))


def with_current_period(summary: UsageSummaryExport, forward, reverse, demand) -> UsageSummaryExport:
    """The summary with the figures the schema asks of the period after its billing period, as of its
    statusTimeStamp (the local midnight of the day the bill was issued), each only where the readings held
    cover its whole span:

    - currentBillingPeriodOverAllConsumption: the use from the billing period's end to that midnight;
    - peakDemand: the highest demand reading over that same span (its time stamp the reading's start);
    - previousDayOverallConsumption and previousDayNetConsumption (delivered less received): the day
      before the status day, a whole local day;
    - previousDayLastYearOverallConsumption and currentDayLastYearNetConsumption: the same ISO week and day
      of the week a year earlier, of the previous day and of the status day.

    The current day's own figures are not given: at the status time (its first instant) it has no use yet.
    Nor is ratchetDemand (no schedule of the tariff has a demand ratchet). billToDate: `with_bill_to_date`."""
    status_day = datetime.fromtimestamp(summary.issued, LOCAL).date()
    previous = status_day - timedelta(days=1)
    billed_end = summary.start + summary.duration
    current_span = (billed_end, summary.issued) if summary.issued > billed_end else None
    year_before_previous = _a_year_before(previous)
    year_before_status = _a_year_before(status_day)
    return replace(
        summary,
        current_billing_period=_used(forward, current_span),
        current_day_last_year_net=_net(forward, reverse, _day(year_before_status)),
        peak_demand=_peak(demand, billed_end, summary.issued),
        previous_day_last_year=_used(forward, _day(year_before_previous)),
        previous_day_net=_net(forward, reverse, _day(previous)),
        previous_day=_used(forward, _day(previous)),
    )


def with_bill_to_date(summary: UsageSummaryExport, per_billing_unit: float | None) -> UsageSummaryExport:
    """The summary with billToDate: the use since its billing period ended (currentBillingPeriod-
    OverAllConsumption, in the bill's unit by `per_billing_unit`) priced by the bill's arithmetic for the
    days from that end to the day before the status day, the tariff's customer charge for those days
    included. Written only with costs and where that use is written: the schema gives it only with data of
    the period after the one billed, and a use not held whole is never priced."""
    used = summary.current_billing_period
    if not summary.with_cost or summary.price_to_date is None or used is None or per_billing_unit is None:
        return summary
    first = datetime.fromtimestamp(summary.start + summary.duration, LOCAL).date()
    last = datetime.fromtimestamp(summary.issued, LOCAL).date() - timedelta(days=1)
    quantity = Decimal(used.value).scaleb(used.power_of_ten) * Decimal(str(per_billing_unit))
    return replace(summary, bill_to_date=summary.price_to_date(quantity, first, last))


def points_with_current_period(points: Sequence) -> Sequence:
    """The usage points (`greenbutton_export.UsagePointExport`), each one's summaries given the current
    period's figures from that point's own readings: its forward use, its reverse flow (for the net
    figures) and its demand, only the series the point carries (a third party's scope leaves out what it
    does not cover, and so do the figures). Nothing is read: the readings are those already opened for the
    feed."""
    for point in points:
        if not point.summaries:
            continue
        forward = reverse = demand = None
        if len(point.readings) and point.unit in UOM and point.unit != "W":
            forward = _Series(point.readings, point.unit, point.power_of_ten)
        for series in point.more:
            if series.unit == "W" and series.flow_direction == 1 and demand is None:
                demand = _Series(series.readings, series.unit, series.power_of_ten)
            elif series.flow_direction == 19 and series.unit != "W" and reverse is None:
                reverse = _Series(series.readings, series.unit, series.power_of_ten)
        per_billing_unit = None if forward is None else UNIT_TO_BILLING.get((point.service, point.unit))
        point.summaries = [
            with_bill_to_date(with_current_period(s, forward, reverse, demand), per_billing_unit)
            for s in point.summaries
        ]
    return points
