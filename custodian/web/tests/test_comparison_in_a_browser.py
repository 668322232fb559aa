"""My comparison in a real browser (Debian's Chromium), with a group that may be shown: axe-core finds no
violation, nothing is wider than a 360 px phone, the scale names my band in words, and the months are named;
screenshots at 1280 and 390 px go to test-artifacts/gallery/."""

import json
from datetime import date

from axe_playwright_python.sync_playwright import Axe

from custodian.demo.generator import application
from custodian.web.tests.browser import ARTIFACTS, launch, manage, needs_chromium, portal_sign_in

pytestmark = needs_chromium

GALLERY = ARTIFACTS / "gallery"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Run in the server's database: the signed-in customer and 18 neighbours of the same kind, each of them
# using half of what the customer did each month, of electricity and of gas.
GROUP = """
import json
from custodian.portal.models import PortalAccount
from custodian.usage.comparison import ComparisonData
from custodian.usage.services import store_group_aggregates
series = json.loads({series!r})
me = PortalAccount.objects.order_by("-pk").first().customer_id
homes = [me] + [900000 + i for i in range(18)]
kind = ("residential", "single_family", "gas", "55060", 1500, False, False, False, "F01")
premises = [(c, *kind) for c in homes]
def use(service):
    months = series[service]["months"]
    rows = [(me, m["month"], float(m["total"])) for m in months]
    return rows + [(c, m["month"], float(m["total"]) / 2 + c % 7) for c in homes[1:] for m in months]
store_group_aggregates(ComparisonData(premises, use("electric"), other_services={{"gas": use("gas")}}))
"""


def test_my_comparison_passes_axe_and_fits_a_phone(site, playwright):
    GALLERY.mkdir(parents=True, exist_ok=True)
    app = application(3, 6, date.today())  # a household no other browser test enrols
    browser = launch(playwright)
    page = browser.new_page()
    portal_sign_in(site, page, app, "compare.me@example.com")
    page.wait_for_url("**/portal/me/")
    series = json.loads(app.personal["meter_usage"])
    months = series["electric"]["months"]
    manage(site, "shell", "-c", GROUP.format(series=json.dumps(series)))

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site["url"] + "/portal/me/comparison/")
    assert page.locator(".scale [aria-current]").inner_text().startswith("More than average")
    last = date(int(months[-1]["month"][:4]), int(months[-1]["month"][5:]), 1)
    assert last.strftime("%B %Y") in page.locator("main").inner_text()
    assert page.locator("h2", has_text="Natural gas: how you compare").count() == 1
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    violations = [f"{v['id']}: {v['help']}" for v in results.response["violations"]]
    assert not violations, violations
    page.screenshot(path=str(GALLERY / "portal-comparison-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(GALLERY / "portal-comparison-390.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    browser.close()
