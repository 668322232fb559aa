"""The COST of each interval in the Green Button CSV: each reading's share of what its month's use adds to
the month's bill at the tariff then in force, at the month's average price, rounded as running totals so a
month's intervals add up to its priced use to the cent; nothing where the tariff cannot price a reading; and
the portal's CSV download carrying them for a metered household."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from custodian.billing.estimate import interval_costs, month_cost_estimate
from custodian.testing.portal import signed_in
from custodian.vault.interval_files import LOCAL, month_bounds


def october_hours(total_kwh: int) -> list[tuple[int, int, float]]:
    """October 2026 hour by hour (744 local hours), a pattern of uses adding up to `total_kwh`."""
    start, end = month_bounds("2026-10")
    weights = [1 + (s // 3600) % 7 for s in range(start, end, 3600)]
    return [
        (s, 3600, total_kwh * w / sum(weights)) for s, w in zip(range(start, end, 3600), weights, strict=True)
    ]


def test_an_octobers_hours_add_up_to_what_its_800_kwh_add_to_the_bill_worked_out_by_hand():
    # The bill for 800 kWh in October 2026 is 116.15 (test_month_cost_estimate); for none, 12.00 + franchise
    # 0.12 + sales tax 6.875 % of 12.12 = 0.83 → 12.95. The use adds 103.20.
    hours = october_hours(800)
    costs = interval_costs(
        service="electric", readings=hours, customer_class="residential", heating_fuel="gas"
    )
    assert len(costs) == 744 and None not in costs
    assert sum(costs) == Decimal("103.20")
    # each hour at the month's average price (103.20 / 800 a kWh), to the cent
    average = Decimal("103.20") / 800
    for (_, _, used), cost in zip(hours, costs, strict=True):
        assert abs(cost - Decimal(str(used)) * average) < Decimal("0.01")


def test_a_reading_across_a_months_end_or_before_the_tariff_has_no_cost():
    october_end = month_bounds("2026-10")[1]
    before_tariff = int(datetime(2025, 6, 1, tzinfo=LOCAL).timestamp())
    readings = [(october_end - 3600, 7200, 2.0), (before_tariff, 3600, 1.0), (october_end, 3600, 1.5)]
    costs = interval_costs(
        service="electric", readings=readings, customer_class="residential", heating_fuel="gas"
    )
    assert costs[0] is None and costs[1] is None
    # November's one hour: all of November's use, priced as the month's
    assert costs[2] == month_cost_estimate(
        service="electric", quantity=1.5, month="2026-11", on=date(2026, 11, 1)
    ) - month_cost_estimate(service="electric", quantity=0, month="2026-11", on=date(2026, 11, 1))


def test_the_portals_csv_download_has_a_cost_on_each_interval(metered):
    customer, app, months = metered
    response = signed_in(app, "costs@example.com").get("/portal/me/green-button.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "# COST is each interval's share" in text
    rows = list(
        csv.DictReader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))))
    )
    assert rows and all(row["COST"] for row in rows if row["DATE"] >= "2026-01-01")
    # One whole month held hour by hour: its costs add up to what its use adds to its bill.
    month = months[-2]["month"]
    held = [row for row in rows if row["DATE"].startswith(month) and row["TYPE"] == "electric usage"]
    used = sum(Decimal(row["USAGE"]) for row in held) / 1000
    first = date.fromisoformat(f"{month}-01")
    rate = {
        "service": "electric",
        "month": month,
        "heating_fuel": app.heating_fuel,
        "customer_class": customer.customer_class,
        "on": first,
    }
    priced = month_cost_estimate(quantity=used, **rate) - month_cost_estimate(quantity=0, **rate)
    assert sum(Decimal(row["COST"]) for row in held) == priced
