"""A law enforcement request's second approver is independent of the privacy officer who approves it: never
an account the privacy officer added (or empowered), nor the other way round."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.disclosures.services import AccountingError, legal_authority_record
from custodian.staff import approvals


def police_request(customer, officer, second):
    return legal_authority_record(
        kind="statute",
        citation="Minn. Stat. § 13.685",
        requester="Owatonna Police Department",
        document=b"request letter",
        document_name="letter.pdf",
        customer_ids=[customer.pk],
        categories=["name"],
        valid_until=timezone.localdate() + timedelta(days=7),
        approved_by=officer,
        second_approver=second,
        statute_release="A law enforcement agency, for an investigation",
        is_law_enforcement=True,
    )


def test_the_second_approver_is_not_an_account_the_first_added(customer, privacy_officer, dba, counsel):
    lars, change = approvals.staff_member_invite(
        username="lars.legal",
        full_name="Lars Larsen",
        email="lars@priyas-own-mail.example.net",
        services=["legal"],
        changed_by=privacy_officer,
    )
    approvals.staff_change_approve(change=change, by=dba)
    with pytest.raises(AccountingError, match="independent of the first: lars.legal was added by priya"):
        police_request(customer, privacy_officer, lars)
    assert police_request(customer, privacy_officer, counsel).second_approver == counsel
