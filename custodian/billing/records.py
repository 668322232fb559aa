"""What billing keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category): every bill (current or replaced by a correction) with
what its sealed content says was used and charged, every payment and charge on the ledger, the deposits, the
refunds and the budget plans. Called only once the gate has allowed the read of the category (the bills'
documents are opened by that read); each table as a person reads it (amounts and dates in words, in the
active language) and as a program reads it (keys, numbers, days year-month-day)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from custodian.billing.content import bill_content_read
from custodian.billing.models import Bill, BudgetPlan, Deposit, LedgerEntry, Refund
from custodian.billing.presentation import bill_shown, entry_shown, money, services_named
from custodian.billing.selectors import BILL_CATEGORY, BILL_REF_ROOT
from custodian.dates import day_words, month_words
from custodian.vault.records_held import Record, Records, records_register

# Every amount a file gives is in this unit (beside it, as the file's other units are).
CURRENCY = "USD"


def coded(key, label) -> dict:
    """A coded item as a file gives it: its key beside its label."""
    return {"key": key, "label": str(label)}


def amount_data(value) -> dict:
    """An amount as a file gives it: a number, with its unit beside it."""
    return {"amount": float(Decimal(value)), "unit": coded(CURRENCY, _("US dollars"))}


def day_data(day) -> str | None:
    return day.isoformat() if day else None


def dated_records(key: str, title, headers: list, items, *, on: str, words, data) -> Records:
    """A table of the bills category with one record per item of `items`, made on the item's day `on` (an
    attribute's name): its first cell ("Date") that day in words, then the cells `words(item)` gives under
    `headers`; its data that day year-month-day (under `on`), then what `data(item)` gives."""
    return Records(
        BILL_CATEGORY,
        key,
        title,
        [_("Date"), *headers],
        [
            Record(
                [day_words(getattr(x, on)), *words(x)],
                {on: day_data(getattr(x, on)), **data(x)},
                getattr(x, on),
            )
            for x in items
        ],
    )


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


def _account_records(customer_id: int, _documents) -> list[Records]:
    """The ledger, deposits, refunds and budget plans of the customer's accounts."""
    ledger = LedgerEntry.objects.filter(account__customer_id=customer_id).select_related("bill")
    deposits = Deposit.objects.filter(customer_id=customer_id).order_by("asked_on", "pk")
    refunds = Refund.objects.filter(customer_id=customer_id).order_by("issued_on", "pk")
    plans = BudgetPlan.objects.filter(customer_id=customer_id).order_by("started_on", "pk")
    return [
        dated_records(
            "ledger",
            _("Payments and charges"),
            [_("What"), _("Amount")],
            ledger.order_by("posted_on", "pk"),
            on="posted_on",
            words=lambda e: [entry_shown(e), money(e.amount)],
            data=lambda e: {"what": coded(e.kind, entry_shown(e)), **amount_data(e.amount)},
        ),
        dated_records(
            "deposits",
            _("Deposit"),
            [_("Amount"), _("What")],
            deposits,
            on="asked_on",
            words=lambda d: [money(d.amount), _deposit_words(d)],
            data=lambda d: {
                "due_on": day_data(d.due_on),
                "paid_on": day_data(d.paid_on),
                "ended_on": day_data(d.ended_on),
                "status": coded(d.status, _deposit_words(d)),
                **amount_data(d.amount),
            },
        ),
        dated_records(
            "refunds",
            _("Refunds"),
            [_("Amount"), _("What")],
            refunds,
            on="issued_on",
            words=lambda r: [money(r.amount), _refund_words(r)],
            data=lambda r: {
                "sent_on": day_data(r.sent_on),
                "status": coded(r.status, _refund_words(r)),
                **amount_data(r.amount),
            },
        ),
        dated_records(
            "budget_plans",
            _("Budget billing"),
            [_("What")],
            plans,
            on="started_on",
            words=lambda p: [_budget_words(p)],
            data=lambda p: {
                "first_month": p.first_cycle,
                "settled_month": p.true_up_cycle,
                "ended_on": day_data(p.ended_on),
                "monthly": amount_data(p.monthly_amount),
                "what": coded(p.status, _budget_words(p)),
            },
        ),
    ]


def _refund_words(r: Refund) -> str:
    after = _("after your final bill of %(on)s") % {"on": day_words(r.issued_on)}
    sent = (
        _("check mailed %(on)s") % {"on": day_words(r.sent_on)}
        if r.sent_on
        else _("check to be mailed to your mailing address")
    )
    return f"{after}: {sent}"


def register() -> None:
    """Billing's readers of the bills category (from the app's `ready`)."""
    records_register(BILL_CATEGORY, _bills, ref_prefix=BILL_REF_ROOT)
    records_register(BILL_CATEGORY, _account_records)
