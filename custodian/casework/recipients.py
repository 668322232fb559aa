"""Where the messages on a request go: to whoever made it. A request the customer made is answered to them,
each message its own way (staff's reply by e-mail to the address on file, else by letter: `desk.reply_send`;
a data request's answer by letter: `data_requests.data_request_answer`). One the customer's representative
made in My account, acting for them, is hers to follow: staff's replies and the final answer alike go to her
by the one rule below, never to the customer's address as if the customer had asked. `answered_to` is that
rule: the sending follows it, and so do the console's words saying where a reply or an answer goes."""

from django.db import transaction
from django.utils.translation import gettext as _

from custodian.casework.models import CustomerRequest, Representative
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import FOR_THE_REPRESENTATIVE, in_language_of, letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import reveal, system_actor

# By the message on the request, the e-mail telling the representative it waits for her in My account and
# the letter telling the customer that their representative asked and was written to.
TOLD = {
    "data_request_answer": ("representative_answer_waiting", "representative_answered"),
    "request_reply": ("representative_reply_waiting", "representative_replied"),
}


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
        "address: kept for them in My account, with an e-mail to their own address saying it waits; the "
        "customer is told by letter and reads it under their requests."
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
        "their own address says it waits, and a letter tells the customer."
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


@transaction.atomic
def to_the_representative(
    *, request: CustomerRequest, template: str, context: dict, carries: list[str], by
) -> OutboundMessage:
    """Send a message on a request the customer's representative made (`template`, one of `TOLD`) to her:
    kept in My account as the customer's correspondence (its kept text's `To` line says for whom), never
    posted to the customer nor e-mailed to their address, holding `carries` (her authority's categories,
    within which she reads it: `outbox.carried`); an e-mail to her own address on her record says it is
    waiting (the request's number, none of the customer's data: we send no one's data by e-mail); a letter
    tells the customer, who reads all of it under their requests. Returns the kept message."""
    rep = request.representative
    customer = Customer(pk=request.customer_id)
    common = {"sent_by": by, "regarding": f"request:{request.pk}"}
    message = letter_send(
        to_customer=customer,
        template=template,
        context=context,
        carries=carries,
        online=FOR_THE_REPRESENTATIVE,
        **common,
    )
    waiting, told = TOLD[template]
    email = reveal(
        actor=system_actor("portal_enrolment", on_behalf_of=by),
        customer_id=rep.person_id,
        fields=["email"],
        purpose="contacting_customers",
    ).get("email", "")
    utility = current_policy().utility
    words = {"request_id": request.pk, "utility": utility["name"], "phone": utility["phone"]}
    if email:
        message_send(to_address=email, to_customer=rep.person, template=waiting, context=words, **common)
    with in_language_of(request.customer):
        kind = str(rep.get_kind_display()).lower()
    letter_send(
        to_customer=customer,
        template=told,
        context={**words, "kind": kind, "authority": rep.pk, "asked_on": request.opened_at},
        **common,
    )
    return message
