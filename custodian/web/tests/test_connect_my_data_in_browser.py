"""Green Button Connect My Data in a real browser (Debian's Chromium): a third party registers on the public
page, the privacy officer approves it in the console, the customer reads the consent screen in plain words,
chooses what and for how long and allows it; the third party exchanges the code (PKCE) and fetches its
subscription; the customer revokes it in the portal and the next fetch is refused."""

import base64
import hashlib
import re
import secrets
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from custodian.demo.generator import application
from custodian.testing.connect import SCOPE
from custodian.web.tests.browser import ARTIFACTS, launch, needs_chromium, portal_sign_in, staff_sign_in

pytestmark = needs_chromium

# The third party's callback: a page on the test server's own host (http is registered on localhost only);
# the browser lands there with the code, which is all the test needs of it.
CALLBACK_PATH = "/energy-app/callback"


def test_register_approve_authorise_fetch_revoke_in_a_browser(site, playwright):
    callback = site["url"] + CALLBACK_PATH
    browser = launch(playwright)
    page = browser.new_page()
    page.goto(f"{site['url']}/connect/register/")
    page.fill("#id_name", "Watt Watchers")
    page.fill("#id_contact", "privacy@wattwatchers.example.org")
    page.fill("#id_website", "https://wattwatchers.example.org")
    page.fill("#id_purpose", "showing the customer which appliances use the most")
    page.fill("#id_data_practices", "kept one year, never sold, deleted when the customer asks")
    page.fill("#id_redirect_uris", callback)
    page.fill("#id_scopes", SCOPE)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Registered: waiting for review")
    client_id = page.inner_text(".client-id").strip()
    secret = page.inner_text(".client-secret").strip()

    officer = browser.new_page()
    staff_sign_in(site, officer, "priya.privacy")
    officer.goto(f"{site['url']}/staff/privacy/third-parties/")
    officer.click("section:has-text('Watt Watchers') button:has-text('Approve')")
    officer.wait_for_selector("text=Watt Watchers: approved.")

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    customer = browser.new_page()
    portal_sign_in(site, customer, application(3, 4, date.today()), "connect.user@example.com")
    customer.wait_for_selector("text=What we hold about you")
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": callback,
        "scope": SCOPE,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    customer.goto(f"{site['url']}/portal/connect/authorize/?{urlencode(query)}")
    customer.wait_for_selector("h1:has-text('Share my meter data with Watt Watchers')")
    words = customer.inner_text(".consent-screen")
    assert "electricity meter readings for each interval" in words and "60-minute intervals" in words
    assert "which appliances use the most" in words and "never sold" in words
    customer.click("label:has-text('Three years')")
    customer.screenshot(path=str(ARTIFACTS / "connect-consent-screen.png"), full_page=True)
    customer.click("button:has-text('Allow')")
    customer.wait_for_url(re.compile(".*" + CALLBACK_PATH + r"\?.*code=.*"))
    code = parse_qs(urlsplit(customer.url).query)["code"][0]

    with httpx.Client(base_url=site["url"]) as app:
        tokens = app.post(
            "/connect/oauth/token/",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback,
                "code_verifier": verifier,
            },
            auth=(client_id, secret),
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        # The subscription's id: the one the customer's list of authorised apps revokes.
        customer.goto(f"{site['url']}/portal/me/connected-apps/")
        action = customer.get_attribute("form[action*='connected-apps']", "action")
        sid = re.search(r"connected-apps/(\d+)/", action).group(1)
        feed = app.get(f"/espi/1_1/resource/Batch/Subscription/{sid}", headers=headers)
        assert feed.status_code == 200 and b"IntervalReading" in feed.content

        customer.goto(f"{site['url']}/portal/me/who-we-gave-it-to/")
        assert "Watt Watchers" in customer.content()
        customer.goto(f"{site['url']}/portal/me/connected-apps/")
        customer.click("text=Revoke…")
        customer.wait_for_selector("text=Stop sending your data to Watt Watchers?")
        customer.click("button:has-text('Revoke the authorization')")
        customer.wait_for_selector("text=Watt Watchers no longer receives your data.")
        customer.screenshot(path=str(ARTIFACTS / "connect-revoked.png"), full_page=True)
        assert app.get(f"/espi/1_1/resource/Batch/Subscription/{sid}", headers=headers).status_code == 401
    browser.close()
