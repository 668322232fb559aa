"""Every kind of page, public, portal, console and error pages, in Chromium: axe-core (the copy that
axe-playwright-python bundles, no network) finds no WCAG 2.2 A/AA or best-practice violation (and, on a
360 px wide phone, no scrolling region the keyboard can't reach), nothing pushes the page sideways there, a
chart's labels stay readable there (10 px or more, none over the next), and a screenshot at 1280 and at
390 px goes to test-artifacts/gallery/ with an index that `make gallery` turns into docs/gallery.md.

The pages are found as a person finds them: from each area's navigation, for every demo member of staff and a
signed-in customer, then one page of each kind linked from those (a request, a customer, a bill…); then the
pages only a record's address or a form leads to (a bill, an account, an incident, search results, a password
shown once, the contact form's thanks, the forgotten-password page, a representative's invitation and the
message page after it, the portal's sign-in code, a third party's consent screen, the break-glass
confirmation, a correction notice to post), each area's 403, 404 and 500 pages, and last the pages that end
something: the page after a customer deletes their data, and the staff sign-in locked after failures.

One module (over 400 lines) on purpose: the walk is one browser session in a fixed order (the pages that end
something come last), and the states its later pages need are made by its earlier steps."""

import base64
import hashlib
import json
import re
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.views.defaults import page_not_found, permission_denied

from custodian.demo.generator import application
from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS
from custodian.testing.connect import SCOPE
from custodian.testing.portal import PASSWORD as PORTAL_PASSWORD
from custodian.testing.portal import last_kwh
from custodian.web.tests.browser import (
    ARTIFACTS,
    contact_form_send,
    launch,
    mail_link,
    manage,
    needs_chromium,
    portal_password_sign_in,
    portal_sign_in,
    staff_sign_in,
)
from custodian.web.views import server_error

pytestmark = needs_chromium

GALLERY = ARTIFACTS / "gallery"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
NARROWEST = 360
# What axe checks again at the narrowest width, where tables scroll.
NARROW_RULES = ["scrollable-region-focusable"]
# A PKCE challenge (S256 of a fixed verifier): the consent screen only checks that the request carries one.
PKCE_CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(b"every-page-walk" * 4).digest()).rstrip(b"=").decode()
)
PUBLIC = [
    "/",
    "/services/",
    "/contact/",
    "/privacy/",
    "/privacy/rights/",
    "/privacy/inventory/",
    "/privacy/incidents/",
    "/privacy/versions/",
    "/privacy/report/",
    "/cookies/",
    "/portal/",
    "/portal/sign-in/",
    "/portal/enrol/",
    "/transparency/",
    "/staff/login/",
]
# Links that are files, or that act: never opened by the walk.
NOT_A_PAGE = re.compile(
    r"\.(pdf|csv|xml|json|zip|txt)$|/download|/export|/green-button|sign-out|logout|/file/"
)


def kind(path: str) -> str:
    """A page's kind: its path with the ids replaced, so that one request page stands for all."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


class Walk:
    """Opens pages, checks each and remembers what it found."""

    def __init__(self, site, page):
        self.site, self.page, self.axe = site, page, Axe()
        self.seen: set[str] = set()
        self.problems: list[str] = []
        self.index: list[dict] = []

    @staticmethod
    def slug(path: str, who: str, name: str = "") -> str:
        return name or (who + "-" + (re.sub(r"[^a-z0-9]+", "-", kind(path).lower()).strip("-") or "home"))

    def check(self, path: str, who: str, *, status: int = 200, name: str = "", shown: str = "") -> None:
        if any(p["slug"] == self.slug(path, who, name) for p in self.index):
            return  # this page, as this person, already checked (reached by a link and named again)
        page, url = self.page, self.site["url"] + path
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(url)
        if response is None or response.status != status:
            self.problems.append(f"{path} ({who}): HTTP {response and response.status}, expected {status}")
            return
        self.inspect(shown or path, who, status=status, name=name)

    def after(self, action, who: str, *, name: str, shown: str = "", status: int = 200) -> None:
        """The page a form leads to (a confirmation, a result, a password shown once, the form drawn again
        with its errors: `status` 400), checked where it is: `action` fills and sends the form on the page
        open now."""
        self.page.set_viewport_size({"width": 1280, "height": 900})
        if status == 200:
            action(self.page)  # (some actions go through several pages: the last one is checked)
        else:  # one form sent: its answer is the page checked, with the status asked for
            with self.page.expect_navigation() as navigation:
                action(self.page)
            if navigation.value is None or navigation.value.status != status:
                got = navigation.value and navigation.value.status
                self.problems.append(f"{self.page.url} ({who}): HTTP {got}, expected {status}")
                return
        self.page.wait_for_load_state()
        self.inspect(shown or urlsplit(self.page.url).path, who, status=status, name=name)

    def inspect(self, path: str, who: str, *, status: int = 200, name: str = "") -> None:
        page = self.page
        results = self.axe.run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
        for v in results.response["violations"]:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            self.problems.append(f"{path} ({who}): axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
        slug = self.slug(path, who, name)
        title = page.title()
        page.screenshot(path=str(GALLERY / f"{slug}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(GALLERY / f"{slug}-390.png"), full_page=True)
        page.set_viewport_size({"width": NARROWEST, "height": 800})
        # On the phone a wide table scrolls in its own box: a region the keyboard reaches.
        narrow = self.axe.run(page, options={"runOnly": {"type": "rule", "values": NARROW_RULES}})
        for v in narrow.response["violations"]:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            self.problems.append(f"{path} ({who}) at {NARROWEST} px: axe {v['id']}: {v['help']} at {targets}")
        wide = page.evaluate(
            """(limit) => document.documentElement.scrollWidth <= limit ? [] :
            [...document.querySelectorAll('main *, header *, nav *, footer *')]
              .filter(e => e.getBoundingClientRect().right > limit + 1)
              .slice(0, 3).map(e => e.outerHTML.slice(0, 80))""",
            NARROWEST,
        )
        if wide:
            self.problems.append(f"{path} ({who}): wider than {NARROWEST} px: {wide}")
        # A chart on a phone stays readable: its labels at least 10 px high, none running into the next.
        small, crowded = page.evaluate(
            """() => {
              const shown = [...document.querySelectorAll('svg.chart text.tick-label')]
                .map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
              const small = shown.filter(r => r.height < 10).length;
              const rows = {};
              shown.forEach(r => (rows[Math.round(r.top)] ||= []).push(r));
              const crowded = Object.values(rows).some(row => row.sort((a, b) => a.left - b.left)
                .some((r, i) => i > 0 && r.left < row[i - 1].right));
              return [small, crowded];
            }"""
        )
        if small or crowded:
            self.problems.append(
                f"{path} ({who}): chart labels at {NARROWEST} px: {small} small, crowded {crowded}"
            )
        self.index.append({"slug": slug, "title": title, "path": path, "who": who, "status": status})

    def links(self, prefix: str) -> list[str]:
        hrefs = self.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        found = []
        for href in hrefs:
            parts = urlsplit(href)
            ours = href.startswith(self.site["url"]) and parts.path.startswith(prefix)
            if ours and not parts.query and not NOT_A_PAGE.search(parts.path):
                found.append(parts.path)
        return found

    def area(self, start: str, prefix: str, who: str) -> None:
        """The area's navigation from `start`, then one page of each kind linked from the pages seen."""
        self.page.goto(self.site["url"] + start)
        nav = [
            urlsplit(h).path
            for h in self.page.evaluate(
                "() => [...document.querySelectorAll('#section-nav a')].map(a => a.href)"
            )
        ]
        queue = [start, *nav]
        while queue:
            path = queue.pop(0)
            if kind(path) in self.seen:
                continue
            self.seen.add(kind(path))
            self.check(path, who)
            queue.extend(p for p in self.links(prefix) if kind(p) not in self.seen)


def rendered_error(path: str, status: int) -> str:
    """The 403, 404 or 500 page as the server renders it with DEBUG off (the browser tests' server runs with
    DEBUG on, which shows Django's technical pages instead)."""

    request = RequestFactory().get(path)
    if status == 403:
        response = permission_denied(request, PermissionDenied())
    elif status == 404:
        response = page_not_found(request, Http404())
    else:
        response = server_error(request)
    assert response.status_code == status
    return response.content.decode()


# Records the walk can't reach by links in a small demo (no bill is an exception, no account waits at the
# service desk, no incident is open, no representative is invited, no third party asks for data, no
# correction waits to be posted): found, or made through the services, in the server's database.
RECORDS = """
import hashlib
import json
import secrets
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from custodian.billing.models import Bill
from custodian.casework.corrections import NamedRecipient, correction_apply
from custodian.casework.models import CustomerRequest
from custodian.casework.representatives import Authority, representative_register, representative_verify
from custodian.connect.models import ThirdParty
from custodian.connect.services import third_party_register, third_party_review
from custodian.incidents.services import incident_open
from custodian.staff.models import SetupLink
staff = get_user_model().objects
officer, clerk, desk = (staff.get(username=u) for u in ("priya.privacy", "bill.clerk", "cora.service"))
bill = Bill.objects.order_by("pk").first()
customer = bill.customer
now = timezone.now()
incident = incident_open(
    opened_by=officer, summary="Reads outside working hours", actor_kind="staff", actor_id=str(clerk.pk),
    actor_label="bill.clerk", window_start=now - timedelta(days=1), window_end=now,
)
rep = representative_register(
    authority=Authority(
        customer_id=customer.pk, kind="power_of_attorney", scope=["view"], name="Robin Hale",
        email="robin.hale@example.com", document=b"%PDF-1.4 power of attorney", document_name="poa.pdf",
        media_type="application/pdf", expires_on=timezone.localdate() + timedelta(days=365),
        categories=["name", "bills"],
    ),
    by=desk,
)
invited = []
representative_verify(rep=rep, by=officer, invite_url=lambda token: invited.append(token) or token)
registration = third_party_register(
    name="Watt Walkers", contact="privacy@wattwalkers.example.org", website="https://wattwalkers.example.org",
    purpose="showing the customer which appliances use the most",
    data_practices="kept one year, never sold, deleted when the customer asks",
    redirect_uris=CALLBACK, scopes=SCOPE, public_client=True,
)
third_party_review(
    third_party=registration.third_party, reviewed_by=officer, decision=ThirdParty.Status.APPROVED
)
challenge = CustomerRequest.objects.create(
    customer=customer, kind="correction", channel="portal", owning_service="privacy_officer",
    verification="portal_sign_in",  # sent signed in: the customer, verified (nothing is corrected before)
)
notice = correction_apply(
    request=challenge, by=officer, values={"mailing_address": "PO Box 12, Owatonna, MN 55060"},
    named=[NamedRecipient("The customer's landlord", "14 Oak Street, Owatonna, MN 55060")],
)[-1]  # the one the customer named: a letter to post
# A set-up link as a member's e-mail carries it (for counsel, whose password the walk still uses: the link is
# only opened; a new member would make the database no longer a demo one, and demo_otp refuses such).
set_up = secrets.token_urlsafe(32)
SetupLink.objects.create(
    user=staff.get(username="lena.legal"), token_hash=hashlib.sha256(set_up.encode()).hexdigest(),
    expires_at=now + timedelta(hours=1),
)
print(json.dumps({
    "set_up": set_up,
    "bill": bill.pk, "account": bill.account_id, "customer": customer.pk, "incident": incident.pk,
    "clerk": clerk.pk, "invitation": invited[0], "client_id": registration.client_id,
    "correction": challenge.pk, "notice": notice.pk,
}))
"""
# The third party's callback for the consent screen (never reached: the walk only reads the screen).
CALLBACK_PATH = "/energy-app/callback"


# Pages of each member of staff that only a record's address or a form leads to.
def staff_records(walk, persona: str, ids: dict) -> None:
    if persona == "bill.clerk":
        walk.check(f"/staff/billing/bills/{ids['bill']}/", persona)
        walk.check(f"/staff/billing/accounts/{ids['account']}/", persona)
    if persona == "cora.service":
        walk.check(f"/staff/accounts/{ids['account']}/", persona)
        walk.check(f"/staff/accounts/{ids['account']}/reads/", persona)
        walk.page.goto(walk.site["url"] + "/staff/customers/")
        walk.after(customer_search, persona, name="cora.service-staff-customers-results")
        walk.page.goto(walk.site["url"] + f"/staff/customers/{ids['customer']}/")
        walk.after(break_glass_ask, persona, name="cora.service-staff-customers-n-break-glass")
    if persona == "priya.privacy":
        walk.check(f"/staff/privacy/incidents/{ids['incident']}/", persona)
        walk.after(
            determination_without_reasons,
            persona,
            name="priya.privacy-staff-privacy-incidents-n-form-again",
            status=400,
        )
        walk.check(f"/staff/requests/{ids['correction']}/notices/{ids['notice']}/", persona)
    if persona == "mark.marketer":
        walk.page.goto(walk.site["url"] + "/staff/marketing/?service=")
        walk.after(
            lambda page: page.click("main form[method=post] button"),
            persona,
            name="mark.marketer-staff-marketing-confirm",
        )
    if persona == "ivan.it":
        walk.page.goto(walk.site["url"] + f"/staff/people/{ids['clerk']}/")
        walk.after(
            lambda page: page.click("form[action$='/password/'] button"),
            persona,
            name="ivan.it-staff-people-n-password",
        )


def determination_without_reasons(page) -> None:
    """Record an incident's determination with an outcome chosen and no reasons given: the page comes back
    (400) with the error beside the reasons, and is checked like any other."""
    form = "form[action$='/determine/']"
    page.fill(f"{form} textarea[name=reasons]", "   ")
    page.click(f"{form} button[type=submit]")


def customer_search(page) -> None:
    """Find the demo's customers by a street word, for the purpose of providing services."""
    page.select_option("#id_purpose", "providing_services")
    page.select_option("#id_field", "service_address")
    page.fill("#id_value", "street")
    page.click("main form button[type=submit]")


def break_glass_ask(page) -> None:
    """Ask for emergency access to the customer open on `page`: the first step, which leads to the page that
    says what opens and asks for the password and a fresh code."""
    page.click("summary:has-text('Emergency access')")
    form = "form[action$='/break-glass/']"
    page.select_option(f"{form} select[name=purpose]", "contacting_customers")
    page.fill(
        f"{form} textarea[name=reason]", "Gas smell reported at the premise; the occupant must be reached."
    )
    page.click(f"{form} button[type=submit]")


def staff_locked_out(page, url: str) -> None:
    """Fail the staff sign-in until the lockout page answers (a user name nobody has, from a browser of its
    own: the lockout counts a machine and browser too, and no other sign-in of the run shares it)."""
    for _ in range(10):
        page.goto(url + "/staff/login/")
        page.fill("#id_username", "no.such.person")
        page.fill("#id_password", "not the password")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if not page.query_selector("#id_password"):
            return
    raise AssertionError("the staff sign-in never locked")


def answer(html: str, status: int):
    def fulfil(route):
        route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8")

    return fulfil


def test_every_page_passes_axe_and_fits_a_phone(site, playwright):
    GALLERY.mkdir(parents=True, exist_ok=True)
    browser = launch(playwright)
    context = browser.new_context()
    walk = Walk(site, context.new_page())

    for path in PUBLIC:
        walk.check(path, "public")
    walk.check("/portal/password/", "public")
    walk.check("/connect/register/", "public")
    walk.page.goto(site["url"] + "/privacy/versions/")
    walk.check(walk.links("/privacy/versions/")[-1], "public", name="public-privacy-version")
    walk.page.goto(site["url"] + "/contact/")
    walk.after(
        lambda page: contact_form_send(
            page,
            topic="billing_question",
            message="When is my bill due?",
            name="Pat Doe",
            email="pat@example.com",
        ),
        "public",
        name="public-contact-thanks",
    )
    # The error pages of each area, as rendered with DEBUG off, served at an address of that area.
    for area, path in [
        ("public", "/no-such-page/"),
        ("portal", "/portal/me/no-such-page/"),
        ("console", "/staff/no-such-page/"),
    ]:
        # (The console's 403 is a real one: a member of staff opening another service's page, below.)
        for status in (403, 404, 500) if area != "console" else (404, 500):
            html = rendered_error(path, status)
            walk.page.route(site["url"] + path, answer(html, status))
            walk.check(path, area, status=status, name=f"error-{status}-{area}")
            walk.page.unroute(site["url"] + path)

    # The pages between a form and the account: "check your e-mail" after signing up, and the second factor
    # a member of staff is asked for after the password.
    other = application(3, 7, date.today())  # a household no other browser test enrols
    walk.page.goto(site["url"] + "/portal/enrol/")
    walk.page.fill("#id_account_number", other.personal["account_number"])
    walk.page.fill("#id_last_electric_kwh", str(last_kwh(other)))
    walk.page.fill("#id_email", "enrol.sent@example.com")
    walk.page.fill("#id_password", PORTAL_PASSWORD)
    walk.after(lambda page: page.click("main button[type=submit]"), "public", name="public-portal-enrol-sent")
    # The confirmation link's page (sent to the address on file): it confirms only with its button.
    link = urlsplit(
        mail_link(
            site,
            other.personal.get("email") or "enrol.sent@example.com",
            r"(http://[^\s]+/portal/confirm/[^\s]+/)",
        )
    ).path
    walk.check(link, "public", name="public-portal-confirm", shown="/portal/confirm/…/")
    walk.page.goto(site["url"] + "/staff/login/")
    walk.page.fill("#id_username", "cora.service")
    walk.page.fill("#id_password", DEMO_PASSWORD)
    walk.after(
        lambda page: page.click("main button[type=submit]"), "public", name="public-staff-second-factor"
    )
    context.close()

    callback = site["url"] + CALLBACK_PATH
    made = f"CALLBACK = {callback!r}\nSCOPE = {SCOPE!r}\n" + RECORDS
    ids = json.loads(manage(site, "shell", "-c", made).strip().splitlines()[-1])

    # A representative's invitation (the page to choose a password), then the page that says it is ready.
    context = browser.new_context()
    walk.page = context.new_page()
    walk.check(f"/portal/representative/{ids['invitation']}/", "public", name="public-portal-representative")
    walk.page.fill("#id_password", "a long passphrase for Robin")
    walk.after(lambda page: page.click("main button[type=submit]"), "public", name="public-portal-message")
    context.close()

    # A new member of staff's set-up link (their first password, chosen by them alone).
    context = browser.new_context()
    walk.page = context.new_page()
    walk.check(
        f"/staff/set-up/{ids['set_up']}/", "public", name="public-staff-set-up", shown="/staff/set-up/…/"
    )
    context.close()

    context = browser.new_context()
    walk.page = context.new_page()
    portal_sign_in(site, walk.page, application(3, 3, date.today()), "every.page@example.com")
    walk.page.wait_for_url("**/portal/me/")
    walk.area("/portal/me/", "/portal/", "portal")
    # The usage page's other views, which its links and its form open with a query the walk does not follow.
    last_month = date.today().replace(day=1) - timedelta(days=1)
    walk.check("/portal/me/usage/?view=year", "portal", name="portal-usage-year")
    walk.check(f"/portal/me/usage/?on={last_month:%Y-%m}-15", "portal", name="portal-usage-day")
    walk.check("/portal/me/confirm-it-is-you/", "portal")
    # The sign-in's second step (asked of those who turned on an authenticator app; shown to anyone signed
    # in with the password), and a third party's request for the customer's meter data.
    walk.check("/portal/sign-in/code/", "portal", name="portal-sign-in-code")
    query = {
        "response_type": "code",
        "client_id": ids["client_id"],
        "redirect_uri": callback,
        "scope": SCOPE,
        "state": "walk",
        "code_challenge": PKCE_CHALLENGE,
        "code_challenge_method": "S256",
    }
    walk.check(
        f"/portal/connect/authorize/?{urlencode(query)}",
        "portal",
        name="portal-connect-authorize",
        shown="/portal/connect/authorize/?client_id=…",
    )
    context.close()

    for persona in STAFF_PERSONAS:
        context = browser.new_context()
        walk.page = context.new_page()
        staff_sign_in(site, walk.page, persona.username)
        walk.area("/staff/", "/staff/", persona.username)
        staff_records(walk, persona.username, ids)
        if persona.username == "wendy.web":
            walk.check("/staff/privacy/", "wendy.web", status=403, name="error-403-console")
        if persona.username == "cora.service":
            walk.check("/staff/requests/999999/", "cora.service", status=404, name="error-404-console-record")
        context.close()

    # Last, as they end something: the walk's customer deletes their data (the page after it), and a
    # stranger fails the staff sign-in until it locks (a browser of its own: see staff_locked_out).
    context = browser.new_context()
    walk.page = context.new_page()
    portal_password_sign_in(site, walk.page, "every.page@example.com")
    walk.page.wait_for_url("**/portal/me/")
    walk.page.goto(site["url"] + "/portal/me/delete-my-data/")  # it asks for the password again first
    walk.page.fill("#id_password", PORTAL_PASSWORD)
    walk.page.click("main form button[type=submit]")
    walk.page.wait_for_url("**/portal/me/delete-my-data/")
    walk.page.check("input[name=understood]")
    walk.after(lambda page: page.click("main form button[type=submit]"), "portal", name="portal-erasure-done")
    context.close()
    context = browser.new_context(user_agent="Mozilla/5.0 (X11; Linux x86_64) lockout-walk")
    walk.page = context.new_page()
    walk.after(lambda page: staff_locked_out(page, site["url"]), "public", name="public-staff-locked")
    context.close()
    browser.close()

    (GALLERY / "pages.json").write_text(json.dumps(walk.index, indent=1))
    assert len(walk.index) >= 40, [p["path"] for p in walk.index]
    assert not walk.problems, "\n".join(walk.problems)
