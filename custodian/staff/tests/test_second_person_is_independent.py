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


def let_into_it(by, username, *, approved_by):
    """`by` adds a member who is to be in IT (held), and `approved_by` lets them in."""
    member, held = invite(by, username, ["it_database"])
    approvals.staff_change_approve(change=held, by=approved_by)
    return member


def asks_services(user, services_, *, by):
    """`by` asks that `user` be in `services_` (held for a second administrator when it gives power)."""
    return approvals.staff_membership_change(user=user, services=services_, leads=[], changed_by=by)


def refused(change, *, by, because):
    """`by` approving the change is refused, the message naming why."""
    with pytest.raises(StaffAdminError, match=because):
        approvals.staff_change_approve(change=change, by=by)


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
    change = asks_services(billing_clerk, ["billing", "it_database"], by=dba)
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
    # Even when the privacy officer lets helper2 into IT (an honest mistake), helper2 is ivan's.
    helper2 = let_into_it(dba, "ivan.helper2", approved_by=privacy_officer)
    assert services(helper2) == {"it_database"}
    asked = asks_services(helper, ["it_database", "privacy_officer"], by=dba)
    assert any(
        "power over others' access: it_database, privacy_officer" in m.subject
        for m in mailed_to(mailoutbox, privacy_officer)
    )
    refused(asked, by=helper2, because="ivan.helper2 was added by ivan.it")
    assert services(helper) == set()
    # An administrator who was here before the ask, and owes ivan nothing, decides.
    approvals.staff_change_decline(change=asked, by=olga)
    assert services(helper) == set()


def test_an_account_added_by_an_account_the_asker_added_is_his_too(dba, privacy_officer, olga):
    helper = let_into_it(dba, "ivan.helper", approved_by=privacy_officer)
    grandchild = let_into_it(helper, "ivan.helper3", approved_by=olga)
    asked = asks_services(olga, ["it_database", "billing"], by=dba)
    refused(asked, by=grandchild, because="added by ivan.it")


def test_whoever_the_asker_empowered_never_approves_the_askers_change(dba, privacy_officer, olga, counsel):
    """Olga's IT account came back because ivan asked for it: she is not the check on ivan's asks."""
    staff_member_deactivate(user=olga, changed_by=privacy_officer)
    olga.refresh_from_db()
    back = approvals.staff_member_reactivation_ask(user=olga, asked_by=dba)
    approvals.staff_change_approve(change=back, by=privacy_officer)
    olga.refresh_from_db()
    asked = asks_services(counsel, ["legal", "privacy_officer"], by=dba)
    refused(asked, by=olga, because="olga.ops's own access was asked for or approved by ivan.it")
    # Nor what ivan approved: the privacy officer's colleague whose IT ivan let in.
    pat = let_into_it(privacy_officer, "pat.it", approved_by=dba)
    refused(asked, by=pat, because="pat.it's own access was asked for or approved by ivan.it")
    assert services(counsel) == {"legal"}


def test_an_account_the_member_concerned_added_never_approves_their_change(dba, privacy_officer, olga):
    pat = let_into_it(olga, "pat.it", approved_by=privacy_officer)
    asked = asks_services(olga, ["it_database", "customer_service"], by=dba)
    refused(asked, by=pat, because="pat.it was added by olga.ops")


def test_an_account_added_after_the_ask_never_approves_it(dba, billing_clerk):
    asked = asks_services(billing_clerk, ["billing", "customer_service"], by=dba)
    late = staff_member_create(
        username="late.admin", password=None, full_name="Late Admin", services=["it_database"]
    )
    refused(asked, by=late, because="late.admin was added after this was asked")
    assert services(billing_clerk) == {"billing"}


def test_whoever_added_the_asker_is_not_their_second_person(dba, privacy_officer, billing_clerk, olga):
    """The privacy officer added an IT colleague: she may hold that colleague's set-up link, so the
    colleague's asks are not hers to approve (nor anyone's that colleague added); an administrator
    independent of both is."""
    colleague = let_into_it(privacy_officer, "pat.it", approved_by=dba)
    asked = asks_services(billing_clerk, ["billing", "collections"], by=colleague)
    refused(asked, by=privacy_officer, because="pat.it was added by priya.privacy")
    assert services(billing_clerk) == {"billing"}
    approvals.staff_change_approve(change=asked, by=olga)
    assert services(billing_clerk) == {"billing", "collections"}


def test_an_account_added_by_the_askers_helper_never_makes_the_adder_privacy_officer(dba, privacy_officer):
    """ivan.it's helper (let into IT by the privacy officer in good faith) invites ivan.po as privacy
    officer, at ivan's address: ivan made the helper, so his approval is the helper's own."""
    helper = let_into_it(dba, "ivan.helper", approved_by=privacy_officer)
    po, asked = invite(helper, "ivan.po", ["privacy_officer"])
    refused(asked, by=dba, because="ivan.helper was added by ivan.it")
    assert services(po) == set()
