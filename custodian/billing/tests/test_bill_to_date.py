"""Green Button's billToDate in Download My Data: a bill issued on the 10th of the month after its period,
the readings of the days between held hour by hour: the summary's billToDate is that use priced by the
bill's own arithmetic for those days (the customer charge for nine days, the use, the cost adjustment, the
fees and taxes) at the customer's class and heating fuel, the bill as it stood on the day it was issued."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from custodian.billing.estimate import days_billed_price
from custodian.billing.services import bill_run
from custodian.testing.billing import NS, number, schema_valid
from custodian.testing.portal import signed_in
from custodian.vault.interval_files import LOCAL, month_bounds


def test_bill_to_date_is_the_use_since_the_period_priced_for_its_days(metered):  # noqa: F811
    customer, app, months = metered
    cycle = months[-2]["month"]
    next_start, _ = month_bounds(months[-1]["month"])
    first = datetime.fromtimestamp(next_start, LOCAL).date()
    issued = first + timedelta(days=9)
    assert bill_run(cycle=cycle, issued_on=issued) == 1
    response = signed_in(app, "to-date@example.com").get("/portal/me/green-button.xml")
    feed = schema_valid(response.content)
    summaries = feed.findall("atom:entry/atom:content/espi:UsageSummary", NS)
    (summary,) = [s for s in summaries if number(s, "espi:commodity") == 1]  # electricity, read hourly
    used = summary.find("espi:currentBillingPeriodOverAllConsumption", NS)
    kwh = Decimal(number(used, "espi:value")).scaleb(number(used, "espi:powerOfTenMultiplier")) / 1000
    account = customer.accounts.get()
    expected = days_billed_price(
        service="electric",
        quantity=kwh,
        first=first,
        last=issued - timedelta(days=1),
        customer_class=customer.customer_class,
        heating_fuel=account.premise.heating_fuel,
    )
    assert expected > 0
    assert number(summary, "espi:billToDate") == expected * 100_000
    # Gas and water were billed from monthly totals: no current use held, so no billToDate.
    for other in (s for s in summaries if number(s, "espi:commodity") != 1):
        assert other.find("espi:billToDate", NS) is None


def test_nine_days_of_november_worked_out_by_hand_and_a_span_across_a_months_end():
    # 300 kWh from 1 to 9 November 2026, residential, gas heat: customer charge 12.00 × 9/30 = 3.60; the
    # first winter block prorated to 1000 × 9/30 = 300 kWh: 300 × 0.1150 = 34.50; PCA 300 × 0.0045 = 1.35
    # → 39.45; franchise 1 % 0.39 (0.3945); sales tax 6.875 % of 39.84 = 2.74 (2.7390) → 42.58
    rate = {"customer_class": "residential", "heating_fuel": "gas"}
    nine_days = days_billed_price(
        service="electric", quantity=Decimal(300), first=date(2026, 11, 1), last=date(2026, 11, 9), **rate
    )
    assert nine_days == Decimal("42.58")
    # 31 October and 1 November: each month its own cycle, the use shared by days (10 kWh each)
    across = days_billed_price(
        service="electric", quantity=Decimal(20), first=date(2026, 10, 31), last=date(2026, 11, 1), **rate
    )
    october = days_billed_price(
        service="electric", quantity=Decimal(10), first=date(2026, 10, 31), last=date(2026, 10, 31), **rate
    )
    november = days_billed_price(
        service="electric", quantity=Decimal(10), first=date(2026, 11, 1), last=date(2026, 11, 1), **rate
    )
    assert across == october + november == Decimal("3.45")
