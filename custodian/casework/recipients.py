"""Where the messages on a request go: to whoever made it. A request the customer made is answered to them,
each message its own way (staff's reply by e-mail to the address on file, else by letter: `desk.reply_send`;
a data request's answer and an accuracy challenge's letters by post: `letter_on_request`). One the
customer's representative made in My account, acting for them, is hers to follow: staff's replies, a
challenge's letters and the final answer alike go to her by the one rule below (`to_the_representative`),
written in her language, never to the customer's address as if the customer had asked; the customer is told
by one letter, once the request is answered or closed, that their representative asked and what came of it
(`customer_told`), not of every message. `answered_to` is that rule: the sending follows it, and so do the
console's words saying where a reply, an outcome or an answer goes.

The representative's own e-mail address, to which we say a message waits for her, is read through the gate as
the `representatives` system job of the policy file (`representative_email`): the access log says why it was
read."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.casework.choices import RequestKind
from custodian.casework.models import CustomerRequest, Representative
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import FOR_THE_REPRESENTATIVE, in_language_of, letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import reveal, system_actor

# The policy file's system job that reads a representative's own e-mail address (her invitation, and the
# e-mail saying a message on her request waits for her), for contacting her.
REPRESENTATIVES_JOB = "representatives"
# The e-mail telling the representative a message on her request waits in My account: the answer, or another.
WAITING = {True: "representative_answer_waiting", False: "representative_reply_waiting"}
# The one letter telling the customer that their representative asked and what came of it, in words by the
# kind of request (its template says it for a data request, a challenge and any other).
TOLD = "representative_answered"


def answered_to(request: CustomerRequest) -> Representative | None:
    """Who the messages on `request` go to: the representative who made it in My account, else None (the
    customer who made it). `desk.reply_send` and `data_requests.data_request_answer` send by it, and the
    words below say it to staff."""
    return request.representative if request.representative_id is not None else None


def _representative_in_words(rep: Representative) -> str:
    return str(rep.get_kind_display()).lower()


def reply_goes(request: CustomerRequest) -> str:
    """Where staff's reply on `request` goes, as the reply box says it."""
    rep = answered_to(request)
    if rep is None:
        return _(
            "Goes by e-mail to the address on file (by letter when there is none) and shows in their portal "
            "under the request."
        )
    return _(
        "Goes to the customer's representative who made this request (%(kind)s), not to the customer's "
        "address: kept for them in My account, in their language, with an e-mail to their own address saying "
        "it waits; the customer reads it under their requests, and is told by one letter once the request is "
        "answered or closed."
    ) % {"kind": _representative_in_words(rep)}


def reply_sent(request: CustomerRequest, message: OutboundMessage) -> str:
    """What staff are told once their reply on `request` (`message`) is sent."""
    rep = answered_to(request)
    if rep is None:
        how = _("by e-mail") if message.channel == "email" else _("by letter")
        return _("Reply sent %(how)s (%(status)s); the customer sees it in the portal under the request.") % {
            "how": how,
            "status": str(message.get_status_display()).lower(),
        }
    return _(
        "Reply sent to the customer's representative (%(kind)s): kept for them in My account, an e-mail to "
        "their own address says it waits; a letter tells the customer once the request is answered or closed."
    ) % {"kind": _representative_in_words(rep)}


def answer_goes(request: CustomerRequest) -> str:
    """Where the answer to the data request `request` goes, as staff confirm before sending it."""
    rep = answered_to(request)
    if rep is None:
        return _("I have read the package: it goes to the customer by letter and appears in their portal")
    return _(
        "I have read the package: it goes to the customer's representative who made this request "
        "(%(kind)s), kept for them in My account with an e-mail to their own address saying it waits; the "
        "customer is told by letter"
    ) % {"kind": _representative_in_words(rep)}


def outcome_goes(request: CustomerRequest) -> str:
    """Where an accuracy challenge's letters on `request` (its outcome, a re-read or an adjustment, the
    result) go, as the console says it above the challenge's steps."""
    rep = answered_to(request)
    if rep is None:
        return _(
            "Every outcome goes to the customer by letter, with the right to appeal to the Commissioner of "
            "Administration."
        )
    return _(
        "Every outcome goes, with the right to appeal to the Commissioner of Administration, to the "
        "customer's representative who made this challenge (%(kind)s), not to the customer's address: kept "
        "for them in My account, with an e-mail to their own address saying it waits; the customer is told "
        "by one letter once it is answered or closed."
    ) % {"kind": _representative_in_words(rep)}


def answer_sent(request: CustomerRequest) -> str:
    """What staff are told once the answer to the data request `request` is sent."""
    if answered_to(request) is None:
        return _("Request #%(id)s answered by letter; the customer sees it in the portal.") % {
            "id": request.pk
        }
    return _(
        "Request #%(id)s answered: kept for the customer's representative in My account, an e-mail to their "
        "own address says it waits, and a letter tells the customer."
    ) % {"id": request.pk}


def reader_of(request: CustomerRequest) -> Customer:
    """Whose language the messages on `request` are written in: the representative's who made it (her own
    record's, where she chose one in My account), else the customer's. `with in_language_of(reader_of(r))`."""
    rep = answered_to(request)
    return rep.person if rep is not None else request.customer


def representative_email(rep: Representative, *, by) -> str:
    """The representative's own e-mail address on her record ("" when none), read through the gate as the
    `representatives` job on behalf of `by`, for contacting her: an access event on her record saying so."""
    return reveal(
        actor=system_actor(REPRESENTATIVES_JOB, on_behalf_of=by),
        customer_id=rep.person_id,
        fields=["email"],
        purpose="contacting_customers",
    ).get("email", "")


@transaction.atomic
def letter_on_request(
    *, request: CustomerRequest, template: str, context: dict, by, answers: bool, carries=None
) -> OutboundMessage:
    """A letter on `request` to whoever made it: the customer, by post (and in their portal), or the
    customer's representative who made it, by `to_the_representative`. `answers`: it is the request's answer
    or outcome (not a step on the way). Compose its words inside `in_language_of(reader_of(request))`."""
    if answered_to(request) is not None:
        return to_the_representative(
            request=request, template=template, context=context, carries=carries, by=by, answers=answers
        )
    return letter_send(
        to_customer=Customer(pk=request.customer_id),
        template=template,
        context=context,
        carries=carries,
        sent_by=by,
        regarding=f"request:{request.pk}",
    )


@transaction.atomic
def to_the_representative(
    *, request: CustomerRequest, template: str, context: dict, by, answers: bool = False, carries=None
) -> OutboundMessage:
    """Send a message on a request the customer's representative made to her: kept in My account as the
    customer's correspondence (its kept text's `To` line says for whom), written in her language (her own
    record's: `reader_of`), never posted to the customer nor e-mailed to their address, holding `carries`
    (by default her authority's categories, within which she reads it and staff write to her:
    `outbox.carried`); an e-mail to her own address on her record says it is waiting (the request's number,
    none of the customer's data: we send no one's data by e-mail). The customer is not written to for each
    message: they are told once, when the request is answered or closed (`customer_told`), and read all of it
    under their requests. Returns the kept message."""
    rep = request.representative
    common = {"sent_by": by, "regarding": f"request:{request.pk}"}
    message = letter_send(
        to_customer=Customer(pk=request.customer_id),
        reader=rep.person,
        template=template,
        context=context,
        carries=rep.category_list if carries is None else carries,
        online=FOR_THE_REPRESENTATIVE,
        **common,
    )
    if email := representative_email(rep, by=by):
        utility = current_policy().utility
        message_send(
            to_address=email,
            to_customer=rep.person,
            template=WAITING[answers],
            context={"request_id": request.pk, "utility": utility["name"], "phone": utility["phone"]},
            **common,
        )
    return message


def request_answered(*, request: CustomerRequest, message: OutboundMessage, by) -> None:
    """`message` answers `request` (a data request's answer, an accuracy challenge's outcome): on the request,
    so My requests shows it answered with the letter, and the customer told if their representative asked."""
    request.answered_at, request.answer = timezone.now(), message
    request.save(update_fields=["answered_at", "answer"])
    customer_told(request=request, by=by)


def customer_told(*, request: CustomerRequest, by=None) -> OutboundMessage | None:
    """On a request the customer's representative made, once it is answered or closed (whichever comes
    first): one letter to the customer saying that their representative asked, by the kind and number of her
    authority, and what came of it, to read under their requests; one a request, whatever the messages on
    it (None: the customer made it, or was told already). `by` None: closed by the system itself."""
    rep = answered_to(request)
    regarding = f"request:{request.pk}"
    if (
        rep is None
        or OutboundMessage.objects.filter(
            to_customer_id=request.customer_id, regarding=regarding, template=TOLD
        ).exists()
    ):
        return None
    with in_language_of(request.customer):
        kind = str(rep.get_kind_display()).lower()
    utility = current_policy().utility
    asked = request.kind if request.kind in (RequestKind.DATA_ACCESS, RequestKind.CORRECTION) else "other"
    return letter_send(
        to_customer=Customer(pk=request.customer_id),
        template=TOLD,
        context={
            "request_id": request.pk,
            "request_kind": str(asked),
            "utility": utility["name"],
            "phone": utility["phone"],
            "kind": kind,
            "authority": rep.pk,
            "asked_on": request.opened_at,
        },
        sent_by=by,
        sent_by_job="" if by is not None else REPRESENTATIVES_JOB,
        regarding=regarding,
    )
