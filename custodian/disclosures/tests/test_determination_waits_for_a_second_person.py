"""A vendor determination lets customer data leave for the vendor, so one person never makes it alone: Priya
(the privacy officer) records it and it exports nothing until a second person from the privacy office or
legal, independent of her (custodian.staff.independence, the rule of every two-person decision), approves
it. Lena (the utility's counsel) approves; Priya herself, Ivan of IT, an account Priya added and an account
added after the determination was recorded may not. The privacy officers and the second persons are told at
the ask, Priya again at the decision; each step is in the access log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.disclosures.exports import ExportRefused, vendor_export_run
from custodian.disclosures.models import DisclosureRequest
from custodian.disclosures.services import (
    AccountingError,
    current_determination,
    determination_approve,
    determination_decline,
    vendor_determine,
)
from custodian.testing import colleague_added, mailing_to, persona, vendor_registered

RATIONALE = "Outage notices by mail keep customers informed and safe during planned work."


def _recorded(officer):
    vendor = vendor_registered(function="mailing", officer=officer, name="Acme Mailing")
    determination = vendor_determine(
        vendor=vendor,
        decided_by=officer,
        rationale=RATIONALE,
        review_by=timezone.localdate() + timedelta(days=90),
    )
    return vendor, determination


def test_nothing_is_exported_until_a_second_person_approves(privacy_officer, counsel, customer):
    vendor, determination = _recorded(privacy_officer)
    assert current_determination(vendor) is None
    with pytest.raises(ExportRefused, match="waits for a second person's approval"):
        vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    assert DisclosureRequest.objects.filter(outcome="refused").count() == 1
    decision = determination_approve(determination=determination, by=counsel)
    assert decision.approved and current_determination(vendor) == determination
    export = vendor_export_run(requested_by=privacy_officer, vendor=vendor, **mailing_to(customer))
    assert export.status == "done" and export.rows == 1


def test_the_second_person_is_independent_of_the_one_who_recorded_it(privacy_officer, dba, customer):
    lars = colleague_added(privacy_officer, "lars.legal", ["legal"], approved_by=dba)
    vendor, determination = _recorded(privacy_officer)
    for by, why in (
        (privacy_officer, "the second approver must be someone other than you"),
        (dba, "from the privacy office or legal"),
        (lars, "independent of the first: lars.legal was added by priya.privacy"),
    ):
        with pytest.raises(AccountingError, match=why):
            determination_approve(determination=determination, by=by)
    # An account added after the determination was recorded is not the second person it waits for.
    late = persona("lena.legal")
    with pytest.raises(AccountingError, match="lena.legal was added after this was asked"):
        determination_approve(determination=determination, by=late)
    assert current_determination(vendor) is None


def test_a_declined_determination_never_takes_effect(privacy_officer, counsel):
    vendor, determination = _recorded(privacy_officer)
    determination_decline(determination=determination, by=counsel)
    with pytest.raises(AccountingError, match="already decided"):
        determination_approve(determination=determination, by=counsel)
    assert current_determination(vendor) is None
    # The one who recorded a determination withdraws it the same way.
    _, again = _recorded(privacy_officer)
    assert not determination_decline(determination=again, by=privacy_officer).approved


def test_the_privacy_officer_is_told_and_every_step_is_logged(privacy_officer, counsel):
    mail.outbox.clear()
    _, determination = _recorded(privacy_officer)
    asked = {tuple(m.to) for m in mail.outbox}
    assert asked == {(privacy_officer.email,), (counsel.email,)}
    assert all(f"Vendor determination {determination.pk} recorded" in m.subject for m in mail.outbox)
    assert "takes effect only once a second person" in mail.outbox[0].body
    mail.outbox.clear()
    determination_approve(determination=determination, by=counsel)
    assert {tuple(m.to) for m in mail.outbox} == asked  # the one who recorded it is a privacy officer
    assert all("approved" in m.subject for m in mail.outbox)
    events = AccessEvent.objects.filter(
        action__in=[Action.DETERMINATION_ASKED, Action.DETERMINATION_APPROVED]
    ).order_by("seq")
    assert [(e.action, e.actor_label) for e in events] == [
        (Action.DETERMINATION_ASKED, "priya.privacy"),
        (Action.DETERMINATION_APPROVED, "lena.legal"),
    ]
