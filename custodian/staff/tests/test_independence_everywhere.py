"""The one rule of independence (custodian.staff.independence.dependence), at every place a second person
decides, against every way the decider may be tied to the person the decision concerns. dana.decider is a
privacy officer (who administers staff and reviews access); pat.person is the one the decision concerns: the
asker or the member of a staff change or of an API token, the member whose held read, emergency access or
flagged reads are reviewed, the member who answers for a system job's flagged reads, or the privacy officer
who recorded a vendor determination or first approved a law enforcement request, or the member of the
service desk who registered a representative's authority from its document. olga.ops, an IT
administrator unrelated to either, approves what the set-up needs; sam.subject and quinn.it are unrelated to
both."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.api.services import api_token_for_member
from custodian.audit.actions import Action
from custodian.audit.events import append_events
from custodian.casework.representatives import (
    RepresentativeError,
    representative_register,
    representative_verify,
)
from custodian.disclosures.services import (
    AccountingError,
    determination_approve,
    vendor_determine,
)
from custodian.incidents.flag_reviews import flag_review
from custodian.incidents.selectors import Flag
from custodian.incidents.services import IncidentError
from custodian.staff import approvals
from custodian.staff.services import (
    StaffAdminError,
    staff_member_deactivate,
    staff_member_reactivate,
    staff_membership_set,
)
from custodian.testing import (
    authority_approved,
    colleague_added,
    police_request,
    power_of_attorney,
    vendor_registered,
)
from custodian.testing.staff import another_administrator, member_of_staff
from custodian.vault.gate import break_glass_open, break_glass_review, staff_actor
from custodian.vault.models import ReadHold
from custodian.vault.services import NotAllowed, read_hold_decide

REFUSED = (StaffAdminError, NotAllowed, IncidentError, AccountingError, RepresentativeError)


def a_read_by(actor_kind: str, actor_id: str, label: str, on_behalf_of: str = "") -> None:
    """One read of a customer without a request, in the access log now."""
    append_events(
        [
            {
                "action": Action.REVEAL,
                "actor_kind": actor_kind,
                "actor_id": actor_id,
                "actor_label": label,
                "purpose": "billing",
                "customer_id": "1",
                "decision": "allow",
                "on_behalf_of": on_behalf_of,
            }
        ]
    )


# The places: the services pat.person needs there, how the decision is asked (returns what is decided),
# and how dana.decider decides it. `since`: False where the decider is named when it is asked (the law
# enforcement request): a decider new since the ask is checked at the naming and at the approval.
@dataclass(frozen=True)
class Place:
    services: tuple[str, ...]
    ask: Callable
    decide: Callable
    since: bool = True


def _staff_change_asked_by(pat, customer):
    sam = member_of_staff("sam.subject", ["billing"])
    return approvals.staff_membership_change(
        user=sam, services=["billing", "collections"], leads=[], changed_by=pat
    )


def _staff_change_for(pat, customer):
    quinn = member_of_staff("quinn.it", ["it_database"])
    return approvals.staff_membership_change(
        user=pat, services=["billing", "collections"], leads=[], changed_by=quinn
    )


def _token_asked_by(pat, customer):
    sam = member_of_staff("sam.subject", ["billing"])
    return api_token_for_member(member=sam, asked_by=pat, name="integration")


def _token_for(pat, customer):
    quinn = member_of_staff("quinn.it", ["it_database"])
    return api_token_for_member(member=pat, asked_by=quinn, name="integration")


def _approve(change, dana):
    approvals.staff_change_approve(change=change, by=dana)


def _hold_of(pat, customer):
    return ReadHold.objects.create(user=pat, purpose="billing", customers_in_hour=30, threshold=25)


def _hold_decide(hold, dana):
    read_hold_decide(hold_id=hold.pk, decided_by=dana, approve=True, note="Month-end run")


def _emergency_of(pat, customer):
    return break_glass_open(
        actor=staff_actor(pat),
        customer_id=customer.pk,
        purpose="contacting_customers",
        reason="Gas leak reported at the premise; must reach the occupant now",
    )


def _emergency_review(grant, dana):
    break_glass_review(grant_id=grant.pk, reviewer=dana, note="Leak confirmed")


def _flag_on_staff(pat, customer):
    a_read_by("staff", str(pat.pk), pat.get_username())
    return Flag("staff", str(pat.pk), pat.get_username(), "read many customers one at a time", 40)


def _flag_on_job(pat, customer):
    a_read_by("system", "billing_run", "billing_run", on_behalf_of=pat.get_username())
    return Flag("system", "billing_run", "billing_run", "read many customers one at a time", 40)


def _flag_review(flag, dana):
    flag_review(flag=flag, by=dana, note="Explained: the annual batch")


def _determination_by(pat, customer):
    vendor = vendor_registered(function="mailing", officer=pat)
    review_by = timezone.localdate() + timedelta(days=30)
    why = "Bills and outage notices by mail keep customers safe."
    return vendor_determine(vendor=vendor, decided_by=pat, review_by=review_by, rationale=why)


def _determination_approve(determination, dana):
    determination_approve(determination=determination, by=dana)


def _law_first(pat, customer):
    return (pat, customer)


def _law_second(asked, dana):
    pat, customer = asked
    police_request(customer, pat, dana)


def _representative_registered_by(pat, customer):
    return representative_register(authority=power_of_attorney(customer), by=pat)


def _representative_verify(rep, dana):
    representative_verify(rep=rep, by=dana, invite_url=str)


PLACES = {
    "staff change, its asker": Place(("it_database",), _staff_change_asked_by, _approve),
    "staff change, its member": Place(("billing",), _staff_change_for, _approve),
    "API token ask, its asker": Place(("it_database",), _token_asked_by, _approve),
    "API token ask, the member it acts as": Place(("billing",), _token_for, _approve),
    "held read": Place(("billing",), _hold_of, _hold_decide),
    "emergency access review": Place(("customer_service",), _emergency_of, _emergency_review),
    "flag on a member's reads": Place(("billing",), _flag_on_staff, _flag_review),
    "flag on a system job's reads": Place(("billing",), _flag_on_job, _flag_review),
    "vendor determination's second person": Place(
        ("privacy_officer",), _determination_by, _determination_approve
    ),
    "law enforcement second approver": Place(("privacy_officer",), _law_first, _law_second, since=False),
    "representative's document, who registered it": Place(
        ("customer_service",), _representative_registered_by, _representative_verify
    ),
}


# The relations: each makes pat.person (in `services`) and dana.decider tied as it says; `before` runs before
# the ask, `after` (if any) after it and returns dana; `says`: the refusal's reason.
def _dana():
    return member_of_staff("dana.decider", ["privacy_officer"])


def _creator(services, olga):
    dana = _dana()
    return colleague_added(dana, "pat.person", services, approved_by=olga), dana


def _creators_creator(services, olga):
    dana = _dana()
    xavier = colleague_added(dana, "xavier.web", ["web"], approved_by=olga)
    return colleague_added(xavier, "pat.person", services, approved_by=olga), dana


def _same_adder(services, olga):
    rita = member_of_staff("rita.it", ["it_database"])
    dana = colleague_added(rita, "dana.decider", ["privacy_officer"], approved_by=olga)
    return colleague_added(rita, "pat.person", services, approved_by=olga), dana


def _added_by_them(services, olga):
    pat = member_of_staff("pat.person", services)
    return pat, colleague_added(pat, "dana.decider", ["privacy_officer"], approved_by=olga)


def _token_holder(services, olga):
    pat, dana = member_of_staff("pat.person", services), _dana()
    approvals.staff_change_approve(change=api_token_for_member(member=pat, asked_by=dana), by=olga)
    return pat, dana


def _token_as_decider(services, olga):
    pat, dana = member_of_staff("pat.person", services), _dana()
    approvals.staff_change_approve(change=api_token_for_member(member=dana, asked_by=pat), by=olga)
    return pat, dana


def _empowered_decider(services, olga):
    pat, dana = member_of_staff("pat.person", services), member_of_staff("dana.decider", ["web"])
    asked = approvals.staff_membership_change(
        user=dana, services=["web", "privacy_officer"], leads=[], changed_by=pat
    )
    approvals.staff_change_approve(change=asked, by=olga)
    return pat, dana


def _reactivated_after(services, olga):
    pat, dana = member_of_staff("pat.person", services), _dana()
    staff_member_deactivate(user=dana)
    return pat, dana


def _then_reactivated(dana):
    staff_member_reactivate(user=dana)
    dana.refresh_from_db()
    return dana


def _empowered_after(services, olga):
    return member_of_staff("pat.person", services), member_of_staff("dana.decider", ["web"])


def _then_empowered(dana):
    staff_membership_set(user=dana, services=["web", "privacy_officer"])
    return dana


def _added_after(services, olga):
    return member_of_staff("pat.person", services), None


def _independent(services, olga):
    return member_of_staff("pat.person", services), _dana()


@dataclass(frozen=True)
class Relation:
    before: Callable
    says: str = ""  # what the refusal says (none: allowed)
    after: Callable | None = None


def after(how: str) -> str:
    return f"dana.decider was {how} after this was asked"


RELATIONS = {
    "dana added pat": Relation(_creator, "pat.person was added by dana.decider"),
    "dana added the account that added pat": Relation(
        _creators_creator, "pat.person was added by dana.decider (or by an account dana.decider added)"
    ),
    "one account added both": Relation(_same_adder, "were added by the same account"),
    "pat added dana": Relation(_added_by_them, "dana.decider was added by pat.person"),
    "dana holds an API token acting as pat": Relation(
        _token_holder, "dana.decider holds an API token that acts as pat.person"
    ),
    "pat holds an API token acting as dana": Relation(
        _token_as_decider, "pat.person holds an API token that acts as dana.decider"
    ),
    "pat asked for dana's power": Relation(
        _empowered_decider, "dana.decider's own access was asked for or approved by pat.person"
    ),
    "dana reactivated after the ask": Relation(
        _reactivated_after, after("let sign in again"), _then_reactivated
    ),
    "dana given power after the ask": Relation(
        _empowered_after, after("given power over others' access"), _then_empowered
    ),
    "dana added after the ask": Relation(_added_after, after("added"), lambda _: _dana()),
    "independent": Relation(_independent),
}


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("place", PLACES)
def test_the_second_person_is_independent(place, relation, customer):
    where, how = PLACES[place], RELATIONS[relation]
    olga = another_administrator()
    pat, dana = how.before(list(where.services), olga)
    if how.after is not None and not where.since:
        # The law enforcement request names its second approver when it is recorded: one who is not there
        # yet, or not yet of the privacy office or legal, cannot be named; one named and changed since is
        # refused when they approve.
        try:
            authority = police_request(customer, pat, dana, approved=False)
        except REFUSED:
            return
        dana = how.after(dana)
        with pytest.raises(REFUSED, match=re.escape(how.says)):
            authority_approved(authority, dana)
        return
    asked = where.ask(pat, customer)
    if how.after is not None:
        dana = how.after(dana)
    if how.says:
        with pytest.raises(REFUSED, match=re.escape(how.says)):
            where.decide(asked, dana)
    else:
        where.decide(asked, dana)
