"""Rates as code: the tariff file beside the policy file, loaded and checked at start-up.

Every amount is read as an exact `Decimal` (the file writes them as strings); versions take effect on their
dates, and a bill names the version(s) it was computed under. Errors name the file, the entry and the
problem, and stop the app (TariffError is an ImproperlyConfigured).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.conf import settings

from custodian.customers.choices import CustomerClass, Service
from custodian.policy.loader import PolicyError, toml_read

SERVICES = tuple(Service.values)
# The classes a tariff prices: an inquirer has no account to bill.
CLASSES = (CustomerClass.RESIDENTIAL.value, CustomerClass.COMMERCIAL.value)
CENT = Decimal("0.01")


def priced_class(customer_class: str) -> str:
    """The class whose schedules price an account: its own, or residential's for a class no schedule names."""
    return customer_class if customer_class in CLASSES else CustomerClass.RESIDENTIAL.value


class TariffError(PolicyError):
    """A problem in the tariff file, named as the policy file's are: the file, the entry and the problem."""


@dataclass(frozen=True)
class Block:
    up_to: Decimal | None  # the block's upper bound in units per full cycle; None: everything above
    price: Decimal


@dataclass(frozen=True)
class Schedule:
    key: str
    service: str
    customer_class: str
    label: str
    unit: str
    customer_charge: Decimal
    adjustment: Decimal  # power cost adjustment (electric) or purchased gas adjustment (gas), per unit
    seasons: tuple[tuple[frozenset[int], tuple[Block, ...]], ...]
    per_units: Decimal = Decimal(1)  # water is priced per 1,000 gallons
    sewer_base_charge: Decimal = Decimal(0)
    sewer_price: Decimal = Decimal(0)

    def blocks_for(self, month: int) -> tuple[Block, ...]:
        return next(blocks for months, blocks in self.seasons if month in months)


@dataclass(frozen=True)
class Taxes:
    sales_tax_percent: Decimal
    sales_tax_exempt_services: frozenset[str]
    residential_heating_exempt_months: frozenset[int]
    franchise_fee_percent: Decimal


@dataclass(frozen=True)
class Version:
    version: str
    effective: date
    schedules: dict[tuple[str, str], Schedule]
    taxes: Taxes

    def schedule(self, service: str, customer_class: str) -> Schedule:
        return self.schedules[(service, customer_class)]


@dataclass(frozen=True)
class Tariff:
    path: Path
    status: str
    rounding: str
    due_days: int
    late_fee_percent: Decimal
    late_fee_minimum: Decimal
    versions: tuple[Version, ...]  # by effective date
    deposit_maximum: Decimal = Decimal("0")  # the largest deposit the utility asks of an account
    deposit_due_days: int = 21

    def version_on(self, day: date) -> Version:
        current = [v for v in self.versions if v.effective <= day]
        if not current:
            raise LookupError(f"no tariff version in force on {day.isoformat()}")
        return current[-1]

    def round(self, amount: Decimal) -> Decimal:
        return amount.quantize(CENT, rounding=self.rounding)


def _decimal(
    raw: dict, key: str, path: Path, entry: str, *, default=None, allow_empty=False
) -> Decimal | None:
    if key not in raw:
        if default is not None:
            return Decimal(default)
        raise TariffError(path, entry, f"missing `{key}`")
    value = raw[key]
    if allow_empty and value == "":
        return None
    if not isinstance(value, str):
        raise TariffError(path, entry, f'`{key}` must be written as a string ("0.1150"), got {value!r}')
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise TariffError(path, entry, f"`{key}` is not a number: {value!r}") from None
    if not number.is_finite() or number < 0:
        raise TariffError(path, entry, f"`{key}` must be zero or more, got {value!r}")
    return number


def _schedule(key: str, raw: dict, path: Path, entry: str) -> Schedule:
    service, cls = raw.get("service"), raw.get("customer_class")
    if service not in SERVICES:
        raise TariffError(path, entry, f"`service` must be one of {SERVICES}, got {service!r}")
    if cls not in CLASSES:
        raise TariffError(path, entry, f"`customer_class` must be one of {CLASSES}, got {cls!r}")
    seasons, covered = [], []
    for i, season in enumerate(raw.get("seasons") or []):
        where = f"{entry}.seasons[{i}]"
        months = season.get("months") or []
        if not months or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            raise TariffError(path, where, f"`months` must list months 1–12, got {months!r}")
        blocks, last = [], Decimal(0)
        raw_blocks = season.get("blocks") or []
        for j, b in enumerate(raw_blocks):
            up_to = _decimal(b, "up_to", path, f"{where}.blocks[{j}]", allow_empty=True)
            price = _decimal(b, "price", path, f"{where}.blocks[{j}]")
            if up_to is None and j != len(raw_blocks) - 1:
                raise TariffError(path, where, 'only the last block may be open-ended (`up_to = ""`)')
            if up_to is not None and up_to <= last:
                raise TariffError(path, where, "block bounds must increase")
            if up_to is not None and j == len(raw_blocks) - 1:
                raise TariffError(path, where, 'the last block must be open-ended (`up_to = ""`)')
            blocks.append(Block(up_to, price))
            last = up_to or last
        if not blocks:
            raise TariffError(path, where, "a season needs at least one block")
        seasons.append((frozenset(months), tuple(blocks)))
        covered += months
    if sorted(covered) != list(range(1, 13)):
        raise TariffError(path, entry, "the seasons must cover each month of the year exactly once")
    return Schedule(
        key=key,
        service=service,
        customer_class=cls,
        label=str(raw.get("label") or key),
        unit=str(raw.get("unit") or ""),
        customer_charge=_decimal(raw, "customer_charge", path, entry),
        adjustment=_decimal(raw, "power_cost_adjustment", path, entry, default="0"),
        seasons=tuple(seasons),
        per_units=_decimal(raw, "per_units", path, entry, default="1") or Decimal(1),
        sewer_base_charge=_decimal(raw, "sewer_base_charge", path, entry, default="0"),
        sewer_price=_decimal(raw, "sewer_price", path, entry, default="0"),
    )


def load_tariff(path: Path) -> Tariff:
    path = Path(path)
    raw = toml_read(path, what="tariff", error=TariffError)
    head = raw.get("tariff")
    if not isinstance(head, dict):
        raise TariffError(path, "tariff", "missing the [tariff] table")
    rounding = head.get("rounding", "ROUND_HALF_UP")
    if rounding not in ("ROUND_HALF_UP", "ROUND_HALF_EVEN"):
        raise TariffError(
            path, "tariff", f"`rounding` must be ROUND_HALF_UP or ROUND_HALF_EVEN, got {rounding!r}"
        )
    due_days = head.get("due_days")
    if not isinstance(due_days, int) or not 1 <= due_days <= 60:
        raise TariffError(path, "tariff", f"`due_days` must be a whole number of days 1–60, got {due_days!r}")
    versions, seen = [], set()
    for i, v in enumerate(raw.get("versions") or []):
        entry = f"versions[{i}]"
        name = v.get("version")
        if not isinstance(name, str) or not name:
            raise TariffError(path, entry, "missing `version`")
        if name in seen:
            raise TariffError(path, entry, f"version {name!r} appears twice")
        seen.add(name)
        effective = v.get("effective")
        if not isinstance(effective, date):
            raise TariffError(path, entry, f"`effective` must be a date (2027-01-01), got {effective!r}")
        schedules = {}
        for key, s in (v.get("schedules") or {}).items():
            schedule = _schedule(key, s, path, f"{entry}.schedules.{key}")
            if (schedule.service, schedule.customer_class) in schedules:
                raise TariffError(path, f"{entry}.schedules.{key}", "two schedules for one service and class")
            schedules[(schedule.service, schedule.customer_class)] = schedule
        missing = [f"{s} {c}" for s in SERVICES for c in CLASSES if (s, c) not in schedules]
        if missing:
            raise TariffError(path, f"{entry}.schedules", f"no schedule for {', '.join(missing)}")
        t = v.get("taxes") or {}
        exempt_months = t.get("residential_heating_exempt_months", [])
        taxes = Taxes(
            sales_tax_percent=_decimal(t, "sales_tax_percent", path, f"{entry}.taxes"),
            sales_tax_exempt_services=frozenset(t.get("sales_tax_exempt_services", [])),
            residential_heating_exempt_months=frozenset(exempt_months),
            franchise_fee_percent=_decimal(t, "franchise_fee_percent", path, f"{entry}.taxes"),
        )
        versions.append(Version(name, effective, schedules, taxes))
    if not versions:
        raise TariffError(path, "versions", "the tariff needs at least one version")
    versions.sort(key=lambda v: v.effective)
    if len({v.effective for v in versions}) != len(versions):
        raise TariffError(path, "versions", "two versions take effect on the same day")
    return Tariff(
        path=path,
        status=str(head.get("status", "")),
        rounding=rounding,
        due_days=due_days,
        late_fee_percent=_decimal(head, "late_fee_percent", path, "tariff"),
        late_fee_minimum=_decimal(head, "late_fee_minimum", path, "tariff"),
        versions=tuple(versions),
        deposit_maximum=_decimal(head, "deposit_maximum", path, "tariff", default="0"),
        deposit_due_days=_days(head, "deposit_due_days", path, default=21),
    )


def _days(head: dict, key: str, path: Path, *, default: int) -> int:
    days = head.get(key, default)
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise TariffError(path, "tariff", f"`{key}` must be a whole number of days 1–60, got {days!r}")
    return days


@cache
def _load_cached(path: str) -> Tariff:
    return load_tariff(Path(path))


def current_tariff() -> Tariff:
    """The tariff in force: the file named by settings.CUSTODIAN_TARIFF_FILE, loaded once per process."""
    return _load_cached(str(settings.CUSTODIAN_TARIFF_FILE))


def round_half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
