"""A disconnection order withdrawn when the customer asks for a payment agreement or one is agreed (Minn.
Stat. § 216B.098 subd. 3: no disconnection while a request for an agreement is not answered, nor while one is
kept).

An order issued for a coming day before the customer asked would otherwise stay on field services' list. So
in the transaction that records the request, or the agreement, every issued order of the account not yet
carried out (its day today or later; an order is carried out on its day) is withdrawn: the time and the
reason on the order, an event in the access log on the customer (what was withdrawn and why, no personal
value; by the member of staff, or by the collections job when the customer asked in the portal), and a
letter to the customer that the disconnection planned for that day will not happen while the request is
decided (or while the agreement is kept), naming the account by the number on the bill.

Nothing issues a withdrawn order again: if the request is refused, or the agreement is not kept, the law
asks for a new notice of proposed disconnection and a new order
(`collecting.services.disconnection_order_issue` reads a notice sent before the request as superseded by
it)."""

from datetime import date

from django.utils import timezone

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.collecting.letters import COLLECTIONS_JOB, SERVICE_WORDS, letter_sender, utility_words
from custodian.collecting.models import DisconnectionOrder, PaymentAgreement
from custodian.collecting.rules import PAYMENT_AGREEMENT
from custodian.customers.account_numbers import account_numbers
from custodian.customers.models import Account
from custodian.outbox.services import in_language_of, letter_send
from custodian.staff.services import customer_change_append
from custodian.vault.gate import system_actor

PURPOSE = "collecting_payments"


def withdrawal_reason(agreement: PaymentAgreement) -> str:
    """Why the orders are withdrawn, in English with the citation, as the order and the access log keep it."""
    if agreement.status == PaymentAgreement.Status.ACTIVE:
        why = f"payment agreement {agreement.pk} agreed on {agreement.agreed_on:%Y-%m-%d}"
    else:
        why = f"payment agreement {agreement.pk} asked for on {agreement.requested_on:%Y-%m-%d}"
    return f"{why} ({PAYMENT_AGREEMENT}): not to be carried out; a new notice and a new order are needed"


def disconnections_withdraw(*, agreement: PaymentAgreement, by, today: date | None = None):
    """Withdraw every issued disconnection order of the agreement's account not yet carried out (its day
    `today` or later), in the caller's transaction; record each in the access log and tell the customer in
    one letter. `by`: the member of staff, "customer" (the portal) or None (a job). Returns the orders
    withdrawn (none: nothing written)."""
    today = today or timezone.localdate()
    orders = list(
        DisconnectionOrder.objects.select_for_update()
        .filter(
            account_id=agreement.account_id,
            issued=True,
            withdrawn_at__isnull=True,
            scheduled_for__gte=today,
        )
        .order_by("scheduled_for", "pk")
    )
    if not orders:
        return []
    account = Account.objects.select_related("customer").get(pk=agreement.account_id)
    now, reason = timezone.now(), withdrawal_reason(agreement)
    for order in orders:
        order.withdrawn_at, order.withdrawn_reason, order.withdrawn_for = now, reason, agreement
        order.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_for"])
        _logged(
            f"disconnection order {order.pk} ({order.service}, account {account.pk}, "
            f"{order.scheduled_for:%Y-%m-%d}) withdrawn: {reason}",
            customer_id=account.customer_id,
            by=by,
        )
    _tell(account, agreement, orders, by=by)
    return orders


def _logged(words: str, *, customer_id: int, by) -> None:
    """The withdrawal in the access log, on the customer: by the member of staff who took the request or
    agreed it; else by the collections job (the customer asked in the portal, and the utility withdrew the
    order: the customer sees it among the changes others made to their record)."""
    if by is None or by == "customer":
        append_change(
            action=Action.DISCONNECTION_WITHDRAWN,
            actor_kind="system",
            actor_id=COLLECTIONS_JOB,
            actor_label=COLLECTIONS_JOB,
            customer_ids=[customer_id],
            reason=words,
        )
    else:
        customer_change_append(Action.DISCONNECTION_WITHDRAWN, by=by, customer_id=customer_id, reason=words)


def _tell(account: Account, agreement: PaymentAgreement, orders, *, by) -> None:
    """The letter: each disconnection planned, by its service and day, will not happen while the request is
    decided (or the agreement kept). The account number read through the gate as the collections job for
    collecting payments; a letter without it names the account neutrally rather than not telling."""
    staff = by if by is not None and by != "customer" else None
    number = account_numbers(
        actor=system_actor(COLLECTIONS_JOB, on_behalf_of=staff),
        customer_ids=[account.customer_id],
        purpose=PURPOSE,
        what_for="the account number a letter withdrawing a disconnection names",
    ).get(account.customer_id, "")
    with in_language_of(account.customer):
        planned = [
            {"service_words": str(SERVICE_WORDS.get(o.service, o.service)), "on": o.scheduled_for}
            for o in orders
        ]
    letter_send(
        to_customer=account.customer,
        template="disconnection_withdrawn",
        context={
            **utility_words(account.customer),
            "account_number": number,
            "planned": planned,
            "agreed": agreement.status == PaymentAgreement.Status.ACTIVE,
        },
        regarding=f"disconnection_withdrawn:{agreement.pk}",
        **letter_sender(by),
    )
