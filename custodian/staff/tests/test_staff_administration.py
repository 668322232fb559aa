"""IT (Ivan) and the privacy officer (Priya) administer staff accounts: add a member, change their support
services, deactivate them (their sessions and API tokens end at once), reset a lost second factor or a
forgotten password (once another administrator approves: custodian/console/tests/test_staff_approvals.py);
and list and revoke API tokens. Each change is an event in the access log naming who
made it. A customer's portal sign-in is never shown as staff, and no Django admin is mounted."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.api.models import ApiToken
from custodian.api.services import api_token_create
from custodian.audit.events import CHANGE_ACTIONS
from custodian.audit.models import AccessEvent
from custodian.demo.personas import DEMO_PASSWORD
from custodian.portal.models import PortalAccount
from custodian.staff.models import ServiceMembership, StaffChange
from custodian.testing.staff import setup_link


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def approve_the_held_change(client):
    """The one change waiting, approved by the administrator signed in on `client` (their password)."""
    client.post(f"/staff/people/changes/{StaffChange.objects.get().pk}/approve/", {"password": DEMO_PASSWORD})


def memberships(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def events(action):
    return list(AccessEvent.objects.filter(action=action).values_list("actor_label", "reason"))


def test_it_adds_a_member_of_staff_who_then_signs_in_and_enrols(console, dba, privacy_officer, mailoutbox):
    page = console(dba).post(
        "/staff/people/",
        {
            "username": "nora.new",
            "full_name": "Nora Nilsen",
            "email": "nora.new@staff.example.org",
            "services": ["billing", "collections"],
        },
    )
    assert page.status_code == 200
    nora = get_user_model().objects.get(username="nora.new")
    assert nora.get_full_name() == "Nora Nilsen" and nora.is_active
    assert ("ivan.it", "nora.new added; set-up link sent") in events("staff_added")
    assert ("ivan.it", "nora.new is in: no service") in events("staff_membership")
    # Both services read customer data: they wait for the privacy officer (or another administrator).
    approve_the_held_change(console(privacy_officer))
    assert memberships(nora) == {"billing", "collections"}
    assert ("priya.privacy", "nora.new is in: billing, collections") in events("staff_membership")
    # She chooses her password from the link e-mailed to her; then the authenticator is enrolled.
    password = "nora's own password, not shown to anyone"
    Client().post(setup_link(mailoutbox, nora), {"password": password, "again": password})
    nora.refresh_from_db()
    assert password not in nora.password
    browser = Client()
    signed = browser.post("/staff/login/", {"username": "nora.new", "password": password})
    assert signed.status_code == 302 and signed.url == "/staff/login/second-factor/"
    assert "Scan" in browser.get("/staff/login/second-factor/").content.decode()


def test_a_taken_or_malformed_user_name_is_refused_naming_why(console, privacy_officer, billing_clerk):
    client = console(privacy_officer)
    address = {"email": "x.y@staff.example.org"}
    taken = client.post(
        "/staff/people/", {"username": "bill.clerk", "full_name": "X Y", "services": ["web"], **address}
    )
    assert taken.status_code == 400 and "is taken" in taken.content.decode()
    bad = client.post(
        "/staff/people/", {"username": "Robert'); DROP", "full_name": "X", "services": ["web"], **address}
    )
    assert bad.status_code == 400 and "lower-case letters" in bad.content.decode()
    unknown = client.post(
        "/staff/people/", {"username": "a.b", "full_name": "X", "services": ["nope"], **address}
    )
    assert unknown.status_code == 400 and not get_user_model().objects.filter(username="a.b").exists()


def test_the_privacy_officer_changes_a_members_services_on_the_record(
    console, privacy_officer, billing_clerk, dba
):
    response = console(privacy_officer).post(
        f"/staff/people/{billing_clerk.pk}/services/", {"services": ["billing", "customer_service"]}
    )
    assert response.status_code == 302
    approve_the_held_change(console(dba))
    assert memberships(billing_clerk) == {"billing", "customer_service"}
    assert ("ivan.it", "bill.clerk is in: billing, customer_service") in events("staff_membership")


def test_the_privacy_officer_makes_a_member_the_lead_of_a_service_they_are_in(
    console, privacy_officer, billing_clerk
):
    client = console(privacy_officer)
    url = f"/staff/people/{billing_clerk.pk}/services/"
    response = client.post(url, {"services": ["billing", "web"], "leads": ["billing"]})
    assert response.status_code == 302
    assert set(ServiceMembership.objects.filter(user=billing_clerk).values_list("service", "lead")) == {
        ("billing", True),
        ("web", False),
    }
    assert ("priya.privacy", "bill.clerk is in: billing, web; leads: billing") in events("staff_membership")
    page = client.get(f"/staff/people/{billing_clerk.pk}/").content.decode()
    assert re.search(r'name="leads" value="billing"[^>]*checked', page)

    # Leading a service one is not in is refused, naming the service, and changes nothing.
    refused = client.post(url, {"services": ["web"], "leads": ["billing"]}, follow=True)
    assert "A member leads only a service they are in: Billing." in refused.content.decode()
    assert ServiceMembership.objects.get(user=billing_clerk, service="billing").lead

    # Unticked, the lead ends; the membership stays.
    client.post(url, {"services": ["billing", "web"]})
    assert not ServiceMembership.objects.filter(user=billing_clerk, lead=True).exists()


def test_deactivation_ends_their_sessions_and_api_tokens_at_once(console, dba, billing_clerk):
    theirs = console(billing_clerk)
    assert theirs.get("/staff/").status_code == 200
    _, raw = api_token_create(user=billing_clerk, name="reports")
    api = Client()
    assert api.get("/api/v1/access-events", **bearer(raw)).status_code == 403  # a working token, not allowed
    response = console(dba).post(f"/staff/people/{billing_clerk.pk}/deactivate/")
    assert response.status_code == 302
    billing_clerk.refresh_from_db()
    assert not billing_clerk.is_active
    # Their open console session is gone: the next request asks them to sign in.
    after = theirs.get("/staff/")
    assert after.status_code == 302 and after.url.startswith("/staff/login/")
    assert api.get("/api/v1/access-events", **bearer(raw)).status_code == 401
    assert ApiToken.objects.get(owner=billing_clerk).revoked_at is not None
    assert (
        Client().post("/staff/login/", {"username": "bill.clerk", "password": DEMO_PASSWORD}).status_code
        == 400
    )
    (event,) = events("staff_deactivated")
    assert event == ("ivan.it", "bill.clerk deactivated: 1 sessions ended, 1 API tokens revoked")


@pytest.mark.parametrize("who", ["dba", "billing_clerk", "privacy_officer"])
def test_a_members_page_opens(console, dba, who, request):
    member = request.getfixturevalue(who)
    page = console(dba).get(f"/staff/people/{member.pk}/")
    assert page.status_code == 200 and member.username in page.content.decode()


def test_nobody_deactivates_their_own_account(console, dba):
    client = console(dba)
    client.post(f"/staff/people/{dba.pk}/deactivate/")
    dba.refresh_from_db()
    assert dba.is_active and not events("staff_deactivated")


@pytest.mark.parametrize("services", [["customer_service"], ["it_database", "customer_service"], []])
def test_nobody_changes_their_own_support_services(console, dba, customer, services):
    """IT, whose service reads no customer data, can't put itself in one that does (and then read a phone
    number or break the glass): the change is refused, said, and nothing is recorded."""
    client = console(dba)
    before = events("staff_membership")
    page = client.post(f"/staff/people/{dba.pk}/services/", {"services": services}, follow=True)
    assert "can&#x27;t change your own support services" in page.content.decode()
    assert memberships(dba) == {"it_database"}
    assert events("staff_membership") == before
    shown = client.post(
        f"/staff/customers/{customer.pk}/", {"fields": ["phone"], "purpose": "contacting_customers"}
    )
    assert "(507) 555-0101" not in shown.content.decode()


def test_a_lost_phone_resets_the_second_factor_and_they_enrol_anew(
    console, privacy_officer, billing_clerk, dba
):
    theirs = console(billing_clerk)
    assert TOTPDevice.objects.filter(user=billing_clerk).exists()
    console(privacy_officer).post(f"/staff/people/{billing_clerk.pk}/second-factor/")
    assert TOTPDevice.objects.filter(user=billing_clerk).exists()  # asked: nothing yet
    approve_the_held_change(console(dba))
    assert not TOTPDevice.objects.filter(user=billing_clerk).exists()
    assert not StaticDevice.objects.filter(user=billing_clerk).exists()
    assert theirs.get("/staff/").url.startswith("/staff/login/")
    browser = Client()
    browser.post("/staff/login/", {"username": "bill.clerk", "password": DEMO_PASSWORD})
    assert "Scan" in browser.get("/staff/login/second-factor/").content.decode()
    assert events("staff_mfa_reset") == [("ivan.it", "bill.clerk: second factor reset, 1 sessions ended")]


def test_an_approved_password_reset_sends_the_member_a_set_up_link(
    console, dba, privacy_officer, billing_clerk, mailoutbox
):
    page = console(dba).post(f"/staff/people/{billing_clerk.pk}/password/", follow=True)
    assert "data-password" not in page.content.decode()
    approve_the_held_change(console(privacy_officer))
    billing_clerk.refresh_from_db()
    assert not billing_clerk.has_usable_password()
    assert setup_link(mailoutbox, billing_clerk)
    assert events("staff_password_reset") == [
        ("priya.privacy", "bill.clerk: password reset, 0 sessions ended; set-up link sent to them")
    ]


def test_tokens_are_listed_with_owner_and_expiry_issued_and_revoked_on_the_record(
    console, dba, privacy_officer, billing_clerk
):
    client = console(dba)
    client.post("/staff/tokens/issue/", {"username": "bill.clerk", "name": "nightly export", "days": 30})
    approve_the_held_change(console(privacy_officer))
    issued = client.post("/staff/tokens/issue/", {"username": "bill.clerk"})
    raw = re.search(r"<code data-secret>([^<]+)</code>", issued.content.decode()).group(1)
    token = ApiToken.objects.get(owner=billing_clerk)
    assert (
        token.kind == "staff" and round((token.expires_at - token.created_at).total_seconds() / 86400) == 30
    )
    listing = client.get("/staff/tokens/?owner=bill.clerk").content.decode()
    assert "nightly export" in listing and "bill.clerk" in listing and raw not in listing
    assert Client().get("/api/v1/access-events", **bearer(raw)).status_code == 403
    assert client.post(f"/staff/tokens/{token.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/access-events", **bearer(raw)).status_code == 401
    labels = [(a, r.split(":")[0]) for a, r in events("api_token_issued") + events("api_token_revoked")]
    assert labels == [("ivan.it", f"token {token.pk} (staff, bill.clerk)")] * 2


def test_the_api_token_command_records_its_changes(capsys, billing_clerk):
    call_command("api_token", "create", "--user", "bill.clerk", "--days", "5")
    token = ApiToken.objects.get(owner=billing_clerk)
    call_command("api_token", "expire", str(token.pk))
    call_command("api_token", "revoke", str(token.pk))
    for action in ("api_token_issued", "api_token_expired", "api_token_revoked"):
        ((actor, reason),) = events(action)
        assert actor == "staff administration" and reason.startswith(f"token {token.pk} (staff, bill.clerk)")


def test_customers_portal_sign_ins_are_not_staff(console, dba, customer):
    user = get_user_model().objects.create_user(username="c-portal-login", password="x" * 20)
    PortalAccount.objects.create(user=user, customer=customer, confirmed_at=timezone.now())
    client = console(dba)
    assert "c-portal-login" not in client.get("/staff/people/").content.decode()
    assert client.get(f"/staff/people/{user.pk}/").status_code == 404
    assert client.post(f"/staff/people/{user.pk}/deactivate/").status_code == 404
    user.refresh_from_db()
    assert user.is_active


def test_the_staff_command_adds_changes_lists_and_offboards(capsys, billing_clerk):
    call_command("staff", "add", "olga.ops", "--name", "Olga Ops", "--services", "it_database")
    out = capsys.readouterr().out
    assert "olga.ops added" in out and "first password (shown once): " in out
    call_command("staff", "services", "olga.ops", "it_database,web", "--leads", "web")
    assert "olga.ops is in: it_database,web; leads: web" in capsys.readouterr().out
    assert set(ServiceMembership.objects.filter(lead=True).values_list("user__username", "service")) == {
        ("olga.ops", "web")
    }
    call_command("staff", "deactivate", "bill.clerk")
    assert "bill.clerk deactivated" in capsys.readouterr().out
    call_command("staff", "list")
    listing = capsys.readouterr().out
    assert "olga.ops" in listing and "it_database,web" in listing and "bill.clerk" not in listing
    call_command("staff", "list", "--all")
    assert "deactivated" in capsys.readouterr().out
    call_command("staff", "reset-second-factor", "olga.ops")
    assert [a for a, _ in events("staff_deactivated")] == ["staff administration"]

    with pytest.raises(CommandError, match="not support services"):
        call_command("staff", "services", "olga.ops", "root")
    with pytest.raises(CommandError, match="leads only a service they belong to"):
        call_command("staff", "services", "olga.ops", "web", "--leads", "it_database")
    with pytest.raises(CommandError, match="no member of staff"):
        call_command("staff", "deactivate", "nobody")


def test_no_django_admin_is_mounted():
    """Django's admin would show any model's rows, personal data included: it is not installed, and nothing
    answers under /admin/."""
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    for path in ("/admin/", "/admin/login/", "/admin/auth/user/", "/staff/admin/"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_every_change_action_fits_the_access_logs_column():
    width = AccessEvent._meta.get_field("action").max_length
    assert [a for a in CHANGE_ACTIONS if len(a) > width] == []
