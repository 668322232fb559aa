import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.audit.actions import CHANGE_ACTIONS, Action
from custodian.audit.models import AccessEvent
from custodian.policy.loader import current_policy


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


# The kinds of actor the access log is searched by (and an incident investigates the access of).
ACTOR_KINDS = ("staff", "customer", "system", "vendor")
# A customer's representative, searched by their own customer number: their acts are logged as the acts of
# the customers they act for, named in the label (`BY_REPRESENTATIVE`), so the privacy officer's access review
# and an incident find them by it. (The API's filter keeps the kinds the log itself records.)
REPRESENTATIVE = "representative"
SEARCHED_KINDS = (*ACTOR_KINDS, REPRESENTATIVE)


def access_events(*, limit: int = 100, **filters):
    """Access log entries, newest first, as `access_events_matching` filters them; at most `limit` (up to
    1,000)."""
    return access_events_matching(**filters)[: max(1, min(limit, 1000))]


def access_events_matching(
    *,
    customer_id=None,
    actor_id=None,
    actor_kind=None,
    purpose=None,
    decision=None,
    since: datetime | None = None,
    until: datetime | None = None,
    own_request: bool = False,
):
    """Access log entries, newest first, filtered by customer, actor, purpose, decision, reads through the
    reader's own requests, and time: a query the caller pages or streams.

    An actor's id means something only with its kind (staff member 3, customer 3 and vendor 3 are three
    different actors), so an id without a kind is refused rather than matched across kinds."""
    if actor_kind and actor_kind not in SEARCHED_KINDS:
        raise ValueError(f"unknown kind of actor {actor_kind!r}: one of {', '.join(SEARCHED_KINDS)}")
    if actor_id and not actor_kind:
        raise ValueError("an actor's id needs its kind (staff, customer, system or vendor)")
    qs = AccessEvent.objects.order_by("-seq")
    if customer_id is not None:
        qs = qs.filter(customer_id=str(customer_id))
    if actor_kind:
        qs = acts_of(qs, actor_kind=actor_kind, actor_id=actor_id)
    if own_request:
        qs = qs.filter(own_request="yes")
    if purpose:
        qs = qs.filter(purpose=purpose)
    if decision:
        qs = qs.filter(decision=decision)
    if since:
        qs = qs.filter(at_us__gte=_us(since))
    if until:
        qs = qs.filter(at_us__lt=_us(until))
    return qs


class Asker(Protocol):
    """Who asks (`custodian.vault.gate.Actor` is one; the access log sits below the gate)."""

    kind: str
    customer_id: int | None
    # A representative's data categories (None: no such limit, the customer themself).
    categories: frozenset[str] | None

    def reads_own(self, customer_id, *, category: str | None = None, scope: str | None = None) -> bool:
        """Whether this asker is the customer, or their representative within the authority's category and
        scope."""
        ...


# A representative acting for the customer reads and writes as the customer, named in the event's label
# ("representative <their customer number> (<kind of authority>…)": `casework.representatives.
# representative_actor`, `portal.access.acting_label`): the customer's own acts are theirs to know, their
# representative's are someone else's, which "who has seen or changed my data" lists.
BY_REPRESENTATIVE = "representative "


def acts_of(events, *, actor_kind: str, actor_id=None):
    """`events` narrowed to one kind of actor (`SEARCHED_KINDS`), and to one actor of it when `actor_id` is
    given: for a representative, the events naming them (by their customer number) whoever they acted for."""
    if actor_kind == REPRESENTATIVE:
        named = f"{BY_REPRESENTATIVE}{actor_id} (" if actor_id else BY_REPRESENTATIVE
        return events.filter(actor_kind="customer", actor_label__startswith=named)
    events = events.filter(actor_kind=actor_kind)
    return events.filter(actor_id=actor_id) if actor_id else events


def who_has_seen(*, customer_id: int, fetched_by: Asker, limit: int | None = 500, oldest_first: bool = False):
    """ "Who has seen or changed my data": the access log's events about the customer made by others (staff,
    jobs, vendors, apps the customer authorised, their representative), newest first (or oldest first, for
    a data access answer); `seen_in_words` tells a page of them in the customer's words.
    A customer asks about themself only; their representative sees only the events whose every data
    category their authority covers (an event naming no data, such as a change to the customer's sign-in,
    is the customer's own to see: it is not within any authority's data); staff ask while answering the
    customer (the response package, read through the gate with its request); anyone else gets nothing."""
    if fetched_by.kind == "customer" and not fetched_by.reads_own(customer_id):
        return AccessEvent.objects.none()
    if fetched_by.kind not in ("customer", "staff"):
        return AccessEvent.objects.none()
    events = (
        AccessEvent.objects.filter(customer_id=str(customer_id))
        .exclude(Q(actor_kind="customer") & ~Q(actor_label__startswith=BY_REPRESENTATIVE))
        .order_by("seq" if oldest_first else "-seq")
    )
    if fetched_by.kind == "customer" and fetched_by.categories is not None:
        events = events.filter(categories__regex=within(fetched_by.categories))
    return events if limit is None else events[:limit]


def within(categories) -> str:
    """A pattern matching a comma-separated list of categories, each one of `categories` (at least one: an
    empty list does not match)."""
    keys = "|".join(re.escape(c) for c in sorted(categories)) or "$."
    return f"^({keys})(,({keys}))*$"


# A disclosure to a third party is read by the disclosures job on behalf of the privacy officer, who alone
# discloses (custodian.disclosures.services.disclose); its event's reason ends with to whom and on what basis.
_DISCLOSED = re.compile(r"(?:^|; )disclosed to (?P<recipient>.+) under (?P<basis>consent|legal_authority)$")
DISCLOSURE_BASES = {
    "consent": gettext_lazy("Given to %(recipient)s under your written consent"),
    "legal_authority": gettext_lazy(
        "Given to %(recipient)s as the law authorizes (a subpoena, court order or statute)"
    ),
}


def disclosure_reason(recipient: str, basis_kind: str) -> str:
    """What a disclosure's access event says it did, after the decision's reason."""
    return f"disclosed to {recipient} under {basis_kind}"


def _disclosed(event):
    return _DISCLOSED.search(event.reason) if event.action == Action.DISCLOSURE else None


def _who(event, *, you: bool) -> str:
    services = current_policy().services
    named = ", ".join(services[s].in_language().label for s in event.roles.split(",") if s in services)
    if named:
        return named
    if event.action == Action.DISCLOSURE and event.actor_kind == "system":
        officers = [s.in_language().label for s in services.values() if s.reviews_access]
        return ", ".join(officers) or _("Our staff")
    if event.actor_kind == "third_party":
        return _("%(app)s, an app you authorized") % {"app": event.actor_label}
    if event.actor_kind == "customer" and event.actor_label.startswith(BY_REPRESENTATIVE):
        return _("Your representative")
    words = {"system": _("An automated job"), "vendor": _("A vendor"), "staff": _("Our staff")}
    if you:
        words["customer"] = _("You")
    return words.get(event.actor_kind, _("Someone else"))


# A change to what the utility holds (recorded with no purpose of the policy file's: it is no read), as the
# customer reads it in "who has seen or changed my data" and in a data request's answer; never its key.
CHANGE_LABELS = {
    Action.RECORD_VALUES: gettext_lazy("Recorded or corrected your details"),
    Action.VALUES_REMOVED: gettext_lazy("Removed some of your details"),
    Action.CONSENT_GIVEN: gettext_lazy("Recorded your consent"),
    Action.CONSENT_REVOKED: gettext_lazy("Recorded the revocation of your consent"),
    Action.BREAK_GLASS_REVIEW: gettext_lazy("Reviewed an emergency access to your data"),
    Action.ACCESS_LOG_REVIEWED: gettext_lazy("Reviewed the record of who has seen or changed your data"),
    Action.ACCESS_LOG_DOWNLOADED: gettext_lazy("Downloaded the record of who has seen or changed your data"),
    Action.SERVICE_STARTED: gettext_lazy("Started your service"),
    Action.SERVICE_STOPPED: gettext_lazy("Stopped your service"),
    Action.SERVICE_MOVED: gettext_lazy("Moved your service"),
    Action.SERVICE_CHANGE_ASKED: gettext_lazy("Recorded your request to stop or move service"),
    Action.PORTAL_PASSWORD_RESET: gettext_lazy("Set a new password for My account from a link we e-mailed"),
    Action.PORTAL_SIGNED_UP: gettext_lazy("Confirmed a sign-up for My account"),
    Action.PORTAL_PASSWORD_CHANGED: gettext_lazy("Changed the password for My account"),
    Action.PORTAL_AUTHENTICATOR_ON: gettext_lazy("Switched on an authenticator app for My account"),
    Action.PORTAL_AUTHENTICATOR_OFF: gettext_lazy("Switched off the authenticator app for My account"),
    Action.PORTAL_LIMIT_LIFTED: gettext_lazy(
        "Entered the code from our letter: My account is no longer limited"
    ),
    Action.CORRECTION_NOTICE_SENT: gettext_lazy("Told a past recipient of your data of its correction"),
    Action.DISAGREEMENT_RECORDED: gettext_lazy("Kept your statement of disagreement with your data"),
    Action.METER_CHALLENGE_RESULT: gettext_lazy(
        "Recorded the result of your challenge of the meter readings"
    ),
    Action.REPEAT_ANSWERED_IN_FULL: gettext_lazy("Decided to answer your repeated data request in full"),
    Action.DISCONNECTION_WITHDRAWN: gettext_lazy(
        "Withdrew a planned disconnection of your service for your payment agreement"
    ),
    Action.PAYMENT_AGREEMENT_AGREED: gettext_lazy("Agreed a payment agreement with you"),
    Action.LATE_FEE_REVERSED: gettext_lazy("Reversed a late payment charge: your payment was on time"),
    Action.PAYMENT_AGREEMENT_DECLINED: gettext_lazy(
        "Answered your request for a payment agreement without an agreement"
    ),
    Action.PAYMENT_AGREEMENT_CLOSED: gettext_lazy(
        "Closed your request for a payment agreement: nothing was past due any more"
    ),
    Action.REPRESENTATIVE_ADDED: gettext_lazy("Registered a representative to act for you"),
    Action.REPRESENTATIVE_VERIFIED: gettext_lazy(
        "Checked the document that gives your representative their authority: it is in force"
    ),
    Action.REPRESENTATIVE_REVOKED: gettext_lazy("Ended your representative's authority"),
    Action.REPRESENTATIVE_JOINED: gettext_lazy("Added your representative's authority to their own sign-in"),
    Action.PAYMENT_RECORDED: gettext_lazy("Recorded your payment"),
    Action.DEPOSIT_ASKED: gettext_lazy("Asked you for a deposit"),
    Action.DEPOSIT_PAID: gettext_lazy("Recorded your deposit as paid"),
    Action.DEPOSIT_RETURNED: gettext_lazy("Returned your deposit against your final bill"),
    Action.DEPOSIT_RELEASED: gettext_lazy("Stopped asking for your deposit: your service stopped"),
    Action.DEPOSIT_INTEREST_CREDITED: gettext_lazy("Credited the interest on your deposit"),
    Action.CREDIT_REFUNDED: gettext_lazy("Set the credit left after your final bill to be refunded to you"),
    Action.REFUND_SENT: gettext_lazy("Sent you a refund"),
    Action.BUDGET_STARTED: gettext_lazy("Started budget billing for you"),
    Action.BUDGET_TRUED_UP: gettext_lazy("Settled the year's difference of your budget billing"),
    Action.BUDGET_ENDED: gettext_lazy("Ended your budget billing"),
}
OTHER_CHANGE = gettext_lazy("Recorded a change to your account")
# An attempt that named no purpose of the policy (an incomplete emergency access form, a read asked with an
# unknown purpose) is still an attempt on the customer's data, never "a change", whatever the gate answered.
ATTEMPT_LABELS = {Action.BREAK_GLASS: gettext_lazy("Asked for emergency access to your data")}
READ_WITHOUT_PURPOSE = gettext_lazy("Asked to see your data without a purpose our privacy policy names")


# Who acted and why, in the words of the app that knows: an app the customer authorised reads under their
# authorisation, for the purpose they authorised it for (Connect My Data tells it; the policy file's purpose
# under which the gate let the app read, "Providing or improving utility services", is the utility's, not
# what the customer agreed to); a representative acts under the authority the customer gave (casework tells
# which). Each app registers its describer (in `AppConfig.ready`), which is given a page's events at once
# and answers for those it knows, by their position in the log: it asks the database once for the whole
# page, never once for each event.
Describer = Callable[[Sequence[AccessEvent]], Mapping[int, str]]
_WHO_DESCRIBERS: list[Describer] = []
_WHY_DESCRIBERS: list[Describer] = []


def who_words_register(describe: Describer) -> None:
    """Called by an app whose actors act for the customer under an authority it keeps."""
    if describe not in _WHO_DESCRIBERS:
        _WHO_DESCRIBERS.append(describe)


def why_words_register(describe: Describer) -> None:
    """Called by an app whose actors read under the customer's own authorisation."""
    if describe not in _WHY_DESCRIBERS:
        _WHY_DESCRIBERS.append(describe)


def _described(describers: list[Describer], events: list) -> dict[int, str]:
    words: dict[int, str] = {}
    for describe in describers:
        if untold := [e for e in events if e.seq not in words]:
            words |= {seq: told for seq, told in describe(untold).items() if told}
    return words


def _why(event) -> str:
    if event.actor_kind == "third_party":
        return _("The purpose you authorized the app for")
    purposes = current_policy().purposes
    if disclosed := _disclosed(event):
        given = DISCLOSURE_BASES[disclosed["basis"]]
        return given % {
            "recipient": disclosed["recipient"],
            "law": purposes[event.purpose].in_language().label,
        }
    if event.purpose in purposes:
        return purposes[event.purpose].in_language().label
    if event.action in ATTEMPT_LABELS:
        return str(ATTEMPT_LABELS[event.action])
    if event.decision == "deny" and event.action not in CHANGE_ACTIONS:
        return str(READ_WITHOUT_PURPOSE)
    return str(CHANGE_LABELS.get(event.action, OTHER_CHANGE))


@dataclass(frozen=True)
class Seen:
    """An event of "who has seen or changed my data" with who acted and why, in the customer's words."""

    event: AccessEvent
    who: str
    why: str


def seen_in_words(events: Iterable[AccessEvent], *, you: bool = False) -> list[Seen]:
    """Events of the access log with who acted and why, as the customer reads them in their language, the
    one wording of "who has seen or changed my data" wherever it is shown (the portal's page and download, a
    data request's answer, the staff console). Who: staff by their support services (never by name), a
    job, a vendor, the app the customer authorised, named, or their representative, by the authority the
    customer gave; a disclosure by the privacy officer who made it; `you`: the customer's own acts are "You"
    (a letter answering a data request lists them too); never a raw kind of actor. Why: an app the customer
    authorised by that authorisation and its purpose, a disclosure by to whom and on what basis, a read's
    purpose by the policy file's label, a change by what was done (`CHANGE_LABELS`); never a key. The
    registered describers are asked once for all the events."""
    events = list(events)
    who = _described(_WHO_DESCRIBERS, events)
    why = _described(_WHY_DESCRIBERS, events)
    return [
        Seen(event=e, who=who.get(e.seq) or _who(e, you=you), why=why.get(e.seq) or _why(e)) for e in events
    ]
