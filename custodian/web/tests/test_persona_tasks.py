"""Each persona's main task, end to end in Chromium against the demo utility, as the person would do it:

- a member of customer service takes a request from the queue and sends the customer a reply written from a
  template;
- the privacy officer records a data request from a call, verifies nothing more is needed, prepares the
  answer and sends the letter;
- a customer signs in, sees what they owe and how their use compares with last year, changes their telephone
  number and is told it was saved.

Every page on the way is checked as the every-page walk checks it: axe-core finds no WCAG 2.2 A/AA or
best-practice violation, and nothing is wider than a 360 px phone."""

import re
from datetime import date

from axe_playwright_python.sync_playwright import Axe

from custodian.demo.generator import application
from custodian.web.tests.browser import (
    contact_form_send,
    launch,
    mail_link,
    needs_chromium,
    portal_sign_in,
    staff_sign_in,
)
from custodian.web.tests.test_every_page_in_a_browser import AXE_TAGS, NARROWEST

pytestmark = needs_chromium


class Checked:
    """A page driven through a task; `check()` runs axe and the 360 px measure on the page as it stands."""

    def __init__(self, page):
        self.page, self.axe, self.problems, self.seen = page, Axe(), [], []

    def check(self) -> None:
        page, where = self.page, self.page.url
        self.seen.append(where)
        results = self.axe.run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
        for v in results.response["violations"]:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            self.problems.append(f"{where}: axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
        size = page.viewport_size
        page.set_viewport_size({"width": NARROWEST, "height": 800})
        if page.evaluate("(limit) => document.documentElement.scrollWidth > limit", NARROWEST):
            self.problems.append(f"{where}: wider than {NARROWEST} px")
        page.set_viewport_size(size)

    def done(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def _context(playwright):
    browser = launch(playwright)
    return browser, browser.new_context(viewport={"width": 1280, "height": 900})


def test_customer_service_takes_a_request_and_sends_a_reply(site, playwright):
    browser, context = _context(playwright)
    page = context.new_page()
    # A resident writes in through the public contact form.
    page.goto(f"{site['url']}/contact/")
    contact_form_send(
        page,
        topic="other",
        message="Can you move my meter reading day? I travel the first week of each month.",
        name="Robin Resident",
        email="robin.resident@example.com",
    )
    number = re.search(r"reference #(\d+)", page.content()).group(1)

    page = context.new_page()
    walk = Checked(page)
    staff_sign_in(site, page, "cora.service")
    walk.check()
    page.goto(f"{site['url']}/staff/requests/?assigned=nobody")
    walk.check()
    page.click(f"button[aria-label='Take request #{number}']")
    page.wait_for_selector(f"text=Request #{number} is yours")
    assert page.url.endswith(f"/staff/requests/{number}/")
    walk.check()
    page.select_option("#id_template", "answer")
    page.click("text=Use this template")
    page.wait_for_url(f"**/staff/requests/{number}/?template=answer*")
    draft = page.input_value("#id_body")
    assert f"request #{number}" in draft and "[…]" in draft
    walk.check()
    page.fill("#id_body", draft.replace("[…]", "Yes: we have moved your reading day to the 10th."))
    page.click("text=Send the reply")
    page.wait_for_selector("text=Reply sent by e-mail")
    walk.check()
    assert page.locator(".usa-process-list__heading", has_text="Reply sent by e-mail").count() == 1
    assert "moved your reading day" in mail_link(
        site, "robin.resident@example.com", r"(Yes: we have moved your reading day[^\n]*)"
    )
    page.goto(f"{site['url']}/staff/requests/?assigned=me")
    assert page.locator(f"a[href='/staff/requests/{number}/']").count() == 1
    walk.check()
    walk.done()
    browser.close()


def test_the_privacy_officer_takes_a_data_request_from_intake_to_the_letter(site, playwright):
    caller = application(3, 2, date.today())
    browser, context = _context(playwright)
    page = context.new_page()
    walk = Checked(page)
    staff_sign_in(site, page, "priya.privacy")
    page.goto(f"{site['url']}/staff/requests/new/")
    walk.check()
    page.select_option("#id_channel", "phone")
    page.select_option("#id_kind", "data_access")
    page.fill("#id_account_number", caller.personal["account_number"])
    page.select_option("#id_purpose", "legal_obligations")
    page.select_option("#id_verification", "account_and_fact")
    page.select_option("#id_verified_with", "last_bill")
    page.fill("#id_message", "The caller asks for a copy of everything we hold about them.")
    page.click("label[for=id_notice_given]")  # the design system hides the box behind its label
    page.click("text=Open the request")
    page.wait_for_selector("text=opened for Privacy officer")
    number = re.search(r"Request #(\d+) opened", page.content()).group(1)
    walk.check()
    page.goto(f"{site['url']}/staff/requests/{number}/")
    walk.check()
    page.click("text=Prepare the answer")
    page.wait_for_url(f"**/staff/requests/{number}/package/")
    walk.check()
    letter = page.content()
    assert caller.personal["name"] in letter  # the letter is addressed to the person it is about
    page.click("label[for=id_confirmed]")
    page.click("text=Send it by letter and close the request")
    page.wait_for_selector(f"text=Request #{number} answered by letter")
    walk.check()
    page.goto(f"{site['url']}/staff/requests/{number}/")
    assert page.locator("text=by letter #").count() >= 1  # the answer, and its letter in the history
    walk.check()
    walk.done()
    browser.close()


def test_a_customer_sees_what_is_owed_and_the_usage_and_changes_a_detail(site, playwright):
    household = application(3, 5, date.today())  # a household no other browser test signs in as
    browser, context = _context(playwright)
    page = context.new_page()
    walk = Checked(page)
    portal_sign_in(site, page, household, "persona.customer@example.com")
    page.wait_for_url("**/portal/me/")
    walk.check()
    assert page.locator("h3", has_text="What you owe").count() == 1
    owed = page.locator(".glance .figure").first.inner_text()
    assert owed.startswith("$")
    assert page.locator("h3", has_text="Your use in").count() == 1
    assert page.locator(".glance dd", has_text="kWh").count() >= 1
    page.click("text=Bills and payments")
    page.wait_for_url("**/portal/me/bills/")
    walk.check()
    page.go_back()
    page.click(".glance >> text=My usage")
    page.wait_for_url("**/portal/me/usage/")
    walk.check()
    page.goto(f"{site['url']}/portal/me/")
    page.fill("#id_phone", "507 451 0199")
    page.click("form[action='/portal/me/contact/'] button[type=submit]")
    page.wait_for_selector("text=Saved: your telephone")
    walk.check()
    assert page.locator("td", has_text="507-451-0199").count() >= 1
    walk.done()
    browser.close()
