"""Authorized representatives: a power of attorney, a guardian or conservator, an estate's personal
representative, a property manager for an owner's account.

Staff register one from the document that gives the authority (sealed under the customer's key), what the
representative may do (`scope`), which of the customer's data they may see (`categories`, enforced by the
gate: a representative for the bills can't read the meter usage) and until when; a second member of staff,
independent of the one who registered it (`staff.independence`), verifies it; the representative then gets an
invitation to set up a portal sign-in of their own, where they act for the customer within the scope until
it expires or is revoked. Each step is a change in the access log naming both; each read they make is logged
as the customer's read with the representative named (`representative_actor`), which the customer's "who has
seen or changed my data" tells by the authority (`representatives_in_words`)."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.audit.selectors import BY_REPRESENTATIVE
from custodian.casework.choices import RepresentativeKind, RepresentativeScope
from custodian.casework.models import Representative
from custodian.casework.recipients import representative_email
from custodian.casework.services import RequestError, staff_change_append
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Customer
from custodian.outbox.services import in_language_of, message_send
from custodian.policy.loader import current_policy
from custodian.staff.independence import decider_refusal
from custodian.staff.selectors import services_of
from custodian.vault.gate import Actor, customer_actor
from custodian.vault.services import Submission, document_seal, personal_data_record

INVITE_SALT = "custodian.casework.representative"
INVITE_MAX_AGE = 7 * 24 * 3600
# Who registers and verifies representatives: the front counter and the privacy office.
REGISTERING_SERVICES = frozenset({"customer_service", "privacy_officer"})
LONGEST_YEARS = 5
# The data categories a scope's pages show, which the authority must cover with it: a scope without them
# could never be used (every page of paying and arranging payments shows the bills).
SCOPE_NEEDS = {RepresentativeScope.PAYMENTS: ("bills",)}


class RepresentativeError(RequestError):
    pass


@dataclass
class Authority:
    customer_id: int
    kind: str
    scope: list[str]
    name: str
    email: str
    document: bytes
    document_name: str
    media_type: str
    expires_on: date
    channel: str = "in_person"
    categories: list[str] = field(default_factory=list)  # the policy file's data categories they may see


def _staff_check(by) -> None:
    if not REGISTERING_SERVICES & services_of(by):
        raise RepresentativeError("customer service or the privacy officer registers representatives")


def _logged(action: Action, rep: Representative, by, reason: str) -> None:
    staff_change_append(
        action,
        by=by,
        customer_ids=[rep.customer_id, rep.person_id],
        reason=f"representative {rep.pk} ({rep.get_kind_display()}, person {rep.person_id}) for customer "
        f"{rep.customer_id}: {reason}",
    )


@transaction.atomic
def representative_register(*, authority: Authority, by) -> Representative:
    """Record the representative (their name and e-mail under the representative notice), seal the document
    under the customer's key, and record the scope and the end date. Not yet in force: it needs verifying."""
    _staff_check(by)
    a = authority
    if a.kind not in RepresentativeKind.values:
        raise RepresentativeError(f"unknown kind of authority {a.kind!r}")
    scope = sorted(set(a.scope))
    if not scope or any(s not in RepresentativeScope.values for s in scope):
        raise RepresentativeError(
            "say what the representative may do: " + ", ".join(RepresentativeScope.values)
        )
    own = current_policy().self_access_categories
    categories = sorted(set(a.categories))
    if not categories or any(c not in own for c in categories):
        raise RepresentativeError(
            "say which of the customer's data the representative may see: " + ", ".join(sorted(own))
        )
    for each in scope:
        missing = [c for c in SCOPE_NEEDS.get(each, ()) if c not in categories]
        if missing:
            raise RepresentativeError(
                f'"{RepresentativeScope(each).label}" needs the data its pages show: add '
                + ", ".join(f'"{current_policy().categories[c].label}"' for c in missing)
                + " to what the representative may see, or leave it out of what they may do"
            )
    today = timezone.localdate()
    if not (today < a.expires_on <= today.replace(year=today.year + LONGEST_YEARS)):
        raise RepresentativeError(f"the authority ends after today and within {LONGEST_YEARS} years")
    if not a.document:
        raise RepresentativeError("the document that gives the authority is needed")
    if not a.name.strip() or "@" not in a.email:
        raise RepresentativeError("the representative's name and e-mail address are needed")
    if not Customer.objects.filter(pk=a.customer_id).exclude(customer_class=CustomerClass.INQUIRER).exists():
        raise RepresentativeError("no such customer")
    notice = current_policy().notice_at("representative")
    submission = Submission(
        channel=a.channel,
        notice_key=notice.key,
        recorded_by=by,
        recorded_by_label=by.get_full_name() or by.get_username(),
    )
    person = Customer.objects.create(customer_class=CustomerClass.INQUIRER)
    personal_data_record(
        customer=person, values={"name": a.name.strip(), "email": a.email.strip()}, submission=submission
    )
    rep = Representative.objects.create(
        customer_id=a.customer_id,
        person=person,
        kind=a.kind,
        scope=",".join(scope),
        categories=",".join(categories),
        document_ref="",
        starts_on=today,
        expires_on=a.expires_on,
        registered_by=by,
    )
    rep.document_ref = f"representative:{rep.pk}:document"
    rep.save(update_fields=["document_ref"])
    document_seal(
        customer_id=a.customer_id,
        category="correspondence",
        ref=rep.document_ref,
        content=a.document,
        media_type=a.media_type or "application/octet-stream",
        filename=a.document_name or "authority",
        submission=submission,
    )
    _logged(
        Action.REPRESENTATIVE_ADDED,
        rep,
        by,
        f"may {', '.join(scope)} with {', '.join(categories)} until {a.expires_on}",
    )
    return rep


@transaction.atomic
def representative_verify(*, rep: Representative, by, invite_url) -> Representative:
    """A second staff member checks the document and puts the authority in force; the representative gets an
    e-mail invitation to set up their own portal sign-in (`invite_url(token)` makes the link)."""
    _staff_check(by)
    if rep.verified_at is not None or rep.revoked_at is not None:
        raise RepresentativeError("this authority was verified or revoked already")
    # The document is checked by a second member of staff, independent of the one who registered it (the
    # rule of every two-person decision): the privacy officer too registers or verifies, never both.
    why = decider_refusal(
        by,
        on=(rep.registered_by,),
        since=rep.registered_at,
        own="another staff member verifies what you registered",
    )
    if why:
        raise RepresentativeError(why)
    rep.verified_by, rep.verified_at = by, timezone.now()
    rep.save(update_fields=["verified_by", "verified_at"])
    _logged(Action.REPRESENTATIVE_VERIFIED, rep, by, "document checked")
    email = representative_email(rep, by=by)
    token = signing.dumps({"rep": rep.pk, "person": rep.person_id}, salt=INVITE_SALT)
    with in_language_of(rep.person):  # the words of the representative's own language
        words = {
            "kind": str(rep.get_kind_display()),
            "scope": rep.scope_labels,
            "data": rep.category_labels,
        }
    message_send(
        to_address=email,
        to_customer=rep.person,
        template="representative_invitation",
        context={
            **words,
            "expires_on": rep.expires_on,
            "invite_url": invite_url(token),
            "utility": current_policy().utility,
        },
        sent_by=by,
        regarding=f"representative:{rep.pk}",
    )
    return rep


@transaction.atomic
def representative_revoke(*, rep: Representative, by, reason: str) -> Representative:
    _staff_check(by)
    if rep.revoked_at is not None:
        raise RepresentativeError("already revoked")
    if len(reason.strip()) < 5:
        raise RepresentativeError("say why the authority ends")
    rep.revoked_at, rep.revoked_by, rep.revoke_reason = timezone.now(), by, reason.strip()[:300]
    rep.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _logged(Action.REPRESENTATIVE_REVOKED, rep, by, reason.strip())
    return rep


@transaction.atomic
def representative_person_join(*, rep: Representative, person_id: int) -> Representative:
    """The authority's representative is from now on `person_id`, someone who already signs in (their own
    customer's sign-in, or one set up for an earlier authority): a property manager for a second owner's
    account, a daughter with a power of attorney for each parent, who act under every authority from one
    sign-in. Called once they have shown they hold both the invitation's address and that sign-in
    (`portal.services.representative_authority_join`); logged as their change, naming both customers."""
    if person_id == rep.customer_id:
        raise RepresentativeError(_("This authority is to act for your own account: you need none for it."))
    joined_from = rep.person_id
    rep.person_id = person_id
    rep.save(update_fields=["person"])
    append_change(
        action=Action.REPRESENTATIVE_JOINED,
        actor_kind="customer",
        actor_id=str(person_id),
        actor_label=representative_label(rep),
        customer_ids=[rep.customer_id, person_id],
        reason=f"representative {rep.pk} for customer {rep.customer_id}: joined to the sign-in of customer "
        f"{person_id} (invited as person {joined_from})",
    )
    return rep


def invitation_opened(token: str) -> Representative:
    """The authority an invitation link names, if it is still in force."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        raise RepresentativeError(_("This link is not valid or has expired; ask us for a new one.")) from None
    rep = Representative.objects.filter(pk=data.get("rep"), person_id=data.get("person")).first()
    if rep is None or not rep.is_current():
        raise RepresentativeError(_("This link is not valid or has expired; ask us for a new one."))
    return rep


def represented_by(person_id: int) -> list[Representative]:
    """The authorities in force today of the person who signed in (nothing personal: kinds and ids)."""
    return [
        r
        for r in Representative.objects.filter(person_id=person_id, revoked_at__isnull=True).order_by("pk")
        if r.is_current()
    ]


def representatives_of(customer_id: int):
    return Representative.objects.filter(customer_id=customer_id).order_by("-registered_at", "-pk")


def representative_actor(rep: Representative) -> Actor:
    """The gate's asker when a representative acts: the customer's own access (self-access) narrowed to the
    data categories of the authority, with the representative named in the access log's actor label; the
    selectors also see what the authority lets them do (its scope)."""
    return customer_actor(
        rep.customer_id,
        representative_label(rep, authority=True),
        categories=rep.category_list,
        scope=rep.scope_list,
    )


def own_requests_actor(rep: Representative) -> Actor:
    """The gate's asker when a representative reads the messages on the requests she made herself (our
    replies and answer, each kept as the customer's correspondence): her own asker with the correspondence
    added, for those messages only (the caller names them); what each carries beyond her authority's
    categories stays left out (`outbox.carried`). The customer's other letters stay behind her authority."""
    return customer_actor(
        rep.customer_id,
        representative_label(rep, authority=True),
        categories=[*rep.category_list, "correspondence"],
        scope=rep.scope_list,
    )


def representative_label(rep: Representative, *, authority: bool = False) -> str:
    """The access log's and a record's words for the representative who acted: their customer number and the
    kind of authority, in the record's language whatever the page's (the log keeps what was written), and for
    a read the authority's number (`_ACTED` reads it back)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(rep.get_kind_display()).lower()
    return f"{BY_REPRESENTATIVE}{rep.person_id} ({kind}{f', authority {rep.pk}' if authority else ''})"


# An event's label naming the representative who acted: their customer number, then the kind of authority
# in words and, for a read, the authority's number (`representative_actor`; a change the portal writes names
# no authority: `portal.access.acting_label`).
_ACTED = re.compile(
    rf"^{re.escape(BY_REPRESENTATIVE)}(?P<person>\d+) \(.*?(?:, authority (?P<authority>\d+))?\)$"
)


def representative_named(label: str) -> tuple[int, int | None] | None:
    """The representative an access event's label names: their customer number and the authority's number
    (None for a change, which names none); None for a label that names no representative."""
    named = _ACTED.match(label)
    if named is None:
        return None
    return int(named["person"]), int(named["authority"]) if named["authority"] else None


def representatives_in_words(events) -> dict[int, str]:
    """Who acted in the events a customer's representative made for them, in the customer's words and
    language, for a page of events at once (one query): "Your representative: Power of attorney", by the
    authority the event names, else the representative's latest authority for the customer. By the event's
    position in the log; nothing for any other event."""
    acted = {}
    for e in events:
        if e.actor_kind == "customer" and e.customer_id.isdigit() and (named := _ACTED.match(e.actor_label)):
            acted[e.seq] = (int(e.customer_id), int(named["person"]), named["authority"])
    if not acted:
        return {}
    authorities = Representative.objects.filter(
        customer_id__in={customer for customer, _person, _authority in acted.values()},
        person_id__in={person for _customer, person, _authority in acted.values()},
    ).order_by("-registered_at", "-pk")
    by_pk, latest = {}, {}
    for rep in authorities:
        by_pk[str(rep.pk)] = rep
        latest.setdefault((rep.customer_id, rep.person_id), rep)
    words = {}
    for seq, (customer, person, authority) in acted.items():
        rep = by_pk.get(authority) if authority else latest.get((customer, person))
        if rep is not None and (rep.customer_id, rep.person_id) == (customer, person):
            words[seq] = _("Your representative: %(kind)s") % {"kind": rep.get_kind_display()}
    return words
