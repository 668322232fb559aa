"""A law enforcement request is decided by its statutory release, not only by the box the privacy officer
ticks; it covers no disclosure until the second approver named on it (from the privacy office or legal,
independent of the first) approves it themselves. They are told by e-mail when asked, nobody else may approve
it for them, and the ask and the approval are events in the access log.

Personas: Priya the privacy officer, who records the police department's request; Lena, the utility's
counsel, named its second approver; Ivan of IT, who is neither; and the customer whose name is asked for."""

import pytest

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.disclosures.services import AccountingError, DisclosureRefused, legal_authority_second_approve
from custodian.testing import disclosed, police_request
from custodian.testing.staff import mailed_to

POLICE = ("Owatonna Police Department", "")


def name_to_the_police(by, authority, customer):
    return disclosed(by, [customer.pk], POLICE, ["name"], "investigation", ("legal_authority", authority.pk))


def logged(action) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(action=action).values_list("actor_label", "reason"))


def test_the_request_waits_for_the_named_colleague_who_is_told(
    customer, privacy_officer, counsel, mailoutbox
):
    asked = police_request(customer, privacy_officer, counsel, approved=False)
    assert asked.awaits_second_approver
    (notice,) = mailed_to(mailoutbox, counsel)
    assert "waits for your approval as second approver" in notice.subject
    assert "covers no disclosure until the second approver approves it" in notice.body
    [(who, why)] = logged(Action.LEGAL_AUTHORITY_ASKED)
    assert who == privacy_officer.get_username() and "waits for lena.legal" in why
    with pytest.raises(DisclosureRefused, match="waits for its second approver"):
        name_to_the_police(privacy_officer, asked, customer)

    approved = legal_authority_second_approve(authority=asked, by=counsel)
    assert not approved.awaits_second_approver
    [(who, why)] = logged(Action.LEGAL_AUTHORITY_APPROVED)
    assert who == "lena.legal" and f"request {asked.pk}" in why
    assert "approved by its second approver" in mailed_to(mailoutbox, privacy_officer)[-1].subject
    assert name_to_the_police(privacy_officer, approved, customer).request.outcome == "disclosed"


def test_only_the_named_second_approver_approves(customer, privacy_officer, counsel, dba):
    asked = police_request(customer, privacy_officer, counsel, approved=False)
    for someone in (privacy_officer, dba):
        with pytest.raises(AccountingError, match="only the second approver named on the request"):
            legal_authority_second_approve(authority=asked, by=someone)
    legal_authority_second_approve(authority=asked, by=counsel)
    with pytest.raises(AccountingError, match="approved already"):
        legal_authority_second_approve(authority=asked, by=counsel)


def test_the_statute_makes_it_law_enforcement_whatever_box_is_ticked(customer, privacy_officer, counsel):
    with pytest.raises(AccountingError, match="needs a second approver"):
        police_request(customer, privacy_officer, is_law_enforcement=False)
    unticked = police_request(customer, privacy_officer, counsel, is_law_enforcement=False, approved=False)
    assert unticked.is_law_enforcement and unticked.awaits_second_approver
    with pytest.raises(DisclosureRefused, match="waits for its second approver"):
        name_to_the_police(privacy_officer, unticked, customer)


def test_a_request_under_another_release_needs_no_second_approver(customer, privacy_officer, counsel):
    census = police_request(
        customer,
        privacy_officer,
        counsel,
        requester="Owatonna Public Schools",
        statute_release="A school, for pupil census purposes",
        is_law_enforcement=False,
    )
    assert not census.is_law_enforcement and census.second_approver is None
    assert not census.awaits_second_approver
