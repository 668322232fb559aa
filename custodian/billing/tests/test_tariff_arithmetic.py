"""The tariff's arithmetic against bills computed by hand, and the tariff file's checks at start-up."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from custodian.billing.compute import Usage, bill_compute, cycle_bounds, true_up_lines
from custodian.billing.tariff import TariffError, current_tariff, load_tariff

TARIFF_FILE = Path(__file__).resolve().parents[3] / "policy" / "owatonna-tariff.toml"

# (cycle, class, heating fuel, period, service, quantity, total): each total worked out by hand in the
# comment beside it from the 2026.1 figures (lines rounded half up to the cent; franchise 1 %, then sales
# tax 6.875 % on the service's charges and franchise fee unless exempt).
HAND_COMPUTED = [
    # summer: 12.00 + 600 × 0.1250 = 75.00 + PCA 600 × 0.0045 = 2.70 → 89.70; franchise 0.90; tax 6.23
    ("2026-07", "residential", "gas", None, "electric", "600", "96.83"),
    # winter blocks, electric heat in January (no sales tax): 12.00 + 115.00 + 50.00 + 6.75 + 1.84
    ("2026-01", "residential", "electric", None, "electric", "1500", "185.59"),
    # the same home heated by gas pays tax on its electricity: 183.75 + 1.84 + 12.76
    ("2026-01", "residential", "gas", None, "electric", "1500", "198.35"),
    # gas heat in January: 10.00 + 120 × 0.35 = 42.00 + PGA 38.40 → 90.40; franchise 0.90; exempt
    ("2026-01", "residential", "gas", None, "gas", "120", "91.30"),
    # water and sewer per 1,000 gal: 14.00 + 18.00 + 5.4 × 4.10 = 22.14 + 5.4 × 6.20 = 33.48; franchise 0.88
    ("2026-05", "residential", "gas", None, "water", "5400", "88.50"),
    # move-in on 16 July (16 of 31 days): 12 × 16/31 = 6.19 + 37.50 + 1.35 → 45.04; 0.45; tax 3.13
    ("2026-07", "residential", "gas", (date(2026, 7, 16), date(2026, 7, 31)), "electric", "300", "48.62"),
    # move-out on 10 February (10 of 28 days), gas heat: 10 × 10/28 = 3.57 + 14.00 + 12.80 → 30.37; 0.30
    ("2026-02", "residential", "gas", (date(2026, 2, 1), date(2026, 2, 10)), "gas", "40", "30.67"),
    # small commercial electric, summer: 25.00 + 2,000 × 0.12 = 240.00 + 9.00 → 274.00; 2.74; tax 19.03
    ("2026-08", "commercial", "gas", None, "electric", "2000", "295.77"),
    # no use at all still pays the customer charge: 12.00; 0.12; tax 0.83
    ("2026-07", "residential", "gas", None, "electric", "0", "12.95"),
]


@pytest.mark.parametrize("cycle, cls, fuel, period, service, quantity, total", HAND_COMPUTED)
def test_bills_match_the_hand_computed_table(cycle, cls, fuel, period, service, quantity, total):
    computed = bill_compute(
        current_tariff(),
        cycle=cycle,
        customer_class=cls,
        heating_fuel=fuel,
        period=period or cycle_bounds(cycle),
        usages=[Usage(service, Decimal(quantity))],
    )
    assert computed.total == Decimal(total), [(li.description, li.amount) for li in computed.lines]
    assert all(li.amount == li.amount.quantize(Decimal("0.01")) for li in computed.lines)
    assert computed.versions == ["2026.1"]


def december_bill_across_a_rate_change(tmp_path, usage: Usage):
    """A gas-heated home's December 2026 electric bill, under the tariff with its 2027.1 rates moved to 16
    December: 15 days of the cycle at 2026.1, 16 at 2027.1."""
    text = TARIFF_FILE.read_text().replace("effective = 2027-01-01", "effective = 2026-12-16")
    changed = tmp_path / "tariff.toml"
    changed.write_text(text)
    return bill_compute(
        load_tariff(changed),
        cycle="2026-12",
        customer_class="residential",
        heating_fuel="gas",
        period=(date(2026, 12, 1), date(2026, 12, 31)),
        usages=[usage],
    )


def test_a_rate_change_mid_cycle_prorates_each_version_by_days(tmp_path):
    # 1,000 kWh shared by days between the versions:
    # 2026.1: 12 × 15/31 = 5.81; 483.871 kWh × 0.1150 = 55.65; PCA 2.18 (block bound 1,000 × 15/31)
    # 2027.1: 12.50 × 16/31 = 6.45; 516.129 kWh × 0.1190 = 61.42; PCA 2.06 → 133.57; franchise 1.34; tax 9.28
    computed = december_bill_across_a_rate_change(tmp_path, Usage("electric", Decimal("1000")))
    assert computed.versions == ["2026.1", "2027.1"]
    assert computed.total == Decimal("144.19"), [(li.description, li.amount) for li in computed.lines]


def test_a_rate_change_splits_interval_use_by_the_days_it_was_used(tmp_path):
    daily = {date(2026, 12, d): Decimal("10" if d < 16 else "20") for d in range(1, 32)}
    computed = december_bill_across_a_rate_change(
        tmp_path, Usage("electric", sum(daily.values()), daily=daily)
    )
    usage = [li for li in computed.lines if li.description == "Usage"]
    assert [(li.version, li.quantity) for li in usage] == [
        ("2026.1", Decimal("150.000")),
        ("2027.1", Decimal("320.000")),
    ]


# 2026-07 estimated at 500 kWh, read at 620: 120 kWh × (0.1250 + 0.0045) = 15.00 + 0.54; and back again.
TRUE_UPS = [("500", "620", "15.54"), ("620", "500", "-15.54")]


@pytest.mark.parametrize(("estimated", "actual", "amount"), TRUE_UPS)
def test_a_true_up_charges_the_difference_at_the_estimated_cycles_rates(estimated, actual, amount):
    lines = true_up_lines(
        current_tariff(),
        cycle="2026-07",
        customer_class="residential",
        service="electric",
        estimated=Decimal(estimated),
        actual=Decimal(actual),
    )
    assert [li.amount for li in lines] == [Decimal(amount)]


def test_the_tariff_file_says_its_figures_are_illustrative():
    assert current_tariff().status == "illustrative"
    assert "ILLUSTRATIVE" in TARIFF_FILE.read_text()


BAD = [
    ('rounding = "ROUND_HALF_UP"', 'rounding = "ROUND_UP"', "[tariff] `rounding`"),
    ("due_days = 21", "due_days = 0", "[tariff] `due_days`"),
    ('customer_charge = "12.00"', "customer_charge = 12.00", "must be written as a string"),
    ('customer_charge = "12.00"', 'customer_charge = "twelve"', "is not a number"),
    ('customer_charge = "12.00"', 'customer_charge = "-1"', "must be zero or more"),
    ("months = [6, 7, 8, 9]", "months = [6, 7, 8]", "cover each month of the year exactly once"),
    ("effective = 2027-01-01", "effective = 2026-01-01", "two versions take effect on the same day"),
    ("effective = 2027-01-01", 'effective = "soon"', "`effective` must be a date"),
    ('version = "2027.1"', 'version = "2026.1"', "appears twice"),
    (
        '[{ up_to = "1000", price = "0.1150" }',
        '[{ up_to = "", price = "0.1150" }',
        "only the last block may be open",
    ),
]


@pytest.mark.parametrize("old, new, message", BAD)
def test_a_bad_tariff_stops_start_up_naming_the_problem(tmp_path, old, new, message):
    text = TARIFF_FILE.read_text()
    assert old in text
    bad = tmp_path / "tariff.toml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(TariffError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_tariff(bad)


def test_a_missing_schedule_is_named(tmp_path):
    text = TARIFF_FILE.read_text().replace(
        "[versions.schedules.gas_commercial]", "[versions.schedules.gas_commercial_x]", 1
    )
    text = text.replace(
        'customer_class = "commercial"\nlabel = "Small commercial natural gas service"',
        'customer_class = "residential"\nlabel = "x"',
        1,
    )
    (tmp_path / "t.toml").write_text(text)
    with pytest.raises(
        TariffError, match="two schedules for one service and class|no schedule for gas commercial"
    ):
        load_tariff(tmp_path / "t.toml")
