"""A month's use priced at the rate in force today, as the neighbour comparison states it: the bill's own
arithmetic for a whole month, under the version in force on the day asked for (not the one that billed the
month), against figures worked out by hand; and the estimate billing registers for the comparison."""

from datetime import date
from decimal import Decimal

from custodian.billing.estimate import month_cost_estimate
from custodian.usage.services.costs import cost_estimate


def test_an_october_of_800_kwh_at_the_2026_rates_worked_out_by_hand():
    # 12.00 + 800 × 0.1150 = 92.00 + PCA 800 × 0.0045 = 3.60 → 107.60; franchise 1 % 1.08 (1.076);
    # sales tax 6.875 % of 108.68 = 7.47 (7.47175) → 116.15
    cost = month_cost_estimate(service="electric", quantity=800, month="2026-10", on=date(2026, 11, 27))
    assert cost == Decimal("116.15")


def test_the_rate_in_force_on_the_day_prices_a_month_billed_under_an_earlier_one():
    # The 2027.1 version on 2027-02-01 prices October 2026: 12.50 + 800 × 0.1190 = 95.20 + 800 × 0.0040 =
    # 3.20 → 110.90; franchise 1.11 (1.109); tax 6.875 % of 112.01 = 7.70 (7.7006875) → 119.71
    cost = month_cost_estimate(service="electric", quantity=800, month="2026-10", on=date(2027, 2, 1))
    assert cost == Decimal("119.71")


def test_electric_heat_in_winter_pays_no_sales_tax_and_the_estimate_is_registered():
    # January, 1,500 kWh, electric heat: 12.00 + 1000 × 0.1150 + 500 × 0.1000 + 1500 × 0.0045 = 183.75;
    # franchise 1.84 (1.8375); no sales tax → 185.59
    heated = month_cost_estimate(
        service="electric", quantity=1500, month="2026-01", heating_fuel="electric", on=date(2026, 6, 1)
    )
    assert heated == Decimal("185.59")
    # What the comparison asks: the same arithmetic at today's rates.
    assert cost_estimate(service="electric", quantity=800, month="2026-10") == month_cost_estimate(
        service="electric", quantity=800, month="2026-10"
    )
