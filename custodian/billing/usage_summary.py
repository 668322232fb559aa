"""Green Button UsageSummary (ESPI function blocks 15 and 16) from the customer's bills: for each current
bill whose billing period starts inside the period asked for, one summary per service it billed, with the
billing period, the use billed and (with costs) the service's part of the bill and its charges. The bills'
content is read through the gate in one read (one access event) that opens those bills and no other; a
customer without bills in the period gets no summary and no read."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from custodian.billing.content import bill_content_read
from custodian.billing.estimate import customer_days_prices
from custodian.billing.selectors import BILL_CATEGORY, current_bills_of
from custodian.customers.choices import SERVICE_UNITS
from custodian.policy.loader import current_policy
from custodian.rows import CompiledRead
from custodian.usage.greenbutton_export import UsagePointExport
from custodian.usage.greenbutton_summary import ChargeExport, UsageSummaryExport, points_with_current_period
from custodian.usage.services import default_period, point_title, usage_points_for
from custodian.vault import gate
from custodian.vault.interval_files import LOCAL

# A bill's usage unit → the Green Button unit, the factor to it and the scale (as the usage series are
# written: Wh, therms and gallons in thousandths).
SUMMARY_UNITS = {"kWh": ("Wh", 1000, 0), "therm": ("therm", 1, 3), "gal": ("gal", 1, 3)}
# ESPI ItemKind of a bill's line, by the words it starts with (after a prorated part's tag): 1 generation
# fee, 2 delivery fee, 3 usage fee, 4 administrative fee, 5 tax.
ITEM_KINDS = (
    ("Usage", 3),
    ("True-up", 3),
    ("Power cost adjustment", 1),
    ("Purchased gas adjustment", 1),
    ("Customer charge", 2),
    ("Sewer", 2),
    ("City franchise fee", 5),
    ("Minnesota sales tax", 5),
)
OTHER_ITEM_KIND = 4


def item_kind(description: str) -> int:
    words = description.split(": ", 1)[-1]
    return next((kind for start, kind in ITEM_KINDS if words.startswith(start)), OTHER_ITEM_KIND)


def _is_priced_use(description: str) -> bool:
    """The lines that price the period's use by the tariff's blocks: the bill's consumption charge. Every
    other line is an additional charge (ESPI costAdditionalDetailLastPeriod)."""
    return description.split(": ", 1)[-1].startswith("Usage")


def _midnight(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=LOCAL).timestamp())


class BillDates(NamedTuple):
    """What a summary needs of a bill besides its sealed content: clear columns only."""

    pk: int
    period_start: date
    period_end: date
    issued_on: date
    document_ref: str
    account_id: int


# Every Green Button download asks for the customer's bills' dates; the same read compiled once per process
# (as an ORM queryset of whole bills with their accounts it cost more than the rest of the summaries' work).
_BILL_DATES = CompiledRead(
    lambda customer_id: current_bills_of(customer_id).values_list(*BillDates._fields),
    customer_id=int,
)


def bill_dates(customer_id: int) -> list[BillDates]:
    """The dates and document of each of the customer's current bills, newest first."""
    return [BillDates(*row) for row in _BILL_DATES.rows(customer_id=customer_id)]


def _summaries_of(
    bill: BillDates, content: dict, *, with_cost: bool, prices
) -> dict[str, UsageSummaryExport]:
    start = _midnight(bill.period_start)
    duration = _midnight(bill.period_end + timedelta(days=1)) - start
    out = {}
    for usage in content.get("usage", []):
        service = usage["service"]
        unit, factor, power = SUMMARY_UNITS.get(SERVICE_UNITS.get(service, ""), (None, 1, 0))
        if unit is None:
            continue
        lines = [line for line in content.get("lines", []) if line.get("service") == service]
        out[service] = UsageSummaryExport(
            start=start,
            duration=duration,
            issued=_midnight(bill.issued_on),
            unit=unit,
            consumption=float(Decimal(usage["quantity"]) * factor),
            power_of_ten=power,
            estimated=bool(usage.get("estimated")),
            with_cost=with_cost,
            bill=sum((Decimal(line["amount"]) for line in lines), Decimal(0)),
            additional=[
                ChargeExport(line["description"], Decimal(line["amount"]), item_kind(line["description"]))
                for line in lines
                if not _is_priced_use(line["description"])
            ],
            tariff=", ".join(content.get("tariff_versions", [])),
            # billToDate: the use after the period priced by the bill's arithmetic, for the bill's account
            price_to_date=prices(bill.account_id, service) if with_cost else None,
        )
    return out


def bill_summaries(
    *,
    actor,
    customer_id: int,
    purpose: str,
    start: int,
    end: int,
    with_cost: bool = True,
    services: Sequence[str] | None = None,
    request_id=None,
    client_ip: str = "",
) -> dict[str, list[UsageSummaryExport]]:
    """Service → the summaries of the customer's current bills whose billing period starts in [start, end)
    (UTC epoch seconds), oldest first. Only when there are such bills is anything read: their content,
    through the gate, in one read for `purpose` (raises gate.Denied like any read)."""
    bills = [b for b in bill_dates(int(customer_id)) if start <= _midnight(b.period_start) < end]
    if not bills:
        return {}
    documents = {
        d.ref: d
        for d in gate.reveal_documents(
            actor=actor,
            customer_id=customer_id,
            category=BILL_CATEGORY,
            # Only the period's bills are opened (and answered for by the read's access event), not every
            # bill the customer has.
            refs=[b.document_ref for b in bills],
            purpose=purpose,
            request_id=request_id,
            client_ip=client_ip,
        )
    }
    out: dict[str, list[UsageSummaryExport]] = {}
    prices = customer_days_prices(int(customer_id))
    for bill in sorted(bills, key=lambda b: (b.period_start, b.pk)):
        document = documents.get(bill.document_ref)
        if document is None:
            continue
        content = bill_content_read(document.content)
        for service, summary in _summaries_of(bill, content, with_cost=with_cost, prices=prices).items():
            if services is None or service in services:
                out.setdefault(service, []).append(summary)
    return out


def summaries_attach(
    points: Sequence[UsagePointExport], summaries: dict[str, list[UsageSummaryExport]]
) -> list[UsagePointExport]:
    """The usage points with each service's summaries on its first usage point (a bill is per service, not
    per meter), each summary with the current period's figures its point's readings hold; a service billed
    with no usage point in the feed gets one holding only its summaries."""
    points = list(points)
    for service, found in sorted(summaries.items()):
        point = next((p for p in points if p.key == service), None)
        if point is None:
            unit = found[0].unit
            point = UsagePointExport(
                key=service, title=point_title(service, "bills"), service=service, unit=unit
            )
            points.append(point)
        point.summaries = list(found)
    # Each summary's current-period figures from the point's own readings, already opened for the feed.
    return points_with_current_period(sorted(points, key=lambda p: (p.service, p.key)))


def usage_points_with_bills(*, units: str = "metered", **read) -> list[UsagePointExport]:
    """Download My Data's usage points: `usage.services.usage_points_for` with its own keyword arguments
    (actor, customer_id, purpose, start, end, request_id, client_ip; a caller swaps one for the other: the
    CSV layout has no summaries), gas and water in `units`, with the summaries of the customer's bills in the
    same period (default: `default_period`), every read through the gate. An asker whose reading leaves
    the bills out (a representative whose authority covers the usage only, a purpose that does not read
    them) gets the usage without the summaries, as the CSV layout has it, rather than a refusal."""
    if read.get("start") is None or read.get("end") is None:
        read["start"], read["end"] = default_period()
    points = usage_points_for(**read, units=units)
    if not summaries_readable(actor=read["actor"], customer_id=read["customer_id"], purpose=read["purpose"]):
        return points
    return summaries_attach(points, bill_summaries(**read))


def summaries_readable(*, actor, customer_id: int, purpose: str) -> bool:
    """Whether a read of the bills' summaries would be the asker's to make: the customer's own (their
    representative's when the authority covers the bills), or staff's for a purpose that reads the bills.
    The gate still decides the read itself."""
    if actor.kind == "customer":
        return actor.reads_own(customer_id, category=BILL_CATEGORY)
    found = current_policy().purposes.get(purpose)
    return found is not None and BILL_CATEGORY in found.categories
