"""What billing keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category): every bill (current or replaced by a correction) with
what its sealed content says was used and charged, every payment and charge on the ledger, the deposits, the
refunds and the budget plans, and the accounts themselves: when each was opened and closed, the requests to
stop or move service, and the choice of paperless billing. Called only once the gate has allowed the read of
the category (the bills' documents are opened by that read); each table as a person reads it (amounts and
dates in words, in the active language) and as a program reads it (keys, numbers, days year-month-day)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from custodian.billing.content import bill_content_read
from custodian.billing.models import Bill, BudgetPlan, Deposit, LedgerEntry, PaperlessChoice, Refund
from custodian.billing.presentation import bill_shown, entry_shown, money, services_named
from custodian.billing.record_tables import Kept, amount, amount_data
from custodian.billing.selectors import BILL_CATEGORY, BILL_REF_ROOT
from custodian.customers.models import Account, ServiceChange
from custodian.dates import day_words, month_words
from custodian.vault.record_tables import dates, day, day_data, fields, in_words, kept_register, moment
from custodian.vault.records_held import Record, Records, records_register


def _bill(bill: Bill, content: dict | None) -> Record:
    shown = bill_shown(content) if content is not None else {"services": [], "usage": []}
    month = month_words(bill.cycle)
    marks = [_("final")] if bill.final else []
    marks += [_("corrected")] if bill.supersedes_id else []
    if bill.estimated_services:
        marks.append(_("estimated %(services)s") % {"services": services_named(bill.estimated_services)})
    if not bill.is_current:
        marks.append(_("replaced by a corrected bill"))
    use = "; ".join(f"{u.name}: {u.quantity}" for u in shown["usage"])
    return Record(
        words=[
            month + (f" ({', '.join(marks)})" if marks else ""),
            f"{day_words(bill.period_start)} – {day_words(bill.period_end)}",
            day_words(bill.issued_on),
            day_words(bill.due_on),
            money(bill.total),
            use,
        ],
        data={
            "month": bill.cycle,
            "month_label": month,
            "period_start": day_data(bill.period_start),
            "period_end": day_data(bill.period_end),
            "issued_on": day_data(bill.issued_on),
            "due_on": day_data(bill.due_on),
            "total": amount_data(bill.total),
            "final": bill.final,
            "corrected": bill.supersedes_id is not None,
            "replaced": not bill.is_current,
            "use": [
                {"service": u.name, "quantity": u.quantity, "estimated": u.estimated} for u in shown["usage"]
            ],
            "charges": [
                {"service": s.name, "what": line.what, **amount_data(line.amount)}
                for s in shown["services"]
                for line in s.lines
            ],
        },
        made_on=bill.issued_on,
    )


def _bills(customer_id: int, documents) -> list[Records]:
    content = {d.ref: bill_content_read(d.content) for d in documents}
    bills = Bill.objects.filter(customer_id=customer_id).order_by("cycle", "pk")
    return [
        Records(
            BILL_CATEGORY,
            "bills",
            _("Bills"),
            [_("Month"), _("Service period"), _("Issued"), _("Due"), _("Amount"), _("Use")],
            [_bill(b, content.get(b.document_ref)) for b in bills],
        )
    ]


def _deposit_words(d: Deposit) -> str:
    if d.status == Deposit.Status.REQUIRED:
        return _("due %(on)s") % {"on": day_words(d.due_on)}
    if d.status == Deposit.Status.HELD:
        return _("paid %(on)s, held") % {"on": day_words(d.paid_on)}
    if d.status == Deposit.Status.RETURNED:
        return _("returned against your final bill on %(on)s") % {"on": day_words(d.ended_on)}
    return _("no longer asked for (%(on)s)") % {"on": day_words(d.ended_on)}


def _budget_words(plan: BudgetPlan) -> str:
    words = _("%(amount)s a month from the %(first)s bill, settled with the %(last)s bill") % {
        "amount": money(plan.monthly_amount),
        "first": month_words(plan.first_cycle),
        "last": month_words(plan.true_up_cycle),
    }
    if plan.ended_on:
        words += "; " + _("ended on %(on)s") % {"on": day_words(plan.ended_on)}
    return words


def _refund_words(r: Refund) -> str:
    after = _("after your final bill of %(on)s") % {"on": day_words(r.issued_on)}
    sent = (
        _("check mailed %(on)s") % {"on": day_words(r.sent_on)}
        if r.sent_on
        else _("check to be mailed to your mailing address")
    )
    return f"{after}: {sent}"


def _account_words(a: Account) -> str:
    if a.closed_on:
        return _("closed on %(on)s") % {"on": day_words(a.closed_on)}
    return pgettext("an account", "open")


def _change_words(c: ServiceChange) -> str:
    words = f"{c.get_kind_display()}, {day_words(c.on)}: {str(c.get_status_display()).lower()}"
    if c.done_at:
        words += " " + _("on %(on)s") % {"on": day_words(c.done_at)}
    return words


# The ledger, deposits, refunds and budget plans of the customer's accounts; the accounts themselves, the
# requests to stop or move service and the paperless choice.
ACCOUNT_RECORDS = (
    Kept(
        "ledger",
        gettext_lazy("Payments and charges"),
        LedgerEntry,
        day("posted_on"),
        (in_words(entry_shown, key="what", code="kind"), amount()),
        whose="account__customer_id",
        related=("bill",),
    ),
    Kept(
        "deposits",
        gettext_lazy("Deposit"),
        Deposit,
        day("asked_on"),
        (dates("due_on", "paid_on", "ended_on"), amount(), in_words(_deposit_words, key="status")),
    ),
    Kept(
        "refunds",
        gettext_lazy("Refunds"),
        Refund,
        day("issued_on"),
        (dates("sent_on"), amount(), in_words(_refund_words, key="status")),
    ),
    Kept(
        "budget_plans",
        gettext_lazy("Budget billing"),
        BudgetPlan,
        day("started_on"),
        (
            fields(first_month="first_cycle", settled_month="true_up_cycle"),
            dates("ended_on"),
            amount("monthly_amount", header=None, key="monthly"),
            in_words(_budget_words, key="what"),
        ),
    ),
    Kept(
        "accounts",
        gettext_lazy("Your accounts"),
        Account,
        day("opened_on"),
        (
            dates("closed_on"),
            fields(role="role", close_reason="close_reason"),
            in_words(_account_words, key="status", code=lambda a: "closed" if a.closed_on else "open"),
        ),
        whose="customer_id",
    ),
    Kept(
        "service_changes",
        gettext_lazy("Requests to stop or move service"),
        ServiceChange,
        moment("requested_at", key="requested_at", words=day_words),
        (
            dates("on", "done_at"),
            fields(kind="kind", channel="channel"),
            in_words(_change_words, key="what", code="status"),
        ),
    ),
    Kept(
        "paperless",
        gettext_lazy("Paperless billing"),
        PaperlessChoice,
        moment("chosen_at", key="chosen_at", words=day_words),
        (
            fields(channel="channel"),
            in_words(lambda p: _("chosen: we e-mail you when a bill is ready"), key="what", code=None),
        ),
    ),
)


def register() -> None:
    """Billing's readers of the bills category (from the app's `ready`)."""
    records_register(BILL_CATEGORY, _bills, ref_prefix=BILL_REF_ROOT)
    kept_register(*ACCOUNT_RECORDS)
