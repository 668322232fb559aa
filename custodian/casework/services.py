"""Writes for customer requests. Each change adds a history row in the same transaction.

Over 400 lines on purpose: every write of a request (opening, intake from each channel, hand-off, close) and
the rule of which services may work it sit together, so each write checks the same rule in one place."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.casework.calendar import due_date
from custodian.casework.choices import (
    DATA_REQUEST_FACTS,
    VERIFICATION_BY_CHANNEL,
    VERIFIED_WITH,
    VERIFYING,
    RequestKind,
    RequestStatus,
    Verification,
)
from custodian.casework.forget import FORM_CHANNELS, source_forgotten
from custodian.casework.models import CustomerRequest, RequestEvent
from custodian.casework.recipients import customer_told
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.staff.selectors import services_of
from custodian.vault.choices import PERSON_CHANNELS
from custodian.vault.services import Submission, blind_index_of, document_seal, personal_data_record

# Privacy questions and data-subject requests go to the privacy officer.
_PRIVACY_KINDS = {RequestKind.PRIVACY_QUESTION, RequestKind.DATA_ACCESS, RequestKind.CORRECTION}
_DEFAULT_OWNER = {
    RequestKind.BILLING_QUESTION: "billing",
    RequestKind.PAYMENT: "collections",
    RequestKind.PROBLEM: "field_services",
    RequestKind.SERVICE_CHANGE: "customer_service",
    RequestKind.OTHER: "customer_service",
}


def staff_change_append(action: Action, *, by, **fields) -> None:
    """A change a member of staff made to a request or what it concerns, in the access log in the caller's
    transaction, naming them as casework's records do (their full name)."""
    label = by.get_full_name() or by.get_username()
    append_change(action=action, actor_kind="staff", actor_id=str(by.pk), actor_label=label, **fields)


class RequestError(ValueError):
    pass


# The purposes a reply's address is read for, in this order: the first the member's service acts for.
REPLY_PURPOSES = ("contacting_customers", "resolving_problems", "legal_obligations")


def can_work(service: str, kind: str) -> bool:
    """Whether the policy file lets `service` work a request of `kind`: it acts for a purpose that reads the
    request's messages (correspondence), it may contact the customer (a reply purpose that reads the e-mail
    address), and for a data access request it reviews access (only such a service prepares the answer)."""
    policy = current_policy()
    entry = policy.services.get(service)
    if entry is None:
        return False
    reads = any(
        "correspondence" in policy.purposes[p].categories for p in entry.purposes if p in policy.purposes
    )
    contacts = any(
        p in entry.purposes and "email" in policy.purposes[p].categories
        for p in REPLY_PURPOSES
        if p in policy.purposes
    )
    reviews = kind != RequestKind.DATA_ACCESS or entry.reviews_access
    return reads and contacts and reviews


def services_for(kind: str) -> list[str]:
    """The support services a request of `kind` may be handed to, in the policy file's order."""
    return [s for s in current_policy().services if can_work(s, kind)]


def owner_for(kind: str) -> str:
    return "privacy_officer" if kind in _PRIVACY_KINDS else _DEFAULT_OWNER[kind]


def _check_owner(request: CustomerRequest, by) -> None:
    """A staff member changes a request only while their service owns it (`by` None: the system itself)."""

    if by is not None and request.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can change it")


@transaction.atomic
def request_open(
    *,
    customer,
    kind: str,
    channel: str,
    opened_by=None,
    owning_service: str | None = None,
    source_key: str | None = None,
    verification: str = "",
    verified_with: str = "",
    representative=None,
):
    if kind not in RequestKind.values:
        raise RequestError(f"unknown request type {kind!r}")
    if channel not in PERSON_CHANNELS:
        raise RequestError(f"unknown channel {channel!r}")
    owner = owning_service or owner_for(kind)
    if owner not in current_policy().services:
        raise RequestError(f"unknown support service {owner!r}")
    req = CustomerRequest.objects.create(
        customer=customer,
        kind=kind,
        channel=channel,
        owning_service=owner,
        opened_by=opened_by,
        due_on=due_date(kind, timezone.localdate()),
        source_key=source_key,
        verification=verification,
        verified_with=verified_with,
        verified_at=timezone.now() if verification in VERIFYING else None,
        verified_by=opened_by if verification in VERIFYING else None,
        representative=representative,
    )
    RequestEvent.objects.create(request=req, by=opened_by, action="opened", to_service=owner)
    return req


@transaction.atomic
def request_hand_off(*, request: CustomerRequest, to_service: str, reason: str, by=None):
    if to_service not in current_policy().services:
        raise RequestError(f"unknown support service {to_service!r}")
    if not can_work(to_service, request.kind):
        label = current_policy().services[to_service].label
        raise RequestError(
            f"{label} can't work this request: the policy file doesn't let it read the request's messages "
            "and contact the customer"
        )
    if not reason.strip():
        raise RequestError("a hand-off needs a reason")
    if request.status != RequestStatus.OPEN:
        raise RequestError("only an open request can be handed off")
    _check_owner(request, by)
    RequestEvent.objects.create(
        request=request,
        by=by,
        action="handed_off",
        from_service=request.owning_service,
        to_service=to_service,
        reason=reason.strip(),
    )
    # Whoever worked on it belongs to the service it leaves: it arrives unassigned at the new one.
    request.owning_service, request.assigned_to = to_service, None
    request.save(update_fields=["owning_service", "assigned_to"])
    return request


@transaction.atomic
def request_close(*, request: CustomerRequest, by=None, reason: str = ""):
    _check_owner(request, by)
    if by is not None and not can_work(request.owning_service, request.kind):
        raise RequestError(
            "your service may not act on this request, so it can't close it: hand it to a service that can"
        )
    request.status = RequestStatus.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    RequestEvent.objects.create(
        request=request, by=by, action="closed", from_service=request.owning_service, reason=reason
    )
    # One the customer's representative made: the customer is told, once, that she asked and what came of it.
    customer_told(request=request, by=by)
    return request


@dataclass
class Attachment:
    filename: str
    media_type: str
    content: bytes


@dataclass
class Intake:
    """A customer request as it arrived: who (a known customer, or contact details), what, how."""

    kind: str
    channel: str
    message: str
    customer_id: int | None = None
    contact: dict[str, str] = field(default_factory=dict)  # name / email / phone, for someone not yet known
    attachments: list[Attachment] = field(default_factory=list)
    recorded_by: object = None
    received_at: datetime | None = None
    source_key: str | None = None
    # The notice shown before the person told us this, and its version as shown (empty: the one the channel's
    # collection point shows, in force now). E-mail and letters arrive unasked: no notice was shown before.
    notice_key: str = ""
    notice_version: str = ""
    # Staff-entered (recorded_by set): how the person was verified, and what was checked (VERIFIED_WITH).
    verification: str = ""
    verified_with: str = ""
    # A portal request from an online account still limited (custodian.portal.mailed_code): the sign-in
    # verifies nobody, and the request says so to staff.
    limited_account: bool = False
    # A portal request the customer's representative made acting for them: the authority they acted under,
    # and who they are in the words the record keeps (`portal.access.acting_label`).
    representative: object = None
    acting_label: str = "the customer"


def _check_verification(intake: Intake) -> None:
    """A request a staff member enters says how they verified the caller, visitor or writer: the account
    number plus one more fact from the account, or photo ID at the counter; someone without an account is
    recorded as not a customer."""
    allowed = VERIFICATION_BY_CHANNEL.get(intake.channel)
    if allowed is None:
        raise RequestError(f"staff record calls, visits and letters, not {intake.channel!r}")
    if intake.verification not in allowed:
        raise RequestError(
            "say how you verified the person: "
            + " or ".join(Verification(v).label.lower() for v in sorted(allowed))
        )
    if intake.customer_id is None and intake.verification != Verification.NOT_A_CUSTOMER:
        raise RequestError("without an account number there is no account to verify against: not a customer")
    if intake.customer_id is not None and intake.verification == Verification.NOT_A_CUSTOMER:
        raise RequestError("a request about an account says how the person was verified as its customer")
    if intake.verification != Verification.NOT_A_CUSTOMER and (
        intake.verified_with not in VERIFIED_WITH[intake.verification]
    ):
        raise RequestError("say what you checked: " + ", ".join(VERIFIED_WITH[intake.verification].values()))
    if (
        intake.kind in (RequestKind.DATA_ACCESS, RequestKind.CORRECTION)
        and intake.verification == Verification.ACCOUNT_AND_FACT
        and intake.verified_with not in DATA_REQUEST_FACTS
    ):
        raise RequestError(
            "a request to see or correct data is verified with a fact from the bill: "
            + " or ".join(
                VERIFIED_WITH[Verification.ACCOUNT_AND_FACT][k].lower() for k in sorted(DATA_REQUEST_FACTS)
            )
        )


def _notice_of(intake: Intake) -> str:
    """The notice shown before collection at the intake's collection point ("" for what arrives unasked)."""
    if intake.notice_key:
        return intake.notice_key
    policy = current_policy()
    if intake.channel == "web_form":
        return policy.notice_at("contact_form").key
    if intake.channel == "portal":
        return policy.notice_at("portal_request").key
    if intake.channel in ("phone", "in_person"):
        return policy.notice_at("staff_intake", intake.kind).key
    return ""


# A request a person sends from a form (the portal's, the public site's contact form) and sends again by
# accident (a second click, a reload or the back button posting the form again, a slow connection's retry,
# someone unsure whether it went) is not made twice: each copy would be a case with its own deadline in the
# owning service's queue. Ten minutes covers those; the same person asking the same thing later (the first
# answered, or thought lost) makes a new request.
RESUBMIT_WINDOW = timedelta(minutes=10)


def _resubmit_keys(intake: Intake, now: datetime) -> list[str]:
    """For a request sent from a form, the keys a request with the same sender, kind and message made now
    keeps as its `source_key`, and the key of the window before (a resubmit can cross from one to the next);
    none for anything else. A keyed hash (the vault's blind index): neither the message nor who sent it can
    be read from it."""
    if intake.channel not in FORM_CHANNELS or intake.source_key or intake.recorded_by is not None:
        return []
    if intake.customer_id is not None:
        sender = f"customer {intake.customer_id}"
    elif any((intake.contact.get(k) or "").strip() for k in ("email", "phone")):
        # Someone not yet known, by the details they gave to be answered at.
        sender = json.dumps(sorted((k, v.strip()) for k, v in intake.contact.items() if v and v.strip()))
    else:
        # No address to answer at (a name alone, or nothing): nothing tells one sender from another, and ten
        # neighbours writing "my power is out" during an outage are ten requests, not one.
        return []
    window = int(now.timestamp() // RESUBMIT_WINDOW.total_seconds())
    return [
        blind_index_of(
            "request_resubmit", f"{intake.channel}|{sender}|{intake.kind}|{w}|{intake.message.strip()}"
        )
        for w in (window, window - 1)
    ]


def _resubmitted(keys: list[str], now: datetime) -> CustomerRequest | None:
    """The open request a form sent again within RESUBMIT_WINDOW repeats, if any."""
    return (
        CustomerRequest.objects.filter(
            source_key__in=keys, status=RequestStatus.OPEN, opened_at__gte=now - RESUBMIT_WINDOW
        )
        .order_by("opened_at")
        .first()
    )


@transaction.atomic
def request_intake(*, intake: Intake) -> tuple[CustomerRequest | None, bool]:
    """Open a request from any channel; returns (request, created). Re-importing the same message
    (same source_key) returns the existing request and changes nothing; so does a form sent again by the same
    person with the same kind and message while their first request is open, within RESUBMIT_WINDOW. A
    message whose customer's erasure forgot its key (`casework.forget`) returns (None, False): it was had,
    and nothing of it is made again."""

    if intake.source_key:
        existing = CustomerRequest.objects.filter(source_key=intake.source_key).first()
        if existing is not None:
            return existing, False
        if source_forgotten(intake.source_key):
            return None, False
    if intake.channel not in PERSON_CHANNELS:
        raise RequestError(gettext("unknown channel %(channel)r") % {"channel": intake.channel})
    if intake.recorded_by is not None:
        _check_verification(intake)
    if intake.kind not in RequestKind.values:
        raise RequestError(gettext("unknown request type %(kind)r") % {"kind": intake.kind})
    notice_key = _notice_of(intake)
    if notice_key and intake.notice_version:
        notice = current_policy().notices[notice_key]
        if intake.notice_version != notice.version and intake.notice_version not in notice.earlier:
            raise RequestError(
                gettext("the notice you were shown is not one we know: read it again and resend")
            )
    now = timezone.now()
    keys = _resubmit_keys(intake, now)
    if keys:
        first = _resubmitted(keys, now)
        if first is not None:
            return first, False
        # A request made earlier in this window and closed since holds its key no more: the key only ever
        # told a resubmit, and the new request is the one a resubmit now repeats.
        CustomerRequest.objects.filter(source_key=keys[0]).update(source_key=None)
        try:
            with transaction.atomic():
                return _request_made(intake, notice_key, keys[0]), True
        except IntegrityError:  # the same form sent twice at once: the other copy made it
            first = _resubmitted(keys, now)
            if first is None:
                raise
            return first, False
    return _request_made(intake, notice_key, intake.source_key), True


# On a request's history: it was sent from an online account still limited. Whatever verifies the person
# later, a contact channel the limit's code travels by is never corrected on its word
# (custodian.casework.corrections).
FROM_LIMITED_ACCOUNT = "limited_account"
FROM_LIMITED_REASON = (
    "sent from an online account still limited (the code from our letter not yet entered): anyone holding "
    "the customer's bill could have opened it; verify the person by other means"
)


def _portal_verification(intake: Intake) -> str:
    """A portal request comes from a signed-in customer: the sign-in verified them, unless the account is
    still limited (opened with a paper bill's figures, not yet confirmed by the code mailed to them). One a
    representative made acting for the customer is theirs, not the customer's: their own sign-in under an
    authority our staff checked, which the request names."""
    if intake.channel != "portal":
        return ""
    if intake.limited_account:
        return Verification.PORTAL_LIMITED
    return Verification.PORTAL_SIGN_IN if intake.representative is None else Verification.REPRESENTATIVE


def _request_made(intake: Intake, notice_key: str, source_key: str | None) -> CustomerRequest:
    """The request `intake` asks for, the sender recorded (an inquirer for someone not yet known) and its
    message and attachments sealed as the customer's correspondence."""
    staff_label = intake.recorded_by.get_full_name() if intake.recorded_by else intake.acting_label
    submission = Submission(
        channel=intake.channel,  # what the customer told us came by the request's own channel
        notice_key=notice_key,
        notice_version=intake.notice_version if notice_key else "",
        unsolicited=not notice_key,
        recorded_by=intake.recorded_by,
        recorded_by_label=staff_label or "staff",
        received_at=intake.received_at,
    )
    if intake.customer_id is None:
        contact = {k: v.strip() for k, v in intake.contact.items() if v and v.strip()}
        if not contact:
            raise RequestError(
                gettext("a request from someone not yet known needs a name, e-mail or phone to answer")
            )
        customer = Customer.objects.create(customer_class=CustomerClass.INQUIRER)
        personal_data_record(customer=customer, values=contact, submission=submission)
    else:
        customer = Customer.objects.filter(pk=intake.customer_id).first()
        if customer is None:
            raise RequestError(gettext("no such customer"))
    req = request_open(
        customer=customer,
        kind=intake.kind,
        channel=intake.channel,
        opened_by=intake.recorded_by,
        source_key=source_key,
        verification=intake.verification if intake.recorded_by is not None else _portal_verification(intake),
        verified_with=intake.verified_with if intake.recorded_by is not None else "",
        representative=intake.representative if intake.channel == "portal" else None,
    )
    if intake.channel == "portal" and intake.limited_account:
        RequestEvent.objects.create(request=req, action=FROM_LIMITED_ACCOUNT, reason=FROM_LIMITED_REASON)
    document_seal(
        customer_id=customer.pk,
        category="correspondence",
        ref=f"request:{req.pk}:message:1",
        content=intake.message.encode("utf-8"),
        media_type="text/plain",
        submission=submission,
    )
    for n, attachment in enumerate(intake.attachments, start=1):
        document_seal(
            customer_id=customer.pk,
            category="correspondence",
            ref=f"request:{req.pk}:attachment:{n}",
            content=attachment.content,
            media_type=attachment.media_type,
            filename=attachment.filename,
            submission=submission,
        )
    return req
