"""The comparison as the page and the letter show it: every month named in the reader's language, the
customer placed on the three-band scale (efficient, good, more than average) with the rating that band's
word, the last month's cost at the current rate worked out by hand, and one group size."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.formats import date_format

from custodian.usage.services import comparison_report

TODAY = date(2026, 11, 27)  # the 2026.1 rates are in force


def group(average, efficient, homes=42, fuel="gas"):
    return SimpleNamespace(average_kwh=average, efficient_kwh=efficient, homes=homes, heating_fuel=fuel)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def report_for(you: dict[str, float], homes=42):
    return comparison_report(you, {m: group(700.0, 400.0, homes) for m in you})


@pytest.mark.parametrize(
    ("kwh", "band", "word"),
    [
        (350.0, "efficient", "Efficient"),
        (400.0, "efficient", "Efficient"),
        (550.0, "good", "Good"),
        (700.0, "good", "Good"),
        (800.0, "more", "More than average"),
    ],
)
def test_the_customer_s_place_on_the_scale_and_the_rating_word_agree(kwh, band, word, today):
    report = report_for({"2026-10": kwh})
    assert report["latest"]["band"] == band and str(report["latest"]["rating"]) == word
    assert [b["key"] for b in report["scale"]] == ["efficient", "good", "more"]
    assert [b["key"] for b in report["scale"] if b["current"]] == [band]
    assert [(b["low"], b["high"]) for b in report["scale"]] == [(None, 400.0), (400.0, 700.0), (700.0, None)]


def test_months_are_named_in_the_reader_s_language(today):
    report = report_for({"2025-11": 500.0, "2025-12": 600.0, "2026-01": 650.0})
    starts = [r["month_start"] for r in report["rows"]]
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert date_format(starts[0], "YEAR_MONTH_FORMAT") == "November 2025"
    with translation.override("es"):
        assert date_format(starts[0], "YEAR_MONTH_FORMAT") == "noviembre de 2025"
        assert str(report["latest"]["rating"]) == "Bueno"


def test_the_last_month_s_cost_at_today_s_rate_worked_out_by_hand(today):
    report = report_for({"2026-09": 500.0, "2026-10": 800.0})
    costs = report["costs"]
    # You, 800 kWh in October: 12.00 + 92.00 + PCA 3.60 = 107.60; franchise 1.08; tax 7.47 → 116.15.
    assert costs["you"] == Decimal("116.15")
    # The average home, 700 kWh: 12.00 + 80.50 + 3.15 = 95.65; franchise 0.96 (0.9565); tax 6.64
    # (6.6419375 on 96.61) → 103.25. The efficient home, 400 kWh: 12.00 + 46.00 + 1.80 = 59.80; 0.60; tax
    # 4.15 (4.1525 on 60.40) → 64.55.
    assert (costs["average"], costs["efficient"]) == (Decimal("103.25"), Decimal("64.55"))
    assert costs["above_average"] and costs["difference"] == Decimal("12.90")


def test_one_group_size_the_last_month_s():
    report = comparison_report(
        {"2026-09": 500.0, "2026-10": 800.0}, {"2026-09": group(700, 400, 40), "2026-10": group(700, 400, 43)}
    )
    assert report["homes"] == 43 == report["latest"]["homes"]
