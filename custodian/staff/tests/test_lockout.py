"""Sign-in records (django-axes) keep what security needs and nothing a customer typed: no copy of the form,
no typed user name that is no account's, a customer's address masked and browser reduced to its family; a
staff sign-in's address and browser whole. Lockouts still work."""

from axes.models import AccessAttempt
from django.test import Client

from custodian.demo.personas import DEMO_PASSWORD

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_a_failed_portal_sign_in_keeps_no_address_and_no_form(db):
    client = Client(REMOTE_ADDR="198.51.100.77", HTTP_USER_AGENT=FIREFOX)
    client.post("/portal/sign-in/", {"email": "someone@example.org", "password": "a wrong password here"})
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.ip_address == "198.51.100.0"
    assert attempt.user_agent == "Firefox 128 / Linux / desktop"
    assert attempt.post_data == "" and attempt.get_data == ""
    assert "someone" not in attempt.username


def test_a_failed_staff_sign_in_keeps_the_address_but_no_typed_name(billing_clerk):
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=FIREFOX)
    client.post("/staff/login/", {"username": "pat.jones@example.org", "password": "wrong"})
    client.post("/staff/login/", {"username": "bill.clerk", "password": "not " + DEMO_PASSWORD})
    typed, real = AccessAttempt.objects.order_by("id")
    assert typed.username.startswith("unknown-") and "pat" not in typed.username
    assert real.username == "bill.clerk"
    assert real.ip_address == "203.0.113.9" and real.user_agent == FIREFOX
    assert real.post_data == ""


def test_staff_lockout_by_account_and_by_machine_still_works(billing_clerk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=FIREFOX)
    for _ in range(3):
        client.post("/staff/login/", {"username": "bill.clerk", "password": "wrong"})
    assert (
        client.post("/staff/login/", {"username": "bill.clerk", "password": DEMO_PASSWORD}).status_code == 429
    )
    sprayer = Client(REMOTE_ADDR="203.0.113.50", HTTP_USER_AGENT="spray/1.0")
    for i in range(3):
        sprayer.post("/staff/login/", {"username": f"guess{i}", "password": "wrong"})
    assert sprayer.post("/staff/login/", {"username": "guess9", "password": "wrong"}).status_code == 429
