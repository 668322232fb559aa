"""What the real-browser tests share: Debian's Chromium, the demo server they drive and signing in to it as a
customer or a member of staff. The fixtures that start them are in this folder's conftest.py."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from custodian.demo.personas import DEMO_PASSWORD
from custodian.testing.portal import PASSWORD as PORTAL_PASSWORD
from custodian.testing.portal import last_kwh

CHROMIUM = Path("/usr/bin/chromium")
# The browser tests' mark: skipped where Debian's chromium is not installed.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/ensure-chromium installs it)"
)
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright, **kwargs):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS, **kwargs)


def manage(site, *args: str) -> str:
    """A management command against the browser tests' server (its database and keys), its output."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CUSTODIAN_VAR_DIR": str(site["var"]), "DEBUG": "1"})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def mail_link(site, email: str, pattern: str) -> str:
    """The link matching `pattern` in the last e-mail to `email` that the server printed (development
    e-mail is printed as read: a link is whole on its line). Waited for up to 30 s: a message can go out
    through the outbox's worker, which a machine running the whole suite keeps waiting."""
    for _ in range(300):
        mails = [m for m in site["log"].read_text().split("-" * 79) if f"To: {email}" in m]
        found = re.search(pattern, mails[-1]) if mails else None
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {email} with {pattern}")


def portal_sign_in(site, page, app, email: str) -> None:
    """Enrol the demo customer `app` in the portal, confirm the e-mail from the server's console mail, and
    sign in."""
    kwh = last_kwh(app)
    page.goto(f"{site['url']}/portal/enrol/")
    page.fill("#id_account_number", app.personal["account_number"])
    page.fill("#id_last_electric_kwh", str(kwh))
    page.fill("#id_email", email)
    page.fill("#id_password", PORTAL_PASSWORD)
    page.click("button[type=submit]")
    # The link goes to the address on file where the customer has one (else to the address signing up).
    page.goto(mail_link(site, app.personal.get("email") or email, r"(http://[^\s]+/portal/confirm/[^\s]+/)"))
    page.click("main button[type=submit]")
    portal_password_sign_in(site, page, email)
    if not app.personal.get("email"):
        limit_lifted(site, page, app)


# The code the letter mailed at sign-up prints, as the mailing vendor's PDF draws it (`portal.mailed_code`).
CODE_PRINTED = (
    "from custodian.portal.mailed_code import code_printed;"
    "from custodian.vault import sealing;"
    "from custodian.vault.models import PersonalValue;"
    "from custodian.vault.normalize import normalize;"
    "found = PersonalValue.objects.get(field='account_number', superseded_at__isnull=True,"
    " blind_index=sealing.blind_index('account_number', normalize('account_number', '{number}')));"
    "print(code_printed(found.customer_id))"
)


def limit_lifted(site, page, app) -> None:
    """Enter the code from the letter mailed to a customer with no e-mail address on file, whose online
    account is limited until then to what the bill shows (`portal.access.OPEN_WHILE_LIMITED`)."""
    # The last line: the shell first says what it imported.
    code = manage(site, "shell", "-c", CODE_PRINTED.format(number=app.personal["account_number"])).split()[-1]
    page.goto(f"{site['url']}/portal/me/code-from-our-letter/")
    page.fill("#id_code", code)
    page.click("text=Enter the code")
    page.wait_for_url("**/portal/me/")


def portal_password_sign_in(site, page, email: str, password: str = PORTAL_PASSWORD) -> None:
    """Sign a customer enrolled by `portal_sign_in` in again with their password (or the demo's portal
    customer, online already, with the demo password)."""
    page.goto(f"{site['url']}/portal/sign-in/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def staff_sign_in(site, page, username: str) -> None:
    """Sign a demo member of staff in with their password and the code `manage.py demo_otp` prints."""

    page.goto(site["url"] + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_code")
    # A code is good once (django-otp refuses a time step already used): when another test signed the same
    # person in within the same 30 seconds, the second-factor page comes back and the next step's code works.
    for attempt in range(3):
        page.fill("#id_code", manage(site, "demo_otp", username).strip())
        page.click("button[type=submit]")
        try:
            page.wait_for_url(site["url"] + "/staff/", timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
        time.sleep(31 - time.time() % 30)


def contact_form_send(page, *, topic: str, message: str, name: str, email: str) -> None:
    """Write in through the public contact form open on `page`, until it says the message arrived."""
    page.select_option("#id_topic", topic)
    page.fill("#id_message", message)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.click("button[type=submit]")
    page.wait_for_selector("text=We received your message")
