"""A staff change asked again while the same one waits for approval asks nothing: no second change to decide,
no second e-mail to the member and the privacy officer, no second event in the access log. The administrator
is told which change already waits and since when, and the member's page shows what waits for them."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.staff.choices import ChangeKind, ChangeStatus
from custodian.staff.models import StaffChange


@pytest.mark.parametrize(
    ("step", "kind"),
    [("password", ChangeKind.PASSWORD), ("second-factor", ChangeKind.SECOND_FACTOR)],
)
def test_a_reset_asked_twice_waits_once(console, dba, billing_clerk, privacy_officer, mailoutbox, step, kind):
    ivan = console(dba)
    url = f"/staff/people/{billing_clerk.pk}/{step}/"
    assert ivan.post(url).status_code == 302
    change = StaffChange.objects.get(subject=billing_clerk, kind=kind, status=ChangeStatus.PENDING)
    told = len(mailoutbox)

    html = ivan.post(url, follow=True).content.decode()
    assert "is already waiting for approval since" in html
    assert f"(change {change.pk}, asked by ivan.it): nothing asked again" in html
    assert StaffChange.objects.filter(subject=billing_clerk, kind=kind).count() == 1
    assert len(mailoutbox) == told
    assert AccessEvent.objects.filter(action="staff_change_asked").count() == 1

    page = ivan.get(f"/staff/people/{billing_clerk.pk}/").content.decode()
    assert "Waiting for approval" in page and f"Change {change.pk}: {change.get_kind_display()}" in page


def test_a_reset_declined_may_be_asked_again(console, dba, billing_clerk, privacy_officer):
    ivan = console(dba)
    ivan.post(f"/staff/people/{billing_clerk.pk}/password/")
    StaffChange.objects.filter(subject=billing_clerk).update(status=ChangeStatus.DECLINED)
    assert ivan.post(f"/staff/people/{billing_clerk.pk}/password/").status_code == 302
    assert StaffChange.objects.filter(subject=billing_clerk, status=ChangeStatus.PENDING).count() == 1
    assert "Waiting for approval" in ivan.get(f"/staff/people/{billing_clerk.pk}/").content.decode()


def test_the_same_services_asked_twice_wait_once(console, dba, web_editor):
    ivan = console(dba)
    services = {"services": ["web", "billing"], "leads": []}
    assert ivan.post(f"/staff/people/{web_editor.pk}/services/", services).status_code == 302
    again = ivan.post(f"/staff/people/{web_editor.pk}/services/", services)
    assert again.status_code == 400 and "is already waiting for approval" in again.content.decode()
    other = {"services": ["web", "customer_service"], "leads": []}
    assert ivan.post(f"/staff/people/{web_editor.pk}/services/", other).status_code == 302
    assert StaffChange.objects.filter(subject=web_editor, status=ChangeStatus.PENDING).count() == 2
