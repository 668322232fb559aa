"""Every legal authority (a subpoena, a court order, a statutory release) covers no disclosure until the
second approver named on it (from the privacy office or legal, independent of the first) approves it
themselves, saying what they read in it: what it is, who asks and whether that is a law enforcement agency.
Whether the check applies is not the first approver's to decide: neither the law enforcement box she leaves
unticked nor the release she chooses skips it. The second approver is told by e-mail when asked, nobody else
may approve it for them, and the ask and the approval are events in the access log.

Personas: Priya the privacy officer, who records the police department's request; Lena, the utility's
counsel, named its second approver; Ivan of IT, who is neither; and the customer whose data is asked for."""

import pytest

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.disclosures.services import AccountingError, DisclosureRefused, legal_authority_second_approve
from custodian.testing import disclosed, police_request, subpoena_recorded
from custodian.testing.staff import mailed_to

POLICE = ("Owatonna Police Department", "")
EVERYTHING = ["name", "phone", "bank_account"]


def to_the_police(by, authority, customer, categories=("name",)):
    return disclosed(
        by, [customer.pk], POLICE, list(categories), "investigation", ("legal_authority", authority.pk)
    )


def logged(action) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(action=action).values_list("actor_label", "reason"))


def read_as_recorded(authority, by, **over):
    return legal_authority_second_approve(
        authority=authority,
        **{
            "by": by,
            "kind": authority.kind,
            "requester": authority.requester,
            "is_law_enforcement": authority.is_law_enforcement,
            **over,
        },
    )


def a_police_subpoena(customer, officer, second=None, **over):
    """The police department's subpoena, the law enforcement box left unticked, left waiting."""
    return subpoena_recorded(
        officer, [customer.pk], EVERYTHING, requester=POLICE[0], second=second, approved=False, **over
    )


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
        to_the_police(privacy_officer, asked, customer)

    approved = read_as_recorded(asked, counsel)
    assert not approved.awaits_second_approver
    [(who, why)] = logged(Action.LEGAL_AUTHORITY_APPROVED)
    assert who == "lena.legal" and f"request {asked.pk}" in why
    assert "approved by its second approver" in mailed_to(mailoutbox, privacy_officer)[-1].subject
    assert to_the_police(privacy_officer, approved, customer).request.outcome == "disclosed"


def test_a_police_subpoena_with_the_box_unticked_still_waits(customer, privacy_officer, counsel, mailoutbox):
    subpoena = a_police_subpoena(customer, privacy_officer, counsel)
    assert not subpoena.is_law_enforcement and subpoena.awaits_second_approver
    assert "waits for your approval as second approver" in mailed_to(mailoutbox, counsel)[0].subject
    with pytest.raises(DisclosureRefused, match="waits for its second approver"):
        to_the_police(privacy_officer, subpoena, customer, EVERYTHING)

    approved = read_as_recorded(subpoena, counsel)
    assert to_the_police(privacy_officer, approved, customer, EVERYTHING).request.outcome == "disclosed"


@pytest.mark.parametrize(
    "record",
    [
        lambda customer, officer: a_police_subpoena(customer, officer, second_approver=None),
        lambda customer, officer: a_police_subpoena(
            customer, officer, kind="court_order", second_approver=None
        ),
        lambda customer, officer: police_request(customer, officer, is_law_enforcement=False),
        lambda customer, officer: police_request(
            customer, officer, statute_release="A school, for pupil census purposes", is_law_enforcement=False
        ),
    ],
    ids=["subpoena", "court order", "law enforcement release unticked", "another release"],
)
def test_no_legal_authority_is_recorded_without_a_second_approver(record, customer, privacy_officer):
    with pytest.raises(AccountingError, match="needs a second approver"):
        record(customer, privacy_officer)


def test_the_officer_is_not_her_own_second_approver(customer, privacy_officer):
    with pytest.raises(AccountingError, match="the second approver must be someone other than you"):
        a_police_subpoena(customer, privacy_officer, privacy_officer)


def test_only_the_named_second_approver_approves(customer, privacy_officer, counsel, dba):
    asked = a_police_subpoena(customer, privacy_officer, counsel)
    with pytest.raises(AccountingError, match="the second approver must be someone other than you"):
        read_as_recorded(asked, privacy_officer)
    with pytest.raises(AccountingError, match="only the second approver named"):
        read_as_recorded(asked, dba)
    read_as_recorded(asked, counsel)
    with pytest.raises(AccountingError, match="approved already"):
        read_as_recorded(asked, counsel)


@pytest.mark.parametrize(
    "read, refusal",
    [
        ({"kind": "court_order"}, "recorded as “Subpoena”, and you read “Court order”"),
        ({"requester": "Steele County Attorney"}, "recorded as from Owatonna Police Department"),
        ({"is_law_enforcement": True}, "recorded as not from law enforcement, and you read that it is"),
    ],
)
def test_the_second_approver_confirms_what_it_is_and_who_asks(
    read, refusal, customer, privacy_officer, counsel
):
    subpoena = a_police_subpoena(customer, privacy_officer, counsel)
    with pytest.raises(AccountingError, match=refusal):
        read_as_recorded(subpoena, counsel, **read)
    assert subpoena.awaits_second_approver
    with pytest.raises(DisclosureRefused, match="waits for its second approver"):
        to_the_police(privacy_officer, subpoena, customer)
    # The same name with other spacing or capitals is the same requester.
    read_as_recorded(subpoena, counsel, requester="  owatonna  police department ")


def test_the_statute_makes_it_law_enforcement_whatever_box_is_ticked(customer, privacy_officer, counsel):
    unticked = police_request(customer, privacy_officer, counsel, is_law_enforcement=False, approved=False)
    assert unticked.is_law_enforcement and unticked.awaits_second_approver
    with pytest.raises(AccountingError, match="recorded as a law enforcement request, and you read"):
        read_as_recorded(unticked, counsel, is_law_enforcement=False)


@pytest.mark.parametrize("kind", ["subpoena", "court_order"])
def test_a_law_enforcement_release_on_a_subpoena_makes_it_law_enforcement_too(
    kind, customer, privacy_officer, counsel
):
    """Priya records the police department's subpoena (or court order) naming the law enforcement release
    and leaves the box unticked: the policy file marks it as law enforcement whatever box is ticked, for any
    kind, so Lena's "not law enforcement" does not approve it."""
    unticked = a_police_subpoena(
        customer,
        privacy_officer,
        counsel,
        kind=kind,
        statute_release="A law enforcement agency, for an investigation",
    )
    assert unticked.is_law_enforcement
    with pytest.raises(AccountingError, match="recorded as a law enforcement request, and you read"):
        read_as_recorded(unticked, counsel, is_law_enforcement=False)


def test_a_release_not_on_the_list_is_refused_on_any_kind(customer, privacy_officer, counsel):
    with pytest.raises(AccountingError, match="names an entry of the § 13.685 release list"):
        a_police_subpoena(customer, privacy_officer, counsel, statute_release="A friendly neighbour")
