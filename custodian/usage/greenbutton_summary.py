"""Green Button UsageSummary (ESPI function blocks 15 and 16): one bill's figures for one service, and the
ESPI element the Download My Data feed carries for it (`greenbutton_export.espi_feed` places it under its
usage point). Money in hundred-thousandths of the currency, as the standard counts it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

ESPI_NS = "http://naesb.org/espi"
# ESPI units of measure of a summary's use (Wh, therm, US gallon).
SUMMARY_UOM = {"Wh": 72, "therm": 169, "gal": 128}
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
    add(element, "qualityOfReading", QUALITY_ESTIMATED if summary.estimated else QUALITY_BILLED)
    add(element, "statusTimeStamp", summary.issued)
    add(element, "commodity", commodity)
    if summary.with_cost and summary.tariff:
        add(element, "tariffProfile", summary.tariff[:256])
    return element
