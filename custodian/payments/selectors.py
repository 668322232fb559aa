"""Reads of payments: the card payments tried for accounts, the payments staff recorded as received (the
customer's receipts), and the bank's notifications of change for collections to act on (clear columns only:
amount, method, outcome, time, change code; a notice's corrected data is read through the gate by
`change_notices.correction_read`)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from custodian.billing.models import Bill
from custodian.billing.selectors import BILL_CATEGORY
from custodian.payments.models import AchChangeNotice, AchDebit, Autopay, PaymentReceived, PaymentSession
from custodian.policy.loader import current_policy
from custodian.vault.gate import Actor

# The purpose notifications of change are acted on for: automatic payment is collections' work.
CHANGE_NOTICES_PURPOSE = "collecting_payments"


def payment_attempts(account_ids, *, limit: int = 50):
    """The latest checkout sessions of these accounts, newest first (open, paid or failed)."""
    return PaymentSession.objects.filter(account_id__in=list(account_ids)).order_by("-created_at", "-pk")[
        :limit
    ]


def payments_received(account_ids, *, limit: int = 50):
    """The payments recorded as received on these accounts (each a receipt), newest first."""
    return (
        PaymentReceived.objects.filter(account_id__in=list(account_ids))
        .select_related("recorded_by")
        .order_by("-received_on", "-pk")[:limit]
    )


def failed_payments(*, since, limit: int = 200):
    """Card payments the processor declined since `since`, newest first (the billing exceptions list)."""
    return (
        PaymentSession.objects.filter(status=PaymentSession.Status.FAILED, settled_at__gte=since)
        .select_related("account")
        .order_by("-settled_at", "-pk")[:limit]
    )


def autopay_of_customer(*, fetched_by, customer_id: int) -> list[Autopay]:
    """The customer's active automatic payments, with their accounts: the customer's own only."""
    if fetched_by.kind != "customer" or fetched_by.customer_id != customer_id:
        return []
    mine = Autopay.objects.filter(account__customer_id=customer_id, active=True)
    return list(mine.select_related("account"))


def autopay_pays_what_is_due(*, fetched_by: Actor, customer_id: int, due_from: date) -> bool:
    """Whether every bill of the customer's with a part not yet due on `due_from` (its due date, or a
    correction's increase's) will be paid automatically (and there is at least one): on an account with
    active automatic payment, and no debit of that month for a part due from then that the bank returned (a
    returned debit is not sent again: the bill is the customer's to pay; `autopay.debits_due` debits each
    part by its own due date). The portal home then says what falls due will be paid from the bank account
    instead of asking the customer to pay it; it sums every bill not yet due, so every one of them must be
    paid automatically, on whichever account. One query; clear columns. For the customer themself or their
    representative whose authority covers the bills; False (nothing said) for anyone else."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return False
    on_autopay = Autopay.objects.filter(active=True).values("account_id")
    returned = AchDebit.objects.filter(
        account_id=OuterRef("account_id"),
        bill__cycle=OuterRef("cycle"),
        due_on__gte=due_from,
        returned__isnull=False,
    )
    counts = (
        Bill.objects.filter(customer_id=customer_id, is_current=True)
        .filter(Q(total__gt=0, due_on__gte=due_from) | Q(increase_due_on__gte=due_from))
        .aggregate(
            due=Count("pk"),
            paid=Count("pk", filter=Q(account_id__in=on_autopay) & ~Exists(returned)),
        )
    )
    return counts["due"] > 0 and counts["paid"] == counts["due"]


def acts_on_change_notices(actor: Actor) -> bool:
    """Staff whose support service acts for collecting payments: who reads and acts on the bank's notices."""
    return actor.kind == "staff" and current_policy().acts_for(actor.services, CHANGE_NOTICES_PURPOSE)


def change_notices(*, fetched_by: Actor, open_only: bool = True, handled_since=None) -> list[AchChangeNotice]:
    """The bank's notifications of change not yet acted on, oldest first (or, with `handled_since`, those
    acted on since then, newest first), with their debits: for staff who collect payments; none for
    anyone else."""
    if not acts_on_change_notices(fetched_by):
        return []
    notices = AchChangeNotice.objects.select_related("debit", "acted_by")
    if handled_since is not None:
        return list(notices.filter(acted_on__gte=handled_since).order_by("-acted_on", "-pk"))
    return list(notices.filter(acted_on__isnull=True).order_by("received_on", "pk"))


def change_notice_for(*, fetched_by: Actor, notice_id: int) -> AchChangeNotice | None:
    """One notification of change, for staff who collect payments; None for anyone else."""
    if not acts_on_change_notices(fetched_by):
        return None
    return (
        AchChangeNotice.objects.select_related("debit__account", "acted_by", "recorded_by")
        .filter(pk=notice_id)
        .first()
    )
