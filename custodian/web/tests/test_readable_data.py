"""People read labels and tables, never JSON, dictionaries or the policy file's keys: meter usage as a chart
and a table per service, the access log's services, purposes and outcomes by their labels, readable dates."""

import json
import random
import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from lxml import etree

from custodian.web.charts import bar_chart, nice_step, shown

USAGE = {
    "electric": {
        "unit": "kWh",
        "months": [{"month": "2025-11", "total": 612.4}, {"month": "2025-12", "total": 701}],
    },
    "water": {"unit": "gal", "months": [{"month": "2025-11", "total": 3200.5}]},
}


def render(text: str, **context) -> str:
    return Template("{% load ui %}" + text).render(Context(context))


def test_meter_usage_is_a_chart_and_a_table_per_service_never_json():
    for value in (USAGE, json.dumps(USAGE)):
        html = render('{% personal_value value "usage" %}', value=value)
        text = re.sub(r"<[^>]+>", " ", html)  # what a person reads
        assert "{" not in text and "months" not in text and "electric" not in text
        assert "<h3>Electricity</h3>" in html and "<h3>Water</h3>" in html
        assert "November 2025" in html and "December 2025" in html and ">701<" in html
        assert html.count("<svg") == 2 and ">kWh<" in html and ">gal<" in html


def test_meter_usage_names_its_services_in_the_readers_language():
    with translation.override("es"):
        html = render('{% personal_value value "usage" %}', value=USAGE)
    assert "<h3>Electricidad</h3>" in html and "<h3>Agua</h3>" in html


def test_other_structured_values_are_labelled_items():
    html = render("{% personal_value value %}", value={"routing_number": "0123", "last_four": "6789"})
    assert "<dt>Routing number</dt><dd>0123</dd>" in html and "{" not in html
    assert render("{% personal_value value %}", value="Jane Doe").strip() == "Jane Doe"


def test_keys_of_the_policy_file_are_shown_by_their_labels():
    assert render("{{ k|service_label }}", k="customer_service,billing") == "Customer service, Billing"
    assert render("{{ k|purpose_label }}", k="billing") == "Billing"
    assert render("{{ k|decision_label }}", k="allow") == "Allowed"
    assert render("{{ k|words }}", k="account_application") == "Account application"
    assert render("{{ k|category_label }}", k="email,name,phone") == "E-mail address, Name, Telephone number"
    assert render("{{ k|category_label }}", k="meter_usage; name").startswith("Meter")
    assert render("{{ k|vendor_function_label }}", k="ach_origination").startswith("Automatic payment:")
    assert render("{{ k|service_label }}", k=["privacy_officer", "web"]) == "Privacy officer, Web"
    assert (
        render("{{ k|notice_label:v }}", k="account_application", v="2026.2")
        == "Account application notice, version 2026.2"
    )
    assert (
        render("{{ t|when }}", t=datetime(2026, 3, 5, 18, 0, tzinfo=UTC).isoformat())
        == "March 5, 2026, 12:00 p.m. CST"  # in the utility's time zone, named
    )


def test_a_chart_has_round_ticks_covering_the_largest_bar_and_labels_that_fit():
    assert [nice_step(t) for t in (0.9, 9, 47, 3800)] == [0.5, 5, 20, 1000]
    chart = bar_chart([(str(d), f"day {d}", float(d)) for d in range(1, 32)], unit="kWh")
    assert chart["ticks"][-1].value >= 31 and chart["ticks"][0].text == "0"
    assert sum(b.labelled for b in chart["bars"]) <= 12
    assert all(b.y + b.height == chart["base"] for b in chart["bars"])


def test_a_chart_in_spanish_keeps_its_coordinates_numbers_and_says_its_values_as_us_spanish_does():
    with translation.override("es"):
        html = render('{% chart points "kWh" "Uso por día" "days" "Día" %}', points=[("1", "uno", 12.25)])
    svg = etree.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    rect = svg.find(".//rect")
    assert all(float(rect.get(a)) >= 0 for a in ("x", "y", "width", "height"))  # 99.2, not "99,2"
    assert "uno: 12.3 kWh" in html  # the tooltip with US Spanish's decimal point (custodian/formats)
    assert 'aria-labelledby="days-t"' in html
    assert '<caption class="sr-only" id="days-c">Uso por día</caption>' in html


def test_chart_texts_are_escaped():
    html = render('{% chart points "<kWh>" title "c" %}', points=[("<b>", "x & y", 1.0)], title="<script>")
    assert "<script>" not in html and "<b>" not in html and "&lt;kWh&gt;" in html and "x &amp; y" in html


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("places", [0, 1, 2])
def test_chart_values_are_shown_as_floatformat_shows_them(language, places):
    values = [0.0, -0.0, 0.05, 0.15, 0.25, 1.45, 2.675, 12.25, -0.04, -1.25, 999.95, 1e-9, 123456.785]
    rng = random.Random(7)
    values += [rng.uniform(-5000, 5000) for _ in range(300)]
    with translation.override(language):
        for value in values:
            assert shown(value, places) == floatformat(value, places), value


def test_a_month_s_short_name_is_lowercase_in_spanish():
    """Spanish writes its months in lowercase, abbreviated or not ("ene.", "oct."), where Django's own
    Spanish mixes "Ene." with "oct."."""
    with translation.override("es"):
        shown = [render("{{ d|month_short }}", d=datetime(2026, m, 1)) for m in (1, 2, 9, 10)]
    assert shown == ["ene.", "feb.", "sep.", "oct."]
    assert render("{{ d|month_short }}", d=datetime(2026, 1, 1)) == "Jan"
