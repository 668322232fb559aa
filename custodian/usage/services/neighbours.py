"""The neighbour comparison as the portal page and the mailed letter show it: the customer's last 12 months
against their group's average and efficient homes, each month named and placed on the three-band scale
(efficient, good, more than average), the last month's cost at the current rate, and tips from the shape
of their use. One group size is told everywhere: the homes of the group in the last month shown."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import pgettext_lazy

from custodian.usage.services.costs import cost_estimate
from custodian.usage.services.peer_groups import group_services_of
from custodian.usage.services.presentation import SERVICE_WORDS, UNIT_WORDS, home_use
from custodian.usage.services.tips import tips_for
from custodian.vault.gate import Actor


@dataclass(frozen=True)
class Band:
    key: str
    label: object  # a lazy translation: read in the language of the page or letter


# The scale, best first. A home is efficient at or below its group's efficient fifth, good at or below the
# group's average, else it uses more than average.
BANDS = (
    Band("efficient", pgettext_lazy("comparison scale", "Efficient")),
    Band("good", pgettext_lazy("comparison scale", "Good")),
    Band("more", pgettext_lazy("comparison scale", "More than average")),
)
BAND_LABELS = {b.key: b.label for b in BANDS}


def band_of(kwh: float, *, average: float, efficient: float) -> str:
    return "efficient" if kwh <= efficient else "good" if kwh <= average else "more"


def month_start(month: str) -> date:
    """The first day of a month written YYYY-MM: what the page and the letter format as the month's name."""
    return date(int(month[:4]), int(month[5:7]), 1)


def scale_of(row: dict) -> list[dict]:
    """The three bands of the scale for one month with their bounds in kWh, the customer's band marked."""
    efficient, average = row["efficient"], row["average"]
    return [
        {
            "key": b.key,
            "label": b.label,
            "low": {"efficient": None, "good": efficient, "more": average}[b.key],
            "high": {"efficient": efficient, "good": average, "more": None}[b.key],
            "current": b.key == row["band"],
        }
        for b in BANDS
    ]


def costs_of(row: dict, *, heating_fuel: str = "", service: str = "electric") -> dict | None:
    """The month's bill for the service estimated at the current rate for the customer, the group's average
    home and its efficient homes (dollars), or None where no tariff prices it."""
    figures = {}
    for who in ("you", "average", "efficient"):
        amount = cost_estimate(
            service=service, quantity=row[who], month=row["month"], heating_fuel=heating_fuel
        )
        if amount is None:
            return None
        figures[who] = amount
    figures["difference"] = figures["you"] - figures["average"]
    figures["above_average"] = figures["difference"] > Decimal(0)
    figures["difference"] = abs(figures["difference"])
    return figures


def comparison_report(
    months: dict[str, float], groups: dict, shape: dict | None = None, *, service: str = "electric"
) -> dict | None:
    """A customer's report on one service from their monthly use and their group's stored months
    (PeerGroupMonth by month): the last 12 months that may be shown with the band of each, the latest
    month's scale and cost, and the service's tips (from its year and, where it has interval readings, the
    shape of its day); None when no month may be shown."""
    rows = []
    for month, kwh in sorted(months.items())[-12:]:
        g = groups.get(month)
        if g is None:
            continue
        band = band_of(kwh, average=g.average_kwh, efficient=g.efficient_kwh)
        rows.append(
            {
                "month": month,
                "month_start": month_start(month),
                "you": kwh,
                "average": g.average_kwh,
                "efficient": g.efficient_kwh,
                "homes": g.homes,
                "band": band,
                "rating": BAND_LABELS[band],
                "heating_fuel": g.heating_fuel,
            }
        )
    if not rows:
        return None
    top = max(max(r["you"], r["average"]) for r in rows) or 1
    for i, r in enumerate(rows):
        r.update(
            x=i * 48,
            you_h=round(140 * r["you"] / top),
            avg_h=round(140 * r["average"] / top),
            eff_h=round(140 * r["efficient"] / top),
        )
    latest = rows[-1]
    tips = tips_for(sorted(months.items())[-12:], shape, service)
    return {
        "service": service,
        "name": SERVICE_WORDS[service],
        "unit": UNIT_WORDS[service],
        "rows": rows,
        "latest": latest,
        "homes": latest["homes"],
        "scale": scale_of(latest),
        "costs": costs_of(latest, heating_fuel=latest["heating_fuel"], service=service),
        "tips": tips,
        "chart_w": 48 * len(rows),
        "services": [],
    }


def comparison_reports(
    months: dict[str, dict], groups: dict[str, dict], shapes: dict[str, dict | None] | None = None
):
    """A customer's report (electricity's) with their gas and water reports under `services`, each where
    their group is shown for it, each with its tips from the shape of its day in `shapes` (by service, see
    `day_shapes`); None without an electricity report (every compared home has electricity: the other
    services are told beside it)."""
    shapes = shapes or {}
    report = comparison_report(months.get("electric", {}), groups.get("electric", {}), shapes.get("electric"))
    if report is not None:
        for service in ("gas", "water"):
            other = comparison_report(
                months.get(service, {}), groups.get(service, {}), shapes.get(service), service=service
            )
            if other is not None:
                report["services"].append(other)
    return report


def my_comparison(*, actor: Actor, customer_id: int, client_ip: str = ""):
    """The customer's last 12 months against their peer group (electricity, and gas and water where their
    group is shown for them), or None when no comparison may be shown."""
    groups = group_services_of([customer_id]).get(customer_id)
    if not groups:
        return None
    months, shapes = home_use(actor=actor, customer_id=customer_id, client_ip=client_ip)
    return comparison_reports(months, groups, shapes)
