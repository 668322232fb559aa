"""The staff service's rules for changes held for a second administrator: who may approve (never the asker,
never the member concerned, only an administrator), that a held change does nothing until approved and
nothing once declined or expired, the events in the access log, who is told, and the set-up link that
works once, for its member alone, until it expires."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.staff import approvals
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import ServiceMembership, SetupLink
from custodian.staff.services import StaffAdminError
from custodian.testing.staff import another_administrator, mailed_to, setup_link

NEW_PASSWORD = "a password of their own choosing"


def services(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def actions() -> list[tuple[str, str]]:
    return list(
        AccessEvent.objects.filter(action__startswith="staff_change").values_list("action", "actor_label")
    )


@pytest.fixture
def asked(dba, privacy_officer, billing_clerk):
    """Ivan asks that the billing clerk also work in customer service (which reads customer data); the
    privacy officer was on staff before he asked."""
    return approvals.staff_membership_change(
        user=billing_clerk, services=["billing", "customer_service"], leads=[], changed_by=dba
    )


def test_a_held_change_does_nothing_until_approved(asked, billing_clerk):
    assert asked.status == ChangeStatus.PENDING and services(billing_clerk) == {"billing"}
    assert actions() == [("staff_change_asked", "ivan.it")]


@pytest.mark.parametrize("who", ["dba", "billing_clerk", "service_rep"])
def test_neither_the_asker_nor_the_member_nor_a_non_administrator_approves(asked, who, request):
    with pytest.raises(StaffAdminError):
        approvals.staff_change_approve(change=asked, by=request.getfixturevalue(who))
    assert services(request.getfixturevalue("billing_clerk")) == {"billing"}
    assert [a for a, _ in actions()] == ["staff_change_asked"]


def test_another_administrator_approves_and_the_change_is_made_once(asked, privacy_officer, billing_clerk):
    approvals.staff_change_approve(change=asked, by=privacy_officer)
    assert services(billing_clerk) == {"billing", "customer_service"}
    with pytest.raises(StaffAdminError, match="already approved"):
        approvals.staff_change_approve(change=asked, by=another_administrator())
    assert actions() == [("staff_change_asked", "ivan.it"), ("staff_change_approved", "priya.privacy")]
    membership = AccessEvent.objects.get(action="staff_membership", actor_label="priya.privacy")
    assert membership.reason == "bill.clerk is in: billing, customer_service"


def test_a_declined_or_expired_change_can_no_longer_be_approved(dba, privacy_officer, billing_clerk, asked):
    approvals.staff_change_decline(change=asked, by=dba)  # the asker withdraws it
    with pytest.raises(StaffAdminError, match="already declined"):
        approvals.staff_change_approve(change=asked, by=privacy_officer)
    late = approvals.staff_change_ask(kind=ChangeKind.SECOND_FACTOR, subject=billing_clerk, asked_by=dba)
    late.expires_at = timezone.now() - timedelta(seconds=1)
    late.save(update_fields=["expires_at"])
    with pytest.raises(StaffAdminError, match="expired"):
        approvals.staff_change_approve(change=late, by=privacy_officer)
    assert services(billing_clerk) == {"billing"}
    assert [a for a, _ in actions()].count("staff_change_approved") == 0


def test_the_member_and_the_privacy_officer_are_told_of_every_ask_and_decision(
    privacy_officer, billing_clerk, dba, mailoutbox, asked
):
    assert [m.subject for m in mailed_to(mailoutbox, billing_clerk)] == [
        f"Staff change {asked.pk} asked: support services that read customer data or decide on others' "
        "access for bill.clerk"
    ]
    assert len(mailed_to(mailoutbox, privacy_officer)) == 1
    approvals.staff_change_decline(change=asked, by=privacy_officer)
    for member in (billing_clerk, privacy_officer, dba):
        assert "declined" in mailed_to(mailoutbox, member)[-1].subject
    assert "asked by ivan.it" in mailed_to(mailoutbox, billing_clerk)[0].body


def test_a_password_reset_needs_an_address_and_is_never_the_askers_own(dba, billing_clerk):
    with pytest.raises(StaffAdminError, match="your own password"):
        approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=dba, asked_by=dba)
    billing_clerk.email = ""
    billing_clerk.save(update_fields=["email"])
    with pytest.raises(StaffAdminError, match="no e-mail address"):
        approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=billing_clerk, asked_by=dba)


def test_the_set_up_link_works_once_and_expires(dba, privacy_officer, billing_clerk, mailoutbox, client):
    change = approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=billing_clerk, asked_by=dba)
    approvals.staff_change_approve(change=change, by=privacy_officer)
    raw = setup_link(mailoutbox, billing_clerk).rstrip("/").rsplit("/", 1)[-1]
    assert approvals.setup_link_use(raw=raw, password=NEW_PASSWORD) == billing_clerk
    assert approvals.setup_link_use(raw=raw, password="another one entirely") is None
    billing_clerk.refresh_from_db()
    assert billing_clerk.check_password(NEW_PASSWORD)

    again = approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=billing_clerk, asked_by=dba)
    approvals.staff_change_approve(change=again, by=privacy_officer)
    SetupLink.objects.filter(used_at__isnull=True).update(expires_at=timezone.now())
    raw = setup_link(mailoutbox, billing_clerk).rstrip("/").rsplit("/", 1)[-1]
    assert approvals.setup_link_use(raw=raw, password=NEW_PASSWORD) is None
    assert client.get(f"/staff/set-up/{raw}/").status_code == 404


def test_a_token_for_oneself_is_not_held_and_one_for_another_is_used_once(
    dba, privacy_officer, billing_clerk
):
    with pytest.raises(StaffAdminError, match="your password"):
        approvals.staff_change_ask(kind=ChangeKind.API_TOKEN, subject=dba, asked_by=dba)
    change = approvals.staff_change_ask(kind=ChangeKind.API_TOKEN, subject=billing_clerk, asked_by=dba)
    assert approvals.staff_change_use(kind=ChangeKind.API_TOKEN, subject=billing_clerk, by=dba) is None
    approvals.staff_change_approve(change=change, by=privacy_officer)
    # Only the asker takes it, once.
    assert (
        approvals.staff_change_use(kind=ChangeKind.API_TOKEN, subject=billing_clerk, by=privacy_officer)
        is None
    )
    assert approvals.staff_change_use(kind=ChangeKind.API_TOKEN, subject=billing_clerk, by=dba) == change
    assert approvals.staff_change_use(kind=ChangeKind.API_TOKEN, subject=billing_clerk, by=dba) is None


def test_the_set_up_link_starts_at_the_sites_own_root(
    dba, privacy_officer, billing_clerk, mailoutbox, settings
):
    """The e-mail is written in the approver's transaction, with no request of the member's to take the host
    from: its link starts at the site's root as people reach it, not at the resource server's."""
    settings.CUSTODIAN_SITE_URL = "https://my.owatonnautilities.example/"
    settings.CUSTODIAN_CONNECT_BASE_URL = "https://data.owatonnautilities.example"
    change = approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=billing_clerk, asked_by=dba)
    approvals.staff_change_approve(change=change, by=privacy_officer)
    (body,) = [m.body for m in mailed_to(mailoutbox, billing_clerk) if "/staff/set-up/" in m.body]
    assert "https://my.owatonnautilities.example/staff/set-up/" in body and "data.owatonna" not in body
