"""What a month's use costs at the current rate, for the comparison: the tariff belongs to billing, which
sits above this app, so billing registers its estimate when the app starts (`cost_estimator_register`).
Without one registered the comparison states no cost."""

from collections.abc import Callable
from decimal import Decimal

_estimators: list[Callable[..., Decimal]] = []


def cost_estimator_register(estimate: Callable[..., Decimal]) -> None:
    """`estimate(service=, quantity=, month=, heating_fuel=)` → the month's bill in dollars."""
    _estimators[:] = [estimate]


def cost_estimate(*, service: str, quantity: float, month: str, heating_fuel: str = "") -> Decimal | None:
    """A residential month's bill for `quantity` of `service` in `month` (YYYY-MM) at the rate in force
    today, or None when no estimate is registered."""
    if not _estimators:
        return None
    return _estimators[0](service=service, quantity=quantity, month=month, heating_fuel=heating_fuel)
