"""The two-person rule for staff changes, against an administrator who would be both people: ivan.it (IT,
which reads no customer's data) adds helper accounts with addresses he controls. Adding a member in a service
that administers staff or reviews access (IT, the privacy officer) is held like one that reads customer data;
an approval comes only from an administrator independent of the asker and of the member concerned: never an
account the asker (or the member) added, directly or through another account they added, nor the account
that added them (or added that one), never one whose own access they asked for or approved, never one added
after the ask. The privacy officer is told at the ask
of every grant of power over others' access."""

import pytest

from custodian.staff import approvals
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import ServiceMembership, StaffOrigin
from custodian.staff.services import StaffAdminError, staff_member_create, staff_member_deactivate
from custodian.testing.staff import another_administrator, mailed_to


def services(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def invite(by, username, services_):
    """`by` adds a member from the console, at an address `by` controls."""
    return approvals.staff_member_invite(
        username=username,
        full_name=username.replace(".", " ").title(),
        email=f"{username}@ivans-own-mail.example.net",
        services=services_,
        changed_by=by,
    )


@pytest.fixture
def olga(db):
    """An IT colleague of ivan's added on the server's command line before anything was asked."""
    return another_administrator()


@pytest.mark.parametrize("service", ["it_database", "privacy_officer"])
def test_adding_a_member_who_would_decide_on_others_access_is_held(dba, privacy_officer, service, mailoutbox):
    helper, change = invite(dba, "ivan.helper2", [service])
    assert services(helper) == set() and change is not None and change.status == ChangeStatus.PENDING
    assert change.detail["services"] == [service] and change.asked_by == dba
    assert StaffOrigin.objects.get(user=helper).created_by == dba
    # The privacy officer hears of it at the ask, the power named in the subject.
    (told,) = mailed_to(mailoutbox, privacy_officer)
    assert f"power over others' access: {service}" in told.subject and "asked" in told.subject


def test_a_web_editor_is_still_added_at_once(dba):
    helper, change = invite(dba, "wes.web", ["web"])
    assert change is None and services(helper) == {"web"}


def test_giving_an_existing_member_it_or_bringing_back_an_administrator_is_held(
    dba, privacy_officer, billing_clerk, olga
):
    change = approvals.staff_membership_change(
        user=billing_clerk, services=["billing", "it_database"], leads=[], changed_by=dba
    )
    assert change is not None and services(billing_clerk) == {"billing"}
    staff_member_deactivate(user=olga, changed_by=privacy_officer)
    olga.refresh_from_db()
    back = approvals.staff_member_reactivation_ask(user=olga, asked_by=dba)
    olga.refresh_from_db()
    assert back is not None and back.kind == ChangeKind.REACTIVATE and not olga.is_active


def test_an_account_the_asker_added_never_approves_the_askers_change(dba, privacy_officer, olga, mailoutbox):
    """The attack: two helpers at ivan's own addresses; the second, once an administrator, approves the
    first as privacy officer."""
    helper, _ = invite(dba, "ivan.helper", ["it_database"])
    helper2, made_admin = invite(dba, "ivan.helper2", ["it_database"])
    # Even when the privacy officer lets helper2 into IT (an honest mistake), helper2 is ivan's.
    approvals.staff_change_approve(change=made_admin, by=privacy_officer)
    assert services(helper2) == {"it_database"}
    asked = approvals.staff_membership_change(
        user=helper, services=["it_database", "privacy_officer"], leads=[], changed_by=dba
    )
    assert any(
        "power over others' access: it_database, privacy_officer" in m.subject
        for m in mailed_to(mailoutbox, privacy_officer)
    )
    with pytest.raises(StaffAdminError, match="ivan.helper2 was added by ivan.it"):
        approvals.staff_change_approve(change=asked, by=helper2)
    assert services(helper) == set()
    # An administrator who was here before the ask, and owes ivan nothing, decides.
    approvals.staff_change_decline(change=asked, by=olga)
    assert services(helper) == set()


def test_an_account_added_by_an_account_the_asker_added_is_his_too(dba, privacy_officer, olga):
    helper, made_admin = invite(dba, "ivan.helper", ["it_database"])
    approvals.staff_change_approve(change=made_admin, by=privacy_officer)
    grandchild, grand_admin = invite(helper, "ivan.helper3", ["it_database"])
    approvals.staff_change_approve(change=grand_admin, by=olga)
    asked = approvals.staff_membership_change(
        user=olga, services=["it_database", "billing"], leads=[], changed_by=dba
    )
    with pytest.raises(StaffAdminError, match="added by ivan.it"):
        approvals.staff_change_approve(change=asked, by=grandchild)


def test_whoever_the_asker_empowered_never_approves_the_askers_change(dba, privacy_officer, olga, counsel):
    """Olga's IT account came back because ivan asked for it: she is not the check on ivan's asks."""
    staff_member_deactivate(user=olga, changed_by=privacy_officer)
    olga.refresh_from_db()
    back = approvals.staff_member_reactivation_ask(user=olga, asked_by=dba)
    approvals.staff_change_approve(change=back, by=privacy_officer)
    olga.refresh_from_db()
    asked = approvals.staff_membership_change(
        user=counsel, services=["legal", "privacy_officer"], leads=[], changed_by=dba
    )
    with pytest.raises(StaffAdminError, match="olga.ops's own access was asked for or approved by ivan.it"):
        approvals.staff_change_approve(change=asked, by=olga)
    # Nor what ivan approved: the privacy officer's colleague whose IT ivan let in.
    pat, made = invite(privacy_officer, "pat.it", ["it_database"])
    approvals.staff_change_approve(change=made, by=dba)
    with pytest.raises(StaffAdminError, match="pat.it's own access was asked for or approved by ivan.it"):
        approvals.staff_change_approve(change=asked, by=pat)
    assert services(counsel) == {"legal"}


def test_an_account_the_member_concerned_added_never_approves_their_change(dba, privacy_officer, olga):
    pat, made = invite(olga, "pat.it", ["it_database"])
    approvals.staff_change_approve(change=made, by=privacy_officer)
    asked = approvals.staff_membership_change(
        user=olga, services=["it_database", "customer_service"], leads=[], changed_by=dba
    )
    with pytest.raises(StaffAdminError, match="pat.it was added by olga.ops"):
        approvals.staff_change_approve(change=asked, by=pat)


def test_an_account_added_after_the_ask_never_approves_it(dba, billing_clerk):
    asked = approvals.staff_membership_change(
        user=billing_clerk, services=["billing", "customer_service"], leads=[], changed_by=dba
    )
    late = staff_member_create(
        username="late.admin", password=None, full_name="Late Admin", services=["it_database"]
    )
    with pytest.raises(StaffAdminError, match="late.admin was added after this was asked"):
        approvals.staff_change_approve(change=asked, by=late)
    assert services(billing_clerk) == {"billing"}


def test_whoever_added_the_asker_is_not_their_second_person(dba, privacy_officer, billing_clerk, olga):
    """The privacy officer added an IT colleague: she may hold that colleague's set-up link, so the
    colleague's asks are not hers to approve (nor anyone's that colleague added); an administrator
    independent of both is."""
    colleague, made = invite(privacy_officer, "pat.it", ["it_database"])
    approvals.staff_change_approve(change=made, by=dba)
    asked = approvals.staff_membership_change(
        user=billing_clerk, services=["billing", "collections"], leads=[], changed_by=colleague
    )
    with pytest.raises(StaffAdminError, match="pat.it was added by priya.privacy"):
        approvals.staff_change_approve(change=asked, by=privacy_officer)
    assert services(billing_clerk) == {"billing"}
    approvals.staff_change_approve(change=asked, by=olga)
    assert services(billing_clerk) == {"billing", "collections"}


def test_an_account_added_by_the_askers_helper_never_makes_the_adder_privacy_officer(dba, privacy_officer):
    """ivan.it's helper (let into IT by the privacy officer in good faith) invites ivan.po as privacy
    officer, at ivan's address: ivan made the helper, so his approval is the helper's own."""
    helper, made_admin = invite(dba, "ivan.helper", ["it_database"])
    approvals.staff_change_approve(change=made_admin, by=privacy_officer)
    po, asked = invite(helper, "ivan.po", ["privacy_officer"])
    with pytest.raises(StaffAdminError, match="ivan.helper was added by ivan.it"):
        approvals.staff_change_approve(change=asked, by=dba)
    assert services(po) == set()
