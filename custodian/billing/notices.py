"""Telling customers their bill is ready, and the paperless choice.

- A customer who chose paperless billing gets an e-mail when a bill is issued (`bill_notices_send`), through
  the outbox, as the `bill_notices` job for contacting customers: the address is read through the gate (one
  access event per customer), and the e-mail carries no amount and no usage, only that a bill is in the portal
  and when it is due. A paperless customer without an e-mail address on file gets a printed bill instead.
- Everyone else's bill is printed and mailed by the bill-mailing vendor: its export's rows are each customer's
  bill as the same PDF the portal gives (`billing.mailing`), and the export marks the bills sent.
- The letters about a customer's bills and payments (a payment's receipt, the answer to a request for a
  payment agreement) go the way their bills go (`letter_as_bills_go`): to a paperless customer with an
  e-mail address on file the letter is kept in My account, not printed, and an e-mail says only that a
  letter is waiting there (not its subject: no account number, no amounts, nothing of what it is about; the
  e-mail failing for good, refused, every attempt failed or bounced, that same letter is mailed, its record
  saying why: one letter, never one kept and another mailed); to everyone else it is mailed, and so is a
  letter to a customer whose online account is still limited (it cannot open the letters until the code
  mailed to the mailing address on file is entered: `letters_readable_register`, answered by the portal).

A bill is told once (`Bill.notified_at`); runs can be repeated.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.billing.models import Bill, PaperlessChoice
from custodian.billing.selectors import BILL_CATEGORY
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import PAPERLESS, OutboxError, letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import Actor, reveal, reveal_many, system_actor

NOTICE_JOB = "bill_notices"
CHUNK = 500


class PaperlessError(ValueError):
    pass


@transaction.atomic
def paperless_set(*, customer_id: int, paperless: bool, channel: str) -> bool:
    """Choose or stop paperless billing. Returns the choice now in force."""
    if not Customer.objects.filter(pk=customer_id).exists():
        raise PaperlessError("no such customer")
    if paperless:
        PaperlessChoice.objects.update_or_create(
            customer_id=customer_id, defaults={"chosen_at": timezone.now(), "channel": channel[:16]}
        )
    else:
        PaperlessChoice.objects.filter(customer_id=customer_id).delete()
    return paperless


def paperless_in_force(customer_id: int) -> bool:
    """Whether paperless billing is in force for the customer, as a fact: for a write that must keep what
    paperless bills rest on (the e-mail address they go to), whoever asks for it. Never shown to an asker
    (`is_paperless` answers them)."""
    return PaperlessChoice.objects.filter(customer_id=customer_id).exists()


_letters_unreadable: Callable[[int], bool] | None = None


def letters_readable_register(unreadable: Callable[[int], bool]) -> None:
    """The portal, which keeps the online accounts and sits above billing, registers whether a customer's
    online account cannot open the letters kept in My account (one still limited)."""
    global _letters_unreadable
    _letters_unreadable = unreadable


def is_paperless(*, fetched_by: Actor, customer_id: int) -> bool:
    """Whether the customer chose paperless billing: told to the customer themself and their representative
    whose authority covers the bills; anyone else is told no, as for a customer who did not choose it."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return False
    return paperless_in_force(customer_id)


@dataclass
class NoticeReport:
    emailed: int = 0
    no_address: int = 0
    failed: int = 0


def bill_notices_send(
    *,
    cycle: str | None = None,
    by=None,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> NoticeReport:
    """A bill-ready e-mail for each current bill of a paperless customer not yet told (of `cycle`, or of any
    cycle). Bills of paperless customers without an address stay for the printed mailing. Progress counts
    the bills: `progress_total` once, before the first, then `progress` a chunk at a time."""
    bills = Bill.objects.filter(
        is_current=True,
        notified_at__isnull=True,
        customer_id__in=PaperlessChoice.objects.values("customer_id"),
    ).select_related("customer")
    if cycle:
        bills = bills.filter(cycle=cycle)
    pending = list(bills.order_by("customer_id", "pk"))
    if progress_total:
        progress_total(len(pending))
    report = NoticeReport()
    actor = system_actor(NOTICE_JOB, on_behalf_of=by)
    sender = {"sent_by": by} if by is not None else {"sent_by_job": NOTICE_JOB}
    utility = current_policy().utility
    for start in range(0, len(pending), CHUNK):
        part = pending[start : start + CHUNK]
        addresses = reveal_many(
            actor=actor,
            customer_ids=sorted({b.customer_id for b in part}),
            fields=["email"],
            purpose="contacting_customers",
            action=Action.BILL_NOTICE,
        )
        for bill in part:
            address = addresses.get(bill.customer_id, {}).get("email", "")
            if not address:
                report.no_address += 1
                continue
            try:
                message = message_send(
                    to_address=address,
                    template="bill_ready",
                    context={
                        "cycle": bill.cycle,
                        "due_on": bill.due_on,  # the template writes it in the customer's language
                        "increase_due_on": bill.increase_due_on,  # a correction's increase, when it has one
                        "portal": f"{utility.get('website', '').rstrip('/')}/portal/me/bills/",
                        "utility": utility["name"],
                        "phone": utility.get("phone", ""),
                    },
                    to_customer=bill.customer,
                    regarding=f"bill:{bill.pk}",
                    **sender,
                )
            except OutboxError:
                report.no_address += 1
                continue
            if message.status == "failed":
                report.failed += 1
                continue
            Bill.objects.filter(pk=bill.pk).update(notified_at=timezone.now())
            report.emailed += 1
        if progress:
            progress(len(part))
    return report


def letter_as_bills_go(
    *,
    to_customer: Customer,
    template: str,
    context: dict,
    regarding: str,
    sent_by=None,
    sent_by_job: str = "",
) -> OutboundMessage:
    """A letter about the customer's bills or payments, sent the way their bills are (module docstring): for a
    paperless customer with an e-mail address on file (read through the gate as the bill notices' job, for
    contacting customers) whose online account can open the letters, kept in My account and told by an
    e-mail that says only that a letter is waiting; else mailed. In the caller's transaction. Returns the
    letter's record."""
    sender = {"sent_by": sent_by, "sent_by_job": sent_by_job}
    letter = {"to_customer": to_customer, "template": template, "context": context, "regarding": regarding}
    address = ""
    unreadable = _letters_unreadable is not None and _letters_unreadable(to_customer.pk)
    if paperless_in_force(to_customer.pk) and not unreadable:
        actor = system_actor(NOTICE_JOB, on_behalf_of=sent_by)
        found = reveal(
            actor=actor, customer_id=to_customer.pk, fields=["email"], purpose="contacting_customers"
        )
        address = found.get("email", "")
    if not address:
        return letter_send(**letter, **sender)
    kept = letter_send(**letter, **sender, online=PAPERLESS)
    utility = current_policy().utility
    message_send(
        to_address=address,
        template="letter_in_my_account",
        context={
            # Not the letter's subject: it may name the account or what the letter is about (arrears).
            "portal": f"{utility.get('website', '').rstrip('/')}/portal/me/messages/",
            "utility": utility["name"],
            "phone": utility.get("phone", ""),
        },
        to_customer=to_customer,
        regarding=regarding,
        tells_of=kept,
        **sender,
    )
    kept.refresh_from_db()  # queued to be mailed when the e-mail was refused for good
    return kept
