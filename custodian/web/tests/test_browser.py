"""Real-browser tests: Debian's Chromium driven by Playwright against the real server (`manage.py
runserver` on a fresh database with the demo utility; conftest.py). Screenshots go to test-artifacts/."""

import json
from datetime import date
from pathlib import Path

from custodian.demo.generator import application, demo_portal_index
from custodian.demo.personas import DEMO_PASSWORD
from custodian.web.tests.browser import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    contact_form_send,
    needs_chromium,
    portal_password_sign_in,
    portal_sign_in,
    staff_sign_in,
)

pytestmark = needs_chromium


def block_cookies(context, page):
    """Every cookie blocked, as a browser set to block cookies does: nothing the server sends is stored
    (Set-Cookie stripped before the browser sees it), and scripts can't use document.cookie."""

    def strip(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        route.fulfill(response=response, headers=headers)

    context.route("**/*", strip)
    session = context.new_cdp_session(page)
    session.send("Emulation.setDocumentCookieDisabled", {"disabled": True})


def test_the_contact_form_works_with_every_cookie_blocked(site, playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    context = browser.new_context()
    page = context.new_page()
    block_cookies(context, page)
    page.goto(f"{site['url']}/contact/")
    assert page.evaluate("document.cookie = 'probe=1'; document.cookie") == ""
    contact_form_send(
        page,
        topic="billing_question",
        message="Is my autopay set up?",
        name="Robin Visitor",
        email="robin@example.com",
    )
    page.screenshot(path=str(ARTIFACTS / "contact-cookies-blocked.png"), full_page=True)
    assert context.cookies() == []
    browser.close()


def test_gpc_means_no_cookie_even_when_asked(site, playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.goto(f"{site['url']}/cookies/")
    page.click("button[value=large]")
    page.wait_for_selector("text=did not store your text size")
    assert context.cookies() == []
    plain = browser.new_context()
    page = plain.new_page()
    page.goto(f"{site['url']}/cookies/")
    page.click("button[value=large]")
    page.wait_for_load_state()
    assert [c["name"] for c in plain.cookies()] == ["text_size"]
    page.screenshot(path=str(ARTIFACTS / "cookies-page.png"), full_page=True)
    browser.close()


def test_the_contact_form_can_be_completed_with_the_keyboard_alone(site, playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    page = browser.new_page()
    page.goto(f"{site['url']}/contact/")
    page.focus("#id_topic")
    page.keyboard.press("ArrowDown")  # Payment
    page.keyboard.press("Tab")
    page.keyboard.type("Where can I pay in person?")
    page.keyboard.press("Tab")
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.com")
    focused = [page.evaluate("document.activeElement.id")]
    for _ in range(6):  # phone, account number, then past the hidden honeypot to the button
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if focused[-1] == "BUTTON":
            break
    assert "id_website" not in focused and focused[-1] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=We received your message")
    page.screenshot(path=str(ARTIFACTS / "contact-keyboard.png"), full_page=True)
    browser.close()


def tick(page, selector: str) -> None:
    """Tick a checkbox as a person does with the design system's checkboxes: by clicking its label (the box
    drawn beside the label is the label's; the input itself is visually hidden)."""
    box = page.locator(selector)
    page.click(f"label[for={box.get_attribute('id')}]")
    assert box.is_checked()


def test_portal_sign_in_and_consent_revoke(site, playwright):
    # The demo's portal customer, online already from the address on file (an account signed up without
    # one waits for the code mailed to the household before it gives consents; every other household with
    # an e-mail on file is signed up by another browser test).
    app = application(3, demo_portal_index(3), date.today())
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    page = browser.new_page()
    portal_password_sign_in(site, page, app.personal["email"], DEMO_PASSWORD)
    page.wait_for_selector("text=What we hold about you")
    assert app.personal["name"] in page.content()
    page.goto(f"{site['url']}/portal/me/consents/")
    page.fill("#id_recipient_name", "Energy Savers Co-op")
    page.fill("#id_recipient_contact", "x@savers.example")
    tick(page, "input[name=categories][value=name]")
    page.fill("#id_purpose", "home energy audit")
    tick(page, "#id_covers_past_1")  # the past 12 months as well
    tick(page, "#id_agree")
    page.click("form:not([action]) button[type=submit]")
    page.wait_for_selector("text=Read your consent before you give it")  # its words, shown before it is given
    page.click("button:has-text('Give this consent')")
    page.wait_for_selector("text=Energy Savers Co-op")
    page.click("text=Revoke…")
    page.wait_for_selector("text=Revoke this consent?")  # asked first
    page.click("button:has-text('Revoke the consent')")
    page.wait_for_selector("text=Consent revoked.")
    page.screenshot(path=str(ARTIFACTS / "portal-consent-revoked.png"), full_page=True)
    browser.close()


def test_my_usage_downloads_green_button_files_without_javascript(site, playwright):
    """The usage page and both Green Button downloads (the CSV button posts the same form elsewhere with
    `formaction`) in a browser with JavaScript turned off."""

    app = application(3, 2, date.today())
    months = json.loads(app.personal["meter_usage"])["electric"]["months"]
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    portal_sign_in(site, page, app, "usage.user@example.com")
    page.goto(f"{site['url']}/portal/me/usage/")
    assert page.locator("svg[aria-labelledby=electric-days-t] rect").count() >= 28
    last = months[-1]["month"]
    page.fill("#id_start", f"{last}-01")
    page.fill("#id_end", f"{last}-07")
    with page.expect_download() as csv_download:
        page.click("text=Download CSV")
    csv_text = Path(csv_download.value.path()).read_text()
    assert csv_text.count("\nelectric usage,") == 24 * 7  # a week of hourly readings, nothing else
    with page.expect_download() as xml_download:
        page.click("text=Download XML")
    assert Path(xml_download.value.path()).read_bytes().lstrip().startswith(b"<?xml")
    page.screenshot(path=str(ARTIFACTS / "portal-usage.png"), full_page=True)
    browser.close()


def _listed(page, url) -> dict[str, set[str]]:
    page.goto(url)
    return {
        el.get_attribute("data-cookie"): set(el.get_attribute("data-areas").split())
        for el in page.query_selector_all("[data-cookie]")
    }


def test_the_cookies_page_lists_exactly_the_cookies_a_browser_holds(site, playwright):
    """The list on the cookies page (from custodian/web/cookies.py) against what Chromium holds after each
    kind of visit: public pages, the portal's sign-in and sign-up pages (with and without Sec-GPC: 1), a
    signed-in portal session, a form of the portal sent after the session ran out, a staff session, and
    choosing a larger text size."""

    url = site["url"]
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    held: dict[str, set[str]] = {}  # cookie → the areas of the visits after which the browser held it

    def visit(area, paths, gpc=False, then=None):
        context = browser.new_context(extra_http_headers={"Sec-GPC": "1"} if gpc else {})
        page = context.new_page()
        for path in paths:
            page.goto(url + path)
        if then:
            then(page)
        names = {c["name"] for c in context.cookies()}
        for name in names:
            held.setdefault(name, set()).add(area)
        context.close()
        return names

    public = ["/", "/services/", "/contact/", "/privacy/", "/cookies/", "/portal/", "/.well-known/gpc.json"]
    assert visit("site", public) == set()
    assert visit("site", public, gpc=True) == set()

    def larger_text(page):
        page.goto(url + "/cookies/")
        page.click("button[value=large]")
        page.wait_for_load_state()

    assert visit("site", [], then=larger_text) == {"text_size"}
    assert visit("site", [], gpc=True, then=larger_text) == set()  # never an optional cookie with GPC

    # The public site's one form that needs it: a third party's registration for Connect My Data.
    assert visit("site", ["/connect/register/"]) == {"csrftoken"}

    portal_pages = ["/portal/sign-in/", "/portal/enrol/"]
    assert visit("portal", portal_pages) == visit("portal", portal_pages, gpc=True) == {"csrftoken"}

    # The demo's portal customer, online already: signed in as `manage.py welcome` says.
    email = application(3, demo_portal_index(3), date.today()).personal["email"]
    signed_in = visit(
        "portal", [], then=lambda page: portal_password_sign_in(site, page, email, DEMO_PASSWORD)
    )
    assert "sessionid" in signed_in

    def session_ran_out(page):
        """Signed in, the session runs out (its cookie gone, as when it expires) while the customer types a
        new telephone number: sent, it is held with its key in a cookie of its own; signed in again, the
        form shows it, once."""
        portal_password_sign_in(site, page, email, DEMO_PASSWORD)
        page.wait_for_url("**/portal/me/")
        kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]
        page.context.clear_cookies()
        page.context.add_cookies(kept)
        page.fill("input[name=phone]", "507-555-0166")
        page.click("form[action='/portal/me/contact/'] button[type=submit]")
        page.wait_for_url("**/portal/sign-in/**")
        for name in {c["name"] for c in page.context.cookies()}:
            held.setdefault(name, set()).add("portal")
        portal_password_sign_in(site, page, email, DEMO_PASSWORD)
        page.wait_for_url("**/portal/me/")
        assert page.input_value("input[name=phone]") == "507-555-0166"
        assert "we kept what you typed" in page.content()
        page.screenshot(path=str(ARTIFACTS / "portal-typed-text-kept.png"), full_page=True)

    assert "held_form" not in visit("portal", [], then=session_ran_out)  # shown, its key is dropped
    assert held["held_form"] == {"portal"}

    assert "sessionid" in visit("staff", [], then=lambda page: staff_sign_in(site, page, "bill.clerk"))

    context = browser.new_context()
    page = context.new_page()
    listed = _listed(page, url + "/cookies/")
    assert _listed(page, url + "/privacy/") == listed
    page.goto(url + "/cookies/")
    page.screenshot(path=str(ARTIFACTS / "cookies-list.png"), full_page=True)
    browser.close()
    assert held == listed, f"held by the browser: {held}; listed on the cookies page: {listed}"
