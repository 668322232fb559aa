"""A bill as the customer reads it, in the active language: its lines grouped by service, each quantity in
the unit its rate is priced in, taxes and fees as a percent of what they are charged on, the usage with its
unit and sensibly rounded; and the ledger's entries in words of the customer's language.

A bill's sealed content is never rewritten: its lines keep the words and figures the bill run stored (in
English, quantities in the meter's unit, the fee's and the tax's percent in the rate's place). They are read
here by what they are and shown translated: a line's quantity is divided into the unit its rate is priced
per (the line's unit says "1,000 gal"); the usage's unit is the tariff's (`billing.tariff`) for the service
under the bill's version.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from custodian.billing.models import LedgerEntry
from custodian.billing.tariff import current_tariff
from custodian.customers.choices import Service
from custodian.dates import month_words

# The fee and the tax are a percent of what they are charged on: the service's charges, then with the fee.
FEE, TAX = "City franchise fee", "Minnesota sales tax"
# The words the bill run writes for each line (billing.compute), and how the customer reads them.
_DESCRIPTIONS = {
    "Customer charge": lambda: _("Customer charge"),
    "Sewer base charge": lambda: _("Sewer base charge"),
    "Usage": lambda: _("Usage"),
    "Power cost adjustment": lambda: _("Power cost adjustment"),
    "Purchased gas adjustment": lambda: _("Purchased gas adjustment"),
    "Sewer": lambda: _("Sewer"),
    FEE: lambda: _("City franchise fee"),
    TAX: lambda: _("Minnesota sales tax"),
}
_PRORATED = re.compile(r"^(?P<what>.+?) \((?P<days>\d+) of (?P<of>\d+) days\)$")
_TRUE_UP = re.compile(
    r"^True-up of the (?P<cycle>\d{4}-\d{2}) estimate "
    r"\((?P<estimated>[-\d.]+) estimated, (?P<read>[-\d.]+) read\)$"
)
_PER = re.compile(r"^(?P<per>[\d,]+) (?P<unit>\S+)$")  # "1,000 gal": priced per 1,000 gallons
# How many decimals a usage is shown with, by the tariff's unit: a meter's whole kWh and gallons, therms to
# a tenth.
_USAGE_DECIMALS = {"kWh": 0, "therm": 1, "gal": 0}


def _unit_words(unit: str, per: int = 1, *, one: bool = False) -> str:
    """A tariff unit in words of the active language, per `per` of them; `one`: as in "per kWh"."""
    if unit == "gal" and per == 1000:
        # "per thousand gallons" is "por mil galones", though 12 of them are "12 miles de galones".
        return pgettext("per unit", "thousand gallons") if one else pgettext("unit", "thousand gallons")
    if one:
        words = {"kWh": "kWh", "therm": pgettext("unit", "therm"), "gal": pgettext("unit", "gallon")}
    else:
        words = {"kWh": "kWh", "therm": pgettext("unit", "therms"), "gal": pgettext("unit", "gallons")}
    shown = words.get(unit, unit)
    return shown if per == 1 else f"{per:,} {shown}"


def service_name(service: str) -> str:
    return str(Service(service).label) if service in Service.values else service.title()


def number(value: Decimal, places: int | None = None) -> str:
    """A quantity as the bill shows it, US-style in both languages like its money: grouped by commas, to
    `places` decimals, or with every decimal it has and none trailing."""
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
    return f"{value.normalize():,f}"


def money(value) -> str:
    amount = Decimal(str(value))
    return f"{'−' if amount < 0 else ''}${abs(amount):,.2f}"


@dataclass(frozen=True)
class ShownLine:
    what: str
    quantity: str  # in the unit of the rate, with that unit; "" for a fixed charge, a fee or a tax
    rate: str  # "$0.1150 per kWh"; "6.875% of $292.00"; ""
    amount: Decimal
    version: str = ""  # the tariff version the line was priced under


@dataclass
class ShownService:
    service: str
    name: str
    lines: list[ShownLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class ShownUsage:
    name: str
    quantity: str  # "763 kWh"
    estimated: bool


def _schedule_unit(service: str, version: str) -> tuple[str, int]:
    """The unit of a service's rates under a tariff version, and how many of them a rate is priced per."""
    tariff = current_tariff()
    found = next((v for v in tariff.versions if v.version == version), None)
    for v in [found] if found else tariff.versions[::-1]:
        for (s, _cls), schedule in v.schedules.items():
            if s == service:
                return schedule.unit, int(schedule.per_units)
    return "", 1


def _description(text: str) -> str:
    prorated = _PRORATED.match(text)
    what = prorated["what"] if prorated else text
    true_up = _TRUE_UP.match(what)
    if true_up:
        return _("Correction of the %(cycle)s estimate (%(estimated)s estimated, %(read)s read)") % {
            "cycle": month_words(true_up["cycle"]),
            "estimated": number(Decimal(true_up["estimated"])),
            "read": number(Decimal(true_up["read"])),
        }
    shown = _DESCRIPTIONS[what]() if what in _DESCRIPTIONS else what
    if prorated:
        shown = _("%(charge)s (%(days)s of %(of)s days)") % {
            "charge": shown,
            "days": prorated["days"],
            "of": prorated["of"],
        }
    return shown


def _line(line: dict, base: Decimal) -> ShownLine:
    amount = Decimal(line["amount"])
    description = line["description"]
    price = None if line.get("price") in (None, "") else Decimal(line["price"])
    if description in (FEE, TAX) and price is not None:
        rate = _("%(percent)s%% of %(base)s") % {"percent": number(price), "base": money(base)}
        return ShownLine(_description(description), "", rate, amount, line.get("version") or "")
    quantity, rate = "", ""
    if line.get("quantity") not in (None, ""):
        unit, per = line.get("unit") or "", 1
        sized = _PER.match(unit)
        if sized:
            unit, per = sized["unit"], int(sized["per"].replace(",", ""))
        in_rate_unit = Decimal(line["quantity"]) / per
        quantity = f"{number(in_rate_unit)} {_unit_words(unit, per)}"
        if price is not None:
            each = _unit_words(unit, per, one=True)
            rate = _("$%(price)s per %(unit)s") % {"price": f"{price:,f}", "unit": each}
    elif price is not None:
        rate = f"${price:,f}"
    return ShownLine(_description(description), quantity, rate, amount, line.get("version") or "")


def bill_shown(content: dict) -> dict:
    """What a bill's page and PDF show of its content: `services` (each with its lines and their total, in
    the order billed) and `usage`, in the active language."""
    services: dict[str, ShownService] = {}
    charged: dict[str, Decimal] = {}  # what the fee and the tax of each service are a percent of
    for line in content.get("lines", []):
        service = line.get("service") or ""
        group = services.setdefault(service, ShownService(service, service_name(service)))
        amount = Decimal(line["amount"])
        base = charged.get(service, Decimal("0.00"))
        group.lines.append(_line(line, base))
        if line["description"] != TAX and not _TRUE_UP.match(line["description"]):
            charged[service] = base + amount
    usage = []
    for u in content.get("usage", []):
        unit, _per = _schedule_unit(u["service"], (content.get("tariff_versions") or [""])[-1])
        places = _USAGE_DECIMALS.get(unit, 3)
        quantity = f"{number(Decimal(u['quantity']), places)} {_unit_words(unit)}".strip()
        usage.append(ShownUsage(service_name(u["service"]), quantity, bool(u.get("estimated"))))
    return {"services": list(services.values()), "usage": usage}


def services_named(keys: str) -> str:
    """Services stored as their keys ("electric,gas"), named in the active language."""
    return ", ".join(service_name(k) for k in keys.split(",") if k)


_CYCLE_IN = re.compile(r"\b(\d{4}-\d{2})\b")


def entry_shown(entry: LedgerEntry) -> str:
    """A ledger entry in words of the active language, from its kind and its bill's cycle: never the memo as
    typed (in English, and on a corrected bill's credit the clerk's internal reason)."""
    kind = entry.kind
    cycle = entry.bill.cycle if entry.bill_id is not None else ""
    if not cycle:
        found = _CYCLE_IN.search(entry.memo or "")
        cycle = found[1] if found else ""
    cycle = month_words(cycle)  # "October 2026", "octubre de 2026": never "2026-10"
    Kind = LedgerEntry.Kind
    if kind == Kind.CHARGE and cycle:
        corrected = entry.bill_id is not None and entry.bill.supersedes_id is not None
        return (_("Corrected bill for %(cycle)s") if corrected else _("Bill for %(cycle)s")) % {
            "cycle": cycle
        }
    if kind == Kind.REBILL_CREDIT and cycle:
        return _("Bill for %(cycle)s replaced by a corrected bill") % {"cycle": cycle}
    if kind == Kind.LATE_FEE and cycle:
        return _("Late payment charge on the %(cycle)s bill") % {"cycle": cycle}
    if kind == Kind.LATE_FEE_REVERSAL and cycle:
        return _("Late payment charge on the %(cycle)s bill reversed: paid on time") % {"cycle": cycle}
    if kind == Kind.PAYMENT:
        return _("Payment, thank you")
    return str(entry.get_kind_display())
