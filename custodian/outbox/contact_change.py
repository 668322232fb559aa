"""The customer is told when the e-mail address, mailing address or telephone number on file is replaced or
removed, by whatever path (`vault.signals.contact_replaced`: a correction by staff, the portal's contact
details, a final bill's address, a move): an e-mail to the old e-mail address, a letter to the old mailing
address (addressed there, not to the new one), in the customer's language, saying when and to call us if they
did not ask for it. A change made by someone else, with the customer's paper bill in hand, is then never
silent at the address the customer still reads. A telephone number is no address to write to: its change goes
to the e-mail address on file, else by letter to the mailing address on file, and names the new number only by
its last two digits (whoever reads that inbox or that mailbox need not be the customer). A writer that tells
the old address itself (the portal's change of e-mail address) says so on its submission. The old and new
values are read through the gate as this job (contacting customers), and nothing is sent when the value did
not change."""

from django.utils import timezone

from custodian.customers.models import Customer
from custodian.outbox.services import OUTBOX_JOB, letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import reveal, reveal_history, system_actor
from custodian.vault.signals import ADDABLE

TEMPLATE = "contact_changed"
PURPOSE = "contacting_customers"
SHOWN_DIGITS = 2  # a new telephone number is named by its last two digits only


def number_ending(phone: str) -> str:
    """The last digits of a telephone number, all a notice about it shows ("80" for 507-555-0180)."""
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-SHOWN_DIGITS:] if len(digits) > SHOWN_DIGITS else ""


def _same(field: str, old: str, new: str) -> bool:
    if field == "email":
        return old.strip().lower() == new.strip().lower()
    return " ".join(old.split()).lower() == " ".join(new.split()).lower()


def contact_replaced_tell(sender, *, replaced, at, submission, **kwargs) -> int:
    """Tell each replaced address of its replacement (in the write's transaction); returns how many were
    told."""
    writer_told = submission is not None and submission.old_contact_told
    told = 0
    for customer_id, field in replaced:
        held = reveal_history(
            actor=system_actor(OUTBOX_JOB),
            customer_id=customer_id,
            fields=[field],
            purpose=PURPOSE,
        )
        # What this write superseded (a value removed at an earlier time is not the one replaced now).
        earlier = [h for h in held if h.superseded_at is not None and h.superseded_at >= at]
        old = max(earlier, key=lambda h: h.superseded_at).value if earlier else ""
        new = next((h.value for h in held if h.superseded_at is None), "")
        added = not old.strip()
        if (added and (field not in ADDABLE or not new.strip())) or _same(field, old, new):
            continue
        if writer_told and not added:
            continue  # the writer told the old address itself; an address added had none to tell
        customer = Customer.objects.get(pk=customer_id)
        context = {
            "field": field,
            "changed_on": timezone.localdate(at),
            "removed": not new.strip(),
            "added": added,
            "phone": current_policy().utility["phone"],
        }
        if field == "phone":
            # An e-mail address put on file by this same write is not yet one we know is theirs: by letter.
            email_replaced = (customer_id, "email") in replaced
            _phone_change_tell(customer, {**context, "ending": number_ending(new)}, by_letter=email_replaced)
        elif added:  # an e-mail address where none was: by letter, not to the address just added
            letter_send(to_customer=customer, template=TEMPLATE, context=context, sent_by_job=OUTBOX_JOB)
        elif field == "email":
            message_send(
                to_address=old,
                to_customer=customer,
                template=TEMPLATE,
                context=context,
                sent_by_job=OUTBOX_JOB,
            )
        else:
            letter_send(
                to_customer=customer,
                template=TEMPLATE,
                context=context,
                sent_by_job=OUTBOX_JOB,
                mailed_to=old,
            )
        told += 1
    return told


def _phone_change_tell(customer, context: dict, *, by_letter: bool = False) -> None:
    """A telephone number's change, to the e-mail address on file, else (or `by_letter`) by letter to the
    mailing address on file; the new number by its last digits only."""
    email = (
        ""
        if by_letter
        else reveal(
            actor=system_actor(OUTBOX_JOB), customer_id=customer.pk, fields=["email"], purpose=PURPOSE
        ).get("email", "")
    )
    if email.strip():
        message_send(
            to_address=email, to_customer=customer, template=TEMPLATE, context=context, sent_by_job=OUTBOX_JOB
        )
    else:
        letter_send(to_customer=customer, template=TEMPLATE, context=context, sent_by_job=OUTBOX_JOB)
