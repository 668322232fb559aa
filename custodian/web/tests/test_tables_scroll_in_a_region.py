"""A table wider than a phone scrolls inside its own box, and that box is a region the keyboard reaches and a
screen reader names (axe's "scrollable-region-focusable"): every data table in a template, and the table
beside every chart, sits in `<div class="table-wrap" tabindex="0" role="region">` with an `aria-label` or an
`aria-labelledby`. Tables only a screen reader reads (`sr-table`) never scroll."""

import re
from pathlib import Path

from django.conf import settings

from custodian.web.charts import bar_chart, draw

TEMPLATES = Path(settings.BASE_DIR) / "custodian"
# The label may be written with template tags, which hold quotes of their own.
LABEL = r'aria-(label|labelledby)="([^"{]|\{%.+?%\}|\{\{.+?\}\})+"'
REGION = re.compile(r'<div class="table-wrap" tabindex="0" role="region" ' + LABEL + r">\s*$")


def test_every_table_in_a_template_scrolls_in_a_named_region():
    bare = []
    for path in TEMPLATES.glob("*/templates/**/*.html"):
        text = path.read_text()
        for table in re.finditer(r"<table[^>]*>", text):
            if "sr-table" not in table.group(0) and not REGION.search(text[: table.start()][-300:]):
                start = max(0, table.start() - 80)
                bare.append(f"{path.relative_to(TEMPLATES)}: {text[start : table.end()]}")
    assert not bare, "\n".join(bare)


def test_a_chart_s_table_scrolls_in_a_region_named_by_its_caption():
    chart = bar_chart([("Jan", "January", 1.0), ("Feb", "February", 2.0)], unit="kWh")
    html = draw(chart, title="Use", chart_id="use")
    region = re.search(r'<div class="table-wrap" tabindex="0" role="region" aria-labelledby="([^"]+)">', html)
    assert region and f'<caption class="sr-only" id="{region.group(1)}">' in html


def test_the_bill_s_charges_keep_the_amount_in_view_on_a_phone():
    """The quantity and rate also under the charge's name (shown on a phone, where their own columns are
    not), so the charges table is two columns there and its amounts stay on the screen."""
    css = (TEMPLATES / "web/static/custodian/custodian.css").read_text()
    bill = (TEMPLATES / "portal/templates/portal/bill.html").read_text()
    assert 'class="charges__detail"' in bill and bill.count('class="charges__wide"') == 8
    assert ".charges .charges__wide{display:none}" in css
