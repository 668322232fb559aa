"""The three ways an administrator could once give themselves customer data, each now held for a second
administrator: a second account in services that read customer data, taking over a colleague by resetting
their second factor and password, and an API token that acts as someone else. Until another administrator
(neither the asker nor the member concerned) approves, nothing changes; the asker never sees a credential;
every ask and decision is in the access log, and the member and the privacy officer are told."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.api.models import ApiToken
from custodian.audit.models import AccessEvent
from custodian.demo.personas import DEMO_PASSWORD
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import ServiceMembership, StaffChange
from custodian.testing import current_code
from custodian.testing.staff import OLGA_PASSWORD, another_administrator, mailed_to, setup_link

NEW_PASSWORD = "nora's own password, long enough"


def held(**kwargs) -> StaffChange:
    return StaffChange.objects.get(status=ChangeStatus.PENDING, **kwargs)


def reasons(action) -> list[str]:
    return list(AccessEvent.objects.filter(action=action).values_list("reason", flat=True))


def decide(client, change, decision="approve", password=DEMO_PASSWORD):
    """The administrator signed in on `client` approves (proving it is them with `password`) or declines."""
    given = {"password": password} if decision == "approve" else {}
    return client.post(f"/staff/people/changes/{change.pk}/{decision}/", given, follow=True)


def services(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def phone_shown(client, customer) -> bool:
    page = client.post(
        f"/staff/customers/{customer.pk}/", {"fields": ["phone"], "purpose": "contacting_customers"}
    )
    return "(507) 555-0101" in page.content.decode()


def test_a_second_account_gets_no_customer_data_until_another_administrator_approves(
    console, dba, privacy_officer, customer, mailoutbox
):
    ivan = console(dba)
    page = ivan.post(
        "/staff/people/",
        {
            "username": "nora.new",
            "full_name": "Nora Nilsen",
            "email": "nora.new@staff.example.org",
            "services": ["privacy_officer", "customer_service", "billing", "web"],
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and "data-password" not in html and "wait for another" in html
    nora = get_user_model().objects.get(username="nora.new")
    # Made at once in the service that reads nothing; the rest held, and no password anyone has seen.
    assert services(nora) == {"web"} and not nora.has_usable_password()
    change = held(subject=nora)
    assert change.kind == ChangeKind.SERVICES and change.asked_by == dba
    assert change.detail["services"] == ["billing", "customer_service", "privacy_officer", "web"]
    assert reasons("staff_change_asked") == [
        f"change {change.pk}: support services that read customer data or decide on others' access (billing, "
        "customer_service, "
        "privacy_officer, web) for nora.new, asked by ivan.it"
    ]
    # Nora chooses her own password from the link only she was sent; signed in, she reads nothing yet.
    link = setup_link(mailoutbox, nora)
    assert Client().post(link, {"password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 302
    nora.refresh_from_db()
    assert nora.check_password(NEW_PASSWORD)
    assert Client().get(link).status_code == 404  # once
    theirs = console(nora)
    assert not phone_shown(theirs, customer)
    # The privacy officer was told of the ask; Nora too.
    assert any("nora.new" in m.subject for m in mailed_to(mailoutbox, privacy_officer))
    assert any("asked" in m.subject for m in mailed_to(mailoutbox, nora))

    # The asker can't approve their own ask, nor can the new member; the privacy officer can.
    assert "another administrator" in decide(ivan, change).content.decode()
    assert decide(theirs, change).status_code == 403  # not an administrator at all
    assert services(nora) == {"web"}
    approved = decide(console(privacy_officer), change)
    assert f"Change {change.pk} approved" in approved.content.decode()
    assert services(nora) == {"billing", "customer_service", "privacy_officer", "web"}
    assert reasons("staff_change_approved") == [reasons("staff_change_asked")[0]]
    assert any("approved" in m.subject for m in mailed_to(mailoutbox, dba))


def test_a_colleagues_second_factor_and_password_are_not_reset_without_approval(
    console, dba, privacy_officer, billing_clerk, mailoutbox
):
    """Ivan asks to reset the privacy officer's second factor and password: nothing happens, no password
    is shown to him; Priya (the member concerned) can't approve it either; another administrator can, and
    the set-up link goes to Priya alone."""
    colleague = another_administrator()  # on staff before the ask: an account made after it decides nothing
    ivan = console(dba)
    priyas_session = console(privacy_officer)
    device = TOTPDevice.objects.get(user=privacy_officer)
    for step in ("second-factor", "password"):
        answer = ivan.post(f"/staff/people/{privacy_officer.pk}/{step}/", follow=True)
        html = answer.content.decode()
        assert "waits for another administrator" in html and "data-password" not in html
    privacy_officer.refresh_from_db()
    assert privacy_officer.check_password(DEMO_PASSWORD)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert priyas_session.get("/staff/").status_code == 200
    second_factor, password = held(kind=ChangeKind.SECOND_FACTOR), held(kind=ChangeKind.PASSWORD)
    assert len(mailed_to(mailoutbox, privacy_officer)) == 2

    for change in (second_factor, password):
        asker, member = decide(ivan, change).content.decode(), decide(priyas_session, change).content.decode()
        other = "the second approver must be someone other than you"
        assert f"{other}: another administrator approves it" in asker
        assert f"{other}: a change about you is" in member
        # A billing clerk decides nothing here.
        assert decide(console(billing_clerk), change).status_code == 403
    assert StaffChange.objects.filter(status=ChangeStatus.PENDING).count() == 2

    olga = console(colleague)
    decide(olga, second_factor, password=OLGA_PASSWORD)
    decide(olga, password, password=OLGA_PASSWORD)
    privacy_officer.refresh_from_db()
    assert not privacy_officer.has_usable_password() and not TOTPDevice.objects.filter(user=privacy_officer)
    assert priyas_session.get("/staff/").url.startswith("/staff/login/")
    link = setup_link(mailoutbox, privacy_officer)  # to her alone: not to Ivan, not to Olga
    Client().post(link, {"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    browser = Client()
    assert (
        browser.post("/staff/login/", {"username": "priya.privacy", "password": NEW_PASSWORD}).status_code
        == 302
    )
    assert "Scan" in browser.get("/staff/login/second-factor/").content.decode()
    assert [r.split(":")[0] for r in reasons("staff_change_approved")] == [
        f"change {second_factor.pk}",
        f"change {password.pk}",
    ]
    assert reasons("staff_password_reset") == [
        "priya.privacy: password reset, 0 sessions ended; set-up link sent to them"
    ]
    assert reasons("staff_password_set") == [
        "priya.privacy chose a password from their set-up link, 0 sessions ended"
    ]


def test_a_token_acting_as_someone_else_waits_for_approval_and_is_issued_once(
    console, dba, privacy_officer, mailoutbox
):
    colleague = another_administrator()
    ivan = console(dba)
    asked = ivan.post(
        "/staff/tokens/issue/", {"username": "priya.privacy", "name": "audit export", "days": 7}, follow=True
    )
    assert "waits for another" in asked.content.decode() and "data-secret" not in asked.content.decode()
    assert not ApiToken.objects.exists()
    change = held(kind=ChangeKind.API_TOKEN, subject=privacy_officer)
    assert any("API token" in m.subject for m in mailed_to(mailoutbox, privacy_officer))
    assert "neither" in decide(console(privacy_officer), change).content.decode()
    assert not ApiToken.objects.exists()

    decide(console(colleague), change, password=OLGA_PASSWORD)
    issued = ivan.post("/staff/tokens/issue/", {"username": "priya.privacy", "name": "something else"})
    assert re.search(r"<code data-secret>([^<]+)</code>", issued.content.decode())
    token = ApiToken.objects.get(owner=privacy_officer)
    assert token.name == "audit export"  # as approved
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 7
    # Once: the next ask is a new change, held again.
    again = ivan.post("/staff/tokens/issue/", {"username": "priya.privacy"}, follow=True)
    assert "waits for another" in again.content.decode() and ApiToken.objects.count() == 1


def test_a_token_of_ones_own_needs_the_password_or_a_current_code(console, dba):
    ivan = console(dba)
    refused = ivan.post("/staff/tokens/issue/", {"username": "ivan.it", "password": "not it"})
    assert refused.status_code == 400 and not ApiToken.objects.exists()
    assert ivan.post("/staff/tokens/issue/", {"username": "ivan.it"}).status_code == 400
    ok = ivan.post("/staff/tokens/issue/", {"username": "ivan.it", "password": DEMO_PASSWORD})
    assert ok.status_code == 200 and ApiToken.objects.get().owner == dba
    with_code = ivan.post(
        "/staff/tokens/issue/", {"username": "ivan.it", "code": current_code(dba.totpdevice_set.get())}
    )
    assert with_code.status_code == 200 and ApiToken.objects.count() == 2
    assert not StaffChange.objects.exists()


def test_a_declined_or_expired_change_does_nothing(console, dba, privacy_officer, billing_clerk, mailoutbox):
    ivan, priya = console(dba), console(privacy_officer)
    ivan.post(f"/staff/people/{billing_clerk.pk}/services/", {"services": ["billing", "collections"]})
    change = held(subject=billing_clerk)
    assert services(billing_clerk) == {"billing"}
    assert "declined" in decide(priya, change, "decline").content.decode()
    assert "already declined" in decide(priya, change).content.decode()
    assert services(billing_clerk) == {"billing"}
    assert len(reasons("staff_change_declined")) == 1
    assert any("declined" in m.subject for m in mailed_to(mailoutbox, billing_clerk))
    assert any("declined" in m.subject for m in mailed_to(mailoutbox, dba))

    ivan.post(f"/staff/people/{billing_clerk.pk}/services/", {"services": ["billing", "collections"]})
    late = held(subject=billing_clerk)
    StaffChange.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "has expired" in decide(priya, late).content.decode()
    assert "expired" in priya.get("/staff/people/changes/").content.decode()
    assert services(billing_clerk) == {"billing"}


def test_services_that_read_no_customer_data_and_removals_are_made_at_once(
    console, privacy_officer, billing_clerk
):
    client = console(privacy_officer)
    client.post(f"/staff/people/{billing_clerk.pk}/services/", {"services": ["billing", "web"]})
    assert services(billing_clerk) == {"billing", "web"}
    client.post(f"/staff/people/{billing_clerk.pk}/services/", {"services": ["web"]})
    assert services(billing_clerk) == {"web"} and not StaffChange.objects.exists()


@pytest.mark.parametrize("proof", ["password", "code"])
def test_new_recovery_codes_need_the_password_or_a_current_code_and_are_logged(console, billing_clerk, proof):
    client = console(billing_clerk)
    assert client.post("/staff/recovery-codes/", {}).status_code == 400
    assert client.post("/staff/recovery-codes/", {"password": "a guess"}).status_code == 400
    assert not billing_clerk.staticdevice_set.exists() and not reasons("staff_recovery_codes")
    device = billing_clerk.totpdevice_set.get()
    given = {"password": DEMO_PASSWORD} if proof == "password" else {"code": current_code(device)}
    made = client.post("/staff/recovery-codes/", given)
    assert made.status_code == 200 and made.content.decode().count("<li><code>") == 10
    assert reasons("staff_recovery_codes") == ["bill.clerk made new recovery codes"]


def test_approving_asks_the_approver_to_prove_it_is_them(console, dba, privacy_officer, billing_clerk):
    """A session taken over is not enough to approve: without the approver's password or a current code the
    change stays waiting, the page is drawn again saying so, and a wrong password counts towards the
    approver's lockout as at sign-in."""
    ivan = console(dba)
    ivan.post(f"/staff/people/{billing_clerk.pk}/services/", {"services": ["billing", "collections"]})
    change = held(subject=billing_clerk)
    priya = console(privacy_officer)
    page = priya.get("/staff/people/changes/")
    assert f'id="approve-{change.pk}-password"' in page.content.decode()
    # the services asked for by their labels, never their keys
    assert (
        ": Billing, Collections</td>" in page.content.decode()
        and "billing, collections" not in page.content.decode()
    )
    for given in ({}, {"password": "not her password"}, {"code": "000000"}):
        answer = priya.post(f"/staff/people/changes/{change.pk}/approve/", given)
        assert answer.status_code == 400
        assert f"change {change.pk} is still waiting" in answer.content.decode()
    assert held(subject=billing_clerk) == change and services(billing_clerk) == {"billing"}
    assert reasons("staff_change_approved") == []
    assert AccessAttempt.objects.get(username="priya.privacy").failures_since_start == 1
    approved = decide(priya, change)
    assert f"Change {change.pk} approved" in approved.content.decode()
    assert services(billing_clerk) == {"billing", "collections"}


def test_a_deactivated_member_in_a_service_that_reads_data_signs_in_again_only_once_approved(
    console, dba, privacy_officer, billing_clerk, web_editor
):
    """Reactivating brings back the member's services: for the billing clerk (billing reads customer data)
    it waits for a second administrator; for the web editor (reads none) it is made at once."""
    ivan = console(dba)
    for member in (billing_clerk, web_editor):
        ivan.post(f"/staff/people/{member.pk}/deactivate/")
        member.refresh_from_db()
        assert not member.is_active
    held_answer = ivan.post(f"/staff/people/{billing_clerk.pk}/reactivate/", follow=True).content.decode()
    assert "waits for another administrator" in held_answer
    billing_clerk.refresh_from_db()
    assert not billing_clerk.is_active
    change = held(subject=billing_clerk, kind=ChangeKind.REACTIVATE)
    ivan.post(f"/staff/people/{web_editor.pk}/reactivate/")
    web_editor.refresh_from_db()
    assert web_editor.is_active and not StaffChange.objects.filter(subject=web_editor).exists()
    assert "another administrator" in decide(ivan, change).content.decode()
    decide(console(privacy_officer), change)
    billing_clerk.refresh_from_db()
    assert billing_clerk.is_active and services(billing_clerk) == {"billing"}
    assert reasons("staff_reactivated") == ["wendy.web reactivated", "bill.clerk reactivated"]
