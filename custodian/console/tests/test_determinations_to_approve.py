"""Priya, the privacy officer, records a vendor determination at the disclosure desk and sees it waiting there
for a second person, with no export under it; on the page of determinations to approve she may only withdraw
her own. Lena, the utility's counsel, approves it there after confirming it is her, and the desk then shows it
current, approved by her."""

from datetime import timedelta

from django.utils import timezone

from custodian.demo.personas import DEMO_PASSWORD
from custodian.testing import vendor_registered

TODAY = timezone.localdate()


def test_the_asker_sees_it_waiting_and_a_second_person_approves_it(console, privacy_officer, counsel):
    vendor = vendor_registered(function="mailing", officer=privacy_officer, name="Acme Mailing")
    priya = console(privacy_officer)
    recorded = priya.post(
        f"/staff/privacy/disclosures/vendors/{vendor.pk}/determination/",
        {
            "rationale": "Outage notices by mail keep customers safe.",
            "review_by": TODAY + timedelta(days=200),
        },
        follow=True,
    ).content.decode()
    assert "it waits for a second person from the privacy office or legal" in recorded
    determination = vendor.determinations.get()
    desk = priya.get("/staff/privacy/disclosures/").content.decode()
    assert f'data-waiting="{determination.pk}"' in desk and "none current: no exports" in desk
    own = priya.get("/staff/privacy/determinations/").content.decode()
    assert "Waiting for a second person." in own and "Withdraw" in own
    assert f"/privacy/determinations/{determination.pk}/approve/" not in own
    refused = priya.post(
        f"/staff/privacy/determinations/{determination.pk}/approve/", {"password": DEMO_PASSWORD}
    )
    assert refused.status_code == 400
    assert "the second approver must be someone other than you" in refused.content.decode()

    lena = console(counsel)
    assert (
        "Outage notices by mail keep customers safe."
        in lena.get("/staff/privacy/determinations/").content.decode()
    )
    wrong = lena.post(f"/staff/privacy/determinations/{determination.pk}/approve/", {"password": "not it"})
    assert wrong.status_code == 400 and "is still waiting" in wrong.content.decode()
    done = lena.post(
        f"/staff/privacy/determinations/{determination.pk}/approve/", {"password": DEMO_PASSWORD}, follow=True
    ).content.decode()
    assert f"Determination {determination.pk} approved" in done and "Approved by lena.legal" in done
    desk = priya.get("/staff/privacy/disclosures/").content.decode()
    assert "approved by lena.legal" in desk and f'data-waiting="{determination.pk}"' not in desk
