"""Staff sign in with a password and a TOTP code; first sign-in enrols the app; failures lock the account."""

import base64
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.demo.personas import DEMO_PASSWORD
from custodian.demo.services import demo_staff_ensure
from custodian.staff.mfa import totp_device_set
from custodian.testing import current_code


def sign_in_password(client, username, password=DEMO_PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    url = "/staff/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_the_console_needs_password_and_second_factor(billing_clerk):
    device = totp_device_set(user=billing_clerk)
    client = Client()
    assert client.get("/staff/").status_code == 302
    response = sign_in_password(client, "bill.clerk")
    assert response.status_code == 302 and response.url == "/staff/login/second-factor/"
    assert client.get("/staff/").url == "/staff/login/second-factor/"  # password alone is not enough
    wrong = client.post(
        "/staff/login/second-factor/", {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "not valid" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # skip the retry delay
    device.save()
    ok = client.post("/staff/login/second-factor/", {"code": current_code(device)})
    assert ok.status_code == 302 and ok.url == "/staff/"
    html = client.get("/staff/").content.decode()
    assert "Billing" in html and "Signed in as" in html


def test_first_sign_in_enrols_an_authenticator_with_a_qr_code_and_recovery_codes(billing_clerk):
    client = Client()
    sign_in_password(client, "bill.clerk")
    page = client.get("/staff/login/second-factor/").content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user=billing_clerk, confirmed=False)

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    response = client.post("/staff/login/second-factor/", {"code": current_code(device)})
    codes = re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/staff/").status_code == 200
    # A recovery code works once, in place of the app.
    other = Client()
    sign_in_password(other, "bill.clerk")
    assert other.post("/staff/login/second-factor/", {"code": codes[0]}).status_code == 302
    third = Client()
    sign_in_password(third, "bill.clerk")
    assert third.post("/staff/login/second-factor/", {"code": codes[0]}).status_code == 400


def test_repeated_failures_lock_the_account(billing_clerk, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_password(client, "bill.clerk", "wrong password").status_code == 400
    assert sign_in_password(client, "bill.clerk", "wrong password").status_code == 429
    locked = sign_in_password(client, "bill.clerk")  # even the right password now
    assert locked.status_code == 429
    assert "locked" in locked.content.decode()


def test_idle_sessions_expire():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 30 * 60


def test_demo_staff_get_their_code_from_a_command(db, capsys, settings):
    settings.DEBUG = True  # the command refuses to run in production

    demo_staff_ensure()
    call_command("demo_otp", "bill.clerk")
    code = capsys.readouterr().out.strip()
    client = Client()
    sign_in_password(client, "bill.clerk")
    assert client.post("/staff/login/second-factor/", {"code": code}).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/portal/"])
def test_after_sign_in_only_console_pages_are_followed(billing_clerk, target):
    device = totp_device_set(user=billing_clerk)
    client = Client()
    sign_in_password(client, "bill.clerk", next_url=target)
    response = client.post("/staff/login/second-factor/", {"code": current_code(device)})
    assert response.url == "/staff/"


def test_the_session_id_changes_when_the_second_factor_is_passed(billing_clerk):
    """A session id learnt between the password and the code (fixed, sniffed) is worthless afterwards."""
    device = totp_device_set(user=billing_clerk)
    client = Client()
    sign_in_password(client, "bill.clerk")
    after_password = client.cookies["sessionid"].value
    client.post("/staff/login/second-factor/", {"code": current_code(device)})
    after_code = client.cookies["sessionid"].value
    assert after_code != after_password
    stolen = Client()
    stolen.cookies["sessionid"] = after_password
    assert stolen.get("/staff/").status_code == 302  # the old id opens nothing


def test_the_session_id_changes_at_re_authentication(billing_clerk, customer, console):
    client = console(billing_clerk)
    device = billing_clerk.totpdevice_set.get()
    before = client.cookies["sessionid"].value
    client.post(
        f"/staff/customers/{customer.pk}/break-glass/",
        {
            "purpose": "billing",
            "reason": "customer on the phone, urgent",
            "password": DEMO_PASSWORD,
            "code": current_code(device),
        },
    )
    assert client.cookies["sessionid"].value != before
