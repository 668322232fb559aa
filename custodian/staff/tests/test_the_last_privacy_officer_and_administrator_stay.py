"""One administrator never takes away alone the power that checks him: from the console, the last active
privacy officer and the last active IT administrator are neither removed from their service nor deactivated,
and whenever a member loses a service that gives power over others' access (administers staff, reviews
access), every privacy officer is told by e-mail at once, not only the access log."""

import pytest

from custodian.staff import approvals
from custodian.staff.models import ServiceMembership
from custodian.staff.services import StaffAdminError, staff_member_deactivate
from custodian.testing.staff import another_administrator, mailed_to, member_of_staff


def services(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


@pytest.fixture
def petra(db):
    """A second privacy officer, added on the server's command line."""
    return member_of_staff("petra.privacy", ["privacy_officer"])


def test_the_it_administrator_never_removes_the_last_privacy_officer(dba, privacy_officer):
    with pytest.raises(StaffAdminError, match="priya.privacy is the last active member of privacy_officer"):
        approvals.staff_membership_change(user=privacy_officer, services=["web"], leads=[], changed_by=dba)
    with pytest.raises(StaffAdminError, match="priya.privacy is the last active member of privacy_officer"):
        staff_member_deactivate(user=privacy_officer, changed_by=dba)
    privacy_officer.refresh_from_db()
    assert privacy_officer.is_active and services(privacy_officer) == {"privacy_officer"}


def test_nor_the_privacy_officer_the_last_it_administrator(dba, privacy_officer):
    with pytest.raises(StaffAdminError, match="ivan.it is the last active member of it_database"):
        staff_member_deactivate(user=dba, changed_by=privacy_officer)
    dba.refresh_from_db()
    assert dba.is_active


def test_the_server_command_line_still_may(privacy_officer):
    staff_member_deactivate(user=privacy_officer)
    privacy_officer.refresh_from_db()
    assert not privacy_officer.is_active


def test_a_privacy_officer_removed_is_told_to_every_privacy_officer(dba, privacy_officer, petra, mailoutbox):
    approvals.staff_membership_change(user=petra, services=["web"], leads=[], changed_by=dba)
    assert services(petra) == {"web"}
    for officer in (privacy_officer, petra):
        (told,) = mailed_to(mailoutbox, officer)
        assert "petra.privacy no longer has power over others' access: privacy_officer" in told.subject
        assert "removed from privacy_officer" in told.body and "by ivan.it" in told.body


def test_an_administrator_deactivated_is_told_to_the_privacy_officer(dba, privacy_officer, mailoutbox):
    olga = another_administrator()
    staff_member_deactivate(user=dba, changed_by=olga)
    (told,) = mailed_to(mailoutbox, privacy_officer)
    assert "ivan.it no longer has power over others' access: it_database" in told.subject
    assert "deactivated, so no longer acts in it_database" in told.body and "by olga.ops" in told.body
