"""What payments keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "bills" category): automatic payment, when it was started and
stopped (the bank account itself is a value of its own category), each debit made from the bank account
(and its return by the bank, or the bank's notice that the account's details changed), the payments tried
by card, and the payments the utility took itself (each a receipt). Called only once the gate has allowed
the read of the category."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.record_tables import Kept, amount
from custodian.dates import day_words
from custodian.payments.models import (
    AchChangeNotice,
    AchDebit,
    AchReturn,
    Autopay,
    PaymentReceived,
    PaymentSession,
)
from custodian.vault.record_tables import Column, dates, day, fields, in_words, kept_register, moment


def _autopay_words(a: Autopay) -> str:
    if a.active:
        return _("each bill is debited from your bank account when it is due.")
    return _("stopped on %(on)s") % {"on": day_words(a.stopped_at)}


def _card_words(s: PaymentSession) -> str:
    return str(s.get_status_display()).lower()


def _returned(d: AchDebit) -> AchReturn | None:
    try:
        return d.returned
    except AchReturn.DoesNotExist:
        return None


def _debit_words(d: AchDebit) -> str:
    words = _("toward what was due on %(due)s, taken on %(on)s") % {
        "due": day_words(d.due_on),
        "on": day_words(d.effective_on),
    }
    back = _returned(d)
    if back is not None:
        words += "; " + _("returned by your bank on %(on)s (reason code %(code)s)") % {
            "on": day_words(back.received_on),
            "code": back.reason_code,
        }
    return words


def _debit_returned(d: AchDebit) -> dict:
    back = _returned(d)
    if back is None:
        return {"returned": None}
    return {"returned": {"received_on": back.received_on.isoformat(), "reason_code": back.reason_code}}


def _change_words(n: AchChangeNotice) -> str:
    words = _("your bank told us that the bank account's details changed (change code %(code)s)") % {
        "code": n.change_code
    }
    if n.outcome == AchChangeNotice.Outcome.APPLIED:
        words += "; " + _("we corrected the bank account on file on %(on)s") % {"on": day_words(n.acted_on)}
    elif n.outcome == AchChangeNotice.Outcome.NO_CHANGE:
        words += "; " + _("we made no change on %(on)s: %(why)s") % {
            "on": day_words(n.acted_on),
            "why": n.get_no_change_reason_display(),
        }
    return words


def _received_words(p: PaymentReceived) -> str:
    words = _("receipt %(number)s: %(method)s") % {"number": p.pk, "method": p.get_method_display()}
    if p.check_number:
        words += " " + _("number %(number)s") % {"number": p.check_number}
    return words


PAYMENTS = (
    Kept(
        "automatic_payment",
        gettext_lazy("Automatic payment"),
        Autopay,
        moment("enrolled_at", key="started_at", words=day_words),
        (
            dates("stopped_at"),
            in_words(_autopay_words, key="what", code=lambda a: "on" if a.active else "stopped"),
        ),
        whose="account__customer_id",
    ),
    Kept(
        "card_payments",
        gettext_lazy("Card payments"),
        PaymentSession,
        moment("created_at", key="at"),
        (amount(), in_words(_card_words, key="status")),
        whose="account__customer_id",
    ),
    Kept(
        "automatic_payment_debits",
        gettext_lazy("Automatic payment debits from your bank account"),
        AchDebit,
        moment("created_at", key="at", words=day_words),
        (
            amount(),
            dates("due_on", "effective_on"),
            Column(None, None, _debit_returned),
            in_words(_debit_words, key="what", code=lambda d: "returned" if _returned(d) else "debited"),
        ),
        whose="account__customer_id",
        related=("returned",),
    ),
    Kept(
        "bank_change_notices",
        gettext_lazy("Your bank's notices that the bank account's details changed"),
        AchChangeNotice,
        day("received_on"),
        (in_words(_change_words, key="what", code="change_code"),),
        whose="debit__account__customer_id",
    ),
    Kept(
        "payments_received",
        gettext_lazy("Payments we received (receipts)"),
        PaymentReceived,
        day("received_on"),
        (
            amount(),
            fields(receipt="pk", check_number="check_number"),
            in_words(_received_words, key="method", code="method"),
        ),
        whose="account__customer_id",
    ),
)


def register() -> None:
    """Payments' readers of the bills category (from the app's `ready`)."""
    kept_register(*PAYMENTS)
