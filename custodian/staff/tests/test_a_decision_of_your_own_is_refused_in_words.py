"""Whoever asks for a decision held for a second person, or whose own reads it concerns, is told in words
that the second person must be someone other than them, in English and in Spanish: a staff change they asked
for or that is about them, a vendor determination they recorded, a legal authority they recorded or named
themselves on, their own held reads, their own emergency access, a flag on their own reads.

Personas: Priya the privacy officer, Ivan the IT administrator, Bill the billing clerk, a customer."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from custodian.disclosures.services import AccountingError, determination_approve, vendor_determine
from custodian.incidents.flag_reviews import flag_review
from custodian.incidents.selectors import Flag
from custodian.incidents.services import IncidentError
from custodian.staff.approvals import StaffAdminError, staff_change_approve, staff_change_ask
from custodian.staff.choices import ChangeKind
from custodian.testing import authority_approved, police_request, subpoena_recorded, vendor_registered
from custodian.vault.gate import break_glass_review
from custodian.vault.models import BreakGlassGrant, ReadHold
from custodian.vault.services import NotAllowed, read_hold_decide

OTHER = ("the second approver must be someone other than you", "el segundo aprobador debe ser otra persona")
REVIEWER = ("the reviewer must be someone other than you", "quien revisa debe ser otra persona")


def change_asked_by_ivan(w):
    change = staff_change_ask(kind=ChangeKind.SECOND_FACTOR, subject=w.billing_clerk, asked_by=w.dba)
    return lambda: staff_change_approve(change=change, by=w.dba)


def change_about_priya(w):
    change = staff_change_ask(kind=ChangeKind.SECOND_FACTOR, subject=w.privacy_officer, asked_by=w.dba)
    return lambda: staff_change_approve(change=change, by=w.privacy_officer)


def her_determination(w):
    vendor = vendor_registered(function="mailing", officer=w.privacy_officer)
    determination = vendor_determine(
        vendor=vendor,
        decided_by=w.privacy_officer,
        rationale="Outage notices by mail keep customers safe.",
        review_by=timezone.localdate() + timedelta(days=200),
    )
    return lambda: determination_approve(determination=determination, by=w.privacy_officer)


def her_legal_authority(w):
    authority = police_request(w.customer, w.privacy_officer, w.counsel, approved=False)
    return lambda: authority_approved(authority, w.privacy_officer)


def naming_herself(w):
    return lambda: subpoena_recorded(w.privacy_officer, [w.customer.pk], ["name"], second=w.privacy_officer)


def her_held_reads(w):
    hold = ReadHold.objects.create(
        user=w.privacy_officer, purpose="billing", customers_in_hour=90, threshold=50
    )
    return lambda: read_hold_decide(hold_id=hold.pk, decided_by=w.privacy_officer, approve=True, note="Mine")


def her_emergency_access(w):
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=w.privacy_officer,
        customer=w.customer,
        purpose="contacting_customers",
        reason="Gas leak",
        opened_at=now,
        expires_at=now + timedelta(minutes=30),
    )
    return lambda: break_glass_review(grant_id=grant.pk, reviewer=w.privacy_officer, note="Fine")


def a_flag_on_her_reads(w):
    flag = Flag("staff", str(w.privacy_officer.pk), w.privacy_officer.get_username(), "many_customers", 40)
    return lambda: flag_review(flag=flag, by=w.privacy_officer, note="All explained")


DECISIONS = {
    "staff change she asked for": (change_asked_by_ivan, StaffAdminError, OTHER),
    "staff change about her": (change_about_priya, StaffAdminError, OTHER),
    "vendor determination": (her_determination, AccountingError, OTHER),
    "legal authority she recorded": (her_legal_authority, AccountingError, OTHER),
    "legal authority naming herself": (naming_herself, AccountingError, OTHER),
    "held reads": (her_held_reads, NotAllowed, OTHER),
    "emergency access": (her_emergency_access, NotAllowed, REVIEWER),
    "unusual-access flag": (a_flag_on_her_reads, IncidentError, REVIEWER),
}


class World:
    def __init__(self, **personas):
        self.__dict__.update(personas)


@pytest.mark.parametrize("decision", DECISIONS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_your_own_decision_is_refused_saying_someone_other_than_you(
    decision, language, privacy_officer, counsel, dba, billing_clerk, customer
):
    build, refusal, words = DECISIONS[decision]
    w = World(
        privacy_officer=privacy_officer,
        counsel=counsel,
        dba=dba,
        billing_clerk=billing_clerk,
        customer=customer,
    )
    decide = build(w)
    with translation.override(language), pytest.raises(refusal) as refused:
        decide()
    assert str(refused.value).startswith(words[language == "es"])
