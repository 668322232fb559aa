"""On a 375 px phone, in Chromium: the public pages with wide tables (the cookies, the inventory, the annual
report) pass axe-core (WCAG 2.2 A/AA and best practice, a scrolling table a focusable, named region
included) and the page never scrolls sideways; without JavaScript the "Menu" buttons never show, the
navigation is drawn compact and the page's heading comes soon; a form sent back with errors has "Error: " in
its title and its error summary first in the form, focused when the script runs."""

from axe_playwright_python.sync_playwright import Axe

from custodian.web.tests.browser import launch, needs_chromium

pytestmark = needs_chromium

PHONE = {"width": 375, "height": 812}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDE_TABLES = ["/cookies/", "/privacy/inventory/", "/privacy/report/"]


def test_pages_with_wide_tables_pass_axe_on_a_phone(site, playwright):
    browser = launch(playwright)
    page = browser.new_page(viewport=PHONE)
    axe, problems = Axe(), []
    for path in WIDE_TABLES:
        page.goto(site["url"] + path)
        found = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        problems += [f"{path}: {v['id']} at {v['nodes'][0]['target']}" for v in found.response["violations"]]
        if page.evaluate("() => document.documentElement.scrollWidth") > PHONE["width"]:
            problems.append(f"{path}: wider than the phone")
        # Each wide table scrolls in its region, which the keyboard reaches.
        regions = page.locator(".table-wrap[tabindex='0'][role=region]")
        assert regions.count() >= 1, path
        regions.first.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('table-wrap')")
    browser.close()
    assert not problems, "\n".join(problems)


def test_without_javascript_the_menu_buttons_never_show_and_the_heading_comes_soon(site, playwright):
    browser = launch(playwright)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site["url"] + "/services/")
    assert page.locator("button[data-menu]").count() >= 1
    assert not page.locator("button[data-menu]").first.is_visible()
    links = page.locator("#site-nav a")
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    # The navigation's links side by side: the page's heading within the first screen.
    assert page.locator("main h1").bounding_box()["y"] < PHONE["height"]
    browser.close()


def test_a_form_sent_back_with_errors_says_so_first(site, playwright):
    browser = launch(playwright)
    for scripts in (False, True):
        context = browser.new_context(viewport=PHONE, java_script_enabled=scripts)
        page = context.new_page()
        page.goto(site["url"] + "/contact/")
        page.click("main form button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        assert page.title().startswith("Error: ")
        first = page.evaluate(
            "() => document.querySelector('main form').querySelector('[data-error-summary], input, select,"
            " textarea').matches('[data-error-summary]')"
        )
        assert first
        focused = page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
        assert focused == scripts
        # Its link takes the keyboard to the field.
        page.click("[data-error-summary] a[href='#id_message']")
        assert page.evaluate("() => location.hash") == "#id_message"
        context.close()
    browser.close()
