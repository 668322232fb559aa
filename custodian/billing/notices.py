"""Telling customers their bill is ready, and the paperless choice.

- A customer who chose paperless billing gets an e-mail when a bill is issued (`bill_notices_send`), through
  the outbox, as the `bill_notices` job for contacting customers: the address is read through the gate (one
  access event per customer), and the e-mail carries no amount and no usage, only that a bill is in the portal
  and when it is due. A paperless customer without an e-mail address on file gets a printed bill instead.
- Everyone else's bill is printed and mailed by the bill-mailing vendor: its export's rows are each customer's
  bill as the same PDF the portal gives (`billing.mailing`), and the export marks the bills sent.

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
from custodian.outbox.services import OutboxError, message_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import Actor, reveal_many, system_actor

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


def is_paperless(*, fetched_by: Actor, customer_id: int) -> bool:
    """Whether the customer chose paperless billing: told to the customer themself and their representative
    whose authority covers the bills; anyone else is told no, as for a customer who did not choose it."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return False
    return PaperlessChoice.objects.filter(customer_id=customer_id).exists()


@dataclass
class NoticeReport:
    emailed: int = 0
    no_address: int = 0
    failed: int = 0


def bill_notices_send(
    *, cycle: str | None = None, by=None, progress: Callable[[int], None] | None = None
) -> NoticeReport:
    """A bill-ready e-mail for each current bill of a paperless customer not yet told (of `cycle`, or of any
    cycle). Bills of paperless customers without an address stay for the printed mailing."""
    bills = Bill.objects.filter(
        is_current=True,
        notified_at__isnull=True,
        customer_id__in=PaperlessChoice.objects.values("customer_id"),
    ).select_related("customer")
    if cycle:
        bills = bills.filter(cycle=cycle)
    pending = list(bills.order_by("customer_id", "pk"))
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
