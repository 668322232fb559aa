"""The IT administrator, alone, never becomes the privacy officer. ivan.it (IT: reads no customer's data)
adds ivan.helper and ivan.helper2 on the people page at addresses he controls, then asks that ivan.helper be
the privacy officer and has ivan.helper2 approve it. Both accounts are held (IT administers staff): neither
can approve anything until the privacy officer lets them in, and even then ivan.helper2, added by ivan, is
refused as his second person; the privacy officer is told of each grant of power at the ask."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from custodian.demo.personas import DEMO_PASSWORD
from custodian.staff.choices import ChangeStatus
from custodian.staff.models import ServiceMembership, StaffChange
from custodian.testing.staff import mailed_to, setup_link

HELPERS_PASSWORD = "ivan's helper's own password"


def services(user) -> set[str]:
    return set(ServiceMembership.objects.filter(user=user).values_list("service", flat=True))


def add(client, username):
    return client.post(
        "/staff/people/",
        {
            "username": username,
            "full_name": username.replace(".", " ").title(),
            "email": f"{username}@ivans-own-mail.example.net",
            "services": ["it_database"],
        },
    )


@pytest.mark.django_db
def test_ivan_alone_never_makes_a_privacy_officer(console, dba, privacy_officer, customer, mailoutbox):
    ivan = console(dba)
    for username in ("ivan.helper", "ivan.helper2"):
        assert "wait for another" in add(ivan, username).content.decode()
    helper, helper2 = (get_user_model().objects.get(username=u) for u in ("ivan.helper", "ivan.helper2"))
    assert services(helper) == services(helper2) == set()
    # The privacy officer is told of both at once, the power named.
    told = [m.subject for m in mailed_to(mailoutbox, privacy_officer)]
    assert sum("power over others' access: it_database" in s for s in told) == 2

    # ivan.helper2 completes set-up from the link ivan can read; as yet they administer nothing.
    Client().post(setup_link(mailoutbox, helper2), {"password": HELPERS_PASSWORD, "again": HELPERS_PASSWORD})
    helper2.refresh_from_db()
    second = console(helper2)
    made_admin = StaffChange.objects.get(subject=helper2, status=ChangeStatus.PENDING)
    answer = second.post(f"/staff/people/changes/{made_admin.pk}/approve/", {"password": HELPERS_PASSWORD})
    assert answer.status_code == 403
    # Suppose the privacy officer lets ivan.helper2 into IT: still ivan's account.
    priya = console(privacy_officer)
    priya.post(f"/staff/people/changes/{made_admin.pk}/approve/", {"password": DEMO_PASSWORD}, follow=True)
    assert services(helper2) == {"it_database"}

    ivan.post(f"/staff/people/{helper.pk}/services/", {"services": ["it_database", "privacy_officer"]})
    asked = StaffChange.objects.filter(subject=helper, status=ChangeStatus.PENDING).latest("pk")
    assert asked.detail["services"] == ["it_database", "privacy_officer"]
    assert any(
        "power over others' access: it_database, privacy_officer" in m.subject and "asked" in m.subject
        for m in mailed_to(mailoutbox, privacy_officer)
    )
    refused = second.post(
        f"/staff/people/changes/{asked.pk}/approve/", {"password": HELPERS_PASSWORD}, follow=True
    )
    assert "ivan.helper2 was added by ivan.it" in refused.content.decode()
    asked.refresh_from_db()
    assert asked.status == ChangeStatus.PENDING and services(helper) == set()
    # ivan.helper reads no customer's data.
    page = console(helper).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["phone"], "purpose": "legal_obligations"}
    )
    assert "(507) 555-0101" not in page.content.decode()
