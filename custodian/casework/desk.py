"""A request's desk work: who works on it (taken by a member of the owning service, or given to one by the
service's lead), the staff's notes on it (sealed in the vault as the customer's correspondence, read back
only through the gate) and the replies the customer receives (written from a template the member edits, sent
through the outbox). Each change adds a history row in the same transaction."""

from dataclasses import dataclass

from django.db import transaction

from custodian.casework.choices import RequestStatus
from custodian.casework.models import CustomerRequest, RequestEvent
from custodian.casework.recipients import answered_to, to_the_representative
from custodian.casework.services import REPLY_PURPOSES, RequestError
from custodian.customers.models import Customer
from custodian.outbox.services import letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.staff.selectors import leads, service_members, services_of
from custodian.vault.choices import Channel
from custodian.vault.gate import Denied, reveal, staff_actor
from custodian.vault.services import Submission, document_seal

NOTE_LIMIT = 4000
REPLY_LIMIT = 6000
# What a template leaves for the member to write: a reply still holding it is not sent.
BLANK = "[…]"


@dataclass(frozen=True)
class ReplyTemplate:
    key: str
    label: str
    text: str


# The starting words of a reply; the member edits them (and must fill every BLANK) before sending.
REPLY_TEMPLATES = (
    ReplyTemplate(
        "working_on_it",
        "We are working on it",
        "Thank you for contacting {utility}. We have your request #{number} and are working on it. "
        "We will answer by {due}.\n\n{blank}",
    ),
    ReplyTemplate(
        "answer",
        "The answer to a question",
        "Thank you for contacting {utility} about request #{number}.\n\n{blank}\n\n"
        "If anything is unclear, reply to this message or call us at {phone}.",
    ),
    ReplyTemplate(
        "more_information",
        "We need more information",
        "To finish request #{number} we need a little more from you:\n\n{blank}\n\n"
        "Reply to this message, call us at {phone}, or visit our office at {address}.",
    ),
    ReplyTemplate(
        "done",
        "It is done",
        "We have finished your request #{number}: {blank}\n\n"
        "Thank you for letting us know. Call us at {phone} if there is anything else.",
    ),
)


def reply_template(key: str) -> ReplyTemplate | None:
    return next((t for t in REPLY_TEMPLATES if t.key == key), None)


def reply_draft(*, request: CustomerRequest, template: str) -> str:
    """A template's words for this request (nothing personal in them: the member adds what they know)."""
    chosen = reply_template(template)
    if chosen is None:
        return ""
    utility = current_policy().utility
    return chosen.text.format(
        utility=utility["name"],
        number=request.pk,
        due=f"{request.due_on:%B %-d, %Y}" if request.due_on else "soon",
        phone=utility["phone"],
        address=utility["address"],
        blank=BLANK,
    )


def _open_for(request: CustomerRequest, by) -> CustomerRequest:
    """The request locked for this change, if `by`'s service owns it and it is open."""
    locked = CustomerRequest.objects.select_for_update().get(pk=request.pk)
    if locked.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can change it")
    if locked.status != RequestStatus.OPEN:
        raise RequestError(f"request #{locked.pk} is closed")
    return locked


@transaction.atomic
def request_take(*, request: CustomerRequest, by) -> CustomerRequest:
    """`by` takes the request: it is theirs to work on (their service must own it)."""
    locked = _open_for(request, by)
    if locked.assigned_to_id == by.pk:
        return locked
    locked.assigned_to = by
    locked.save(update_fields=["assigned_to"])
    RequestEvent.objects.create(request=locked, by=by, action="taken", to_user=by)
    return locked


@transaction.atomic
def request_assign(*, request: CustomerRequest, to, by) -> CustomerRequest:
    """The lead of the owning service gives the request to a member of that service."""
    locked = _open_for(request, by)
    if not leads(by, locked.owning_service):
        raise RequestError("only the lead of the service that owns the request gives it to a colleague")
    if to is None or not service_members(locked.owning_service).filter(pk=to.pk).exists():
        raise RequestError("a request goes to an active member of the service that owns it")
    locked.assigned_to = to
    locked.save(update_fields=["assigned_to"])
    RequestEvent.objects.create(request=locked, by=by, action="assigned", to_user=to)
    return locked


def note_ref(request_id: int, n: int) -> str:
    """Where a note is sealed: beside the request's messages, so reading the request reads both at once."""
    return f"request:{request_id}:note:{n}"


def is_note(ref: str) -> bool:
    return ":note:" in ref


@transaction.atomic
def note_add(*, request: CustomerRequest, by, text: str) -> RequestEvent:
    """A member of the owning service notes something on the request. The text is about the customer, so it
    is sealed with their data (read back only through the gate, each read logged); the history says only
    that a note was added, by whom and when."""
    locked = _open_for(request, by)
    text = (text or "").strip()
    if not text:
        raise RequestError("a note needs some text")
    if len(text) > NOTE_LIMIT:
        raise RequestError(f"a note is at most {NOTE_LIMIT} characters")
    n = locked.history.filter(action="noted").count() + 1  # the row lock keeps two notes from one number
    document_seal(
        customer_id=locked.customer_id,
        category="correspondence",
        ref=note_ref(locked.pk, n),
        content=text.encode("utf-8"),
        media_type="text/plain",
        submission=Submission(
            channel=Channel.STAFF_NOTE,
            notice_key="",
            recorded_by=by,
            recorded_by_label=by.get_username(),
            note=f"note {n} on request {locked.pk}",
        ),
    )
    return RequestEvent.objects.create(request=locked, by=by, action="noted")


def _reply_purpose(by) -> str:
    policy = current_policy()
    mine = services_of(by)
    for purpose in REPLY_PURPOSES:
        if policy.acts_for(mine, purpose) and "email" in policy.purposes[purpose].categories:
            return purpose
    raise RequestError("your service has no purpose to contact the customer for")


@transaction.atomic
def reply_send(*, request: CustomerRequest, by, body: str, client_ip: str = ""):
    """Send the reply `by` wrote to whoever made the request: the customer by e-mail to the address on file
    (read through the gate as `by`, for the request, one access event), or by letter when there is none; the
    customer's representative, on a request she made, as the answer goes to her (`recipients`: its words in
    her language, the customer told once the request is answered or closed). Either way the text is sealed as
    the customer's correspondence and shows in the portal under the request; the history links the outbox's
    record."""
    locked = _open_for(request, by)
    body = (body or "").strip()
    if not body:
        raise RequestError("write the reply before sending it")
    if BLANK in body:
        raise RequestError(f"replace every {BLANK} in the template with what the customer needs to know")
    if len(body) > REPLY_LIMIT:
        raise RequestError(f"a reply is at most {REPLY_LIMIT} characters")
    purpose = _reply_purpose(by)
    utility = current_policy().utility
    reply = {
        "template": "request_reply",
        "context": {
            "body": body,
            "request_id": locked.pk,
            "utility": utility["name"],
            "phone": utility["phone"],
        },
    }
    if answered_to(locked) is not None:
        # Typed freely, a reply may hold any of the customer's data (its template carries every category:
        # `outbox.carried`); one to the representative carries what her authority covers, shown to staff on
        # the request, within which they answer her. The customer's address is not read: nothing goes to it.
        message = to_the_representative(request=locked, by=by, **reply)
    else:
        message = _to_the_customer(locked, by, purpose, client_ip, reply)
    RequestEvent.objects.create(request=locked, by=by, action="replied", message=message)
    return message


def _to_the_customer(locked: CustomerRequest, by, purpose: str, client_ip: str, reply: dict):
    """The reply to the customer who made the request: by e-mail to the address on file, else by letter."""
    try:
        address = reveal(
            actor=staff_actor(by),
            customer_id=locked.customer_id,
            fields=["email"],
            purpose=purpose,
            request_id=locked.pk,
            client_ip=client_ip,
        ).get("email", "")
    except Denied:
        raise RequestError("the customer's address can't be read for this request") from None
    customer = Customer(pk=locked.customer_id)
    sent = {**reply, "sent_by": by, "regarding": f"request:{locked.pk}"}
    if address:
        return message_send(to_address=address, to_customer=customer, **sent)
    return letter_send(to_customer=customer, **sent)
