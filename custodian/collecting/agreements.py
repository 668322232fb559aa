"""Where a payment agreement stands on a day, computed from the ledger against the agreement's schedule:
asked and not yet answered, kept, behind, or paid off. Nothing of it is stored: a customer who stops
paying is behind the day an installment is missed, whatever the agreement's record says.

The schedule: the agreement pays the arrears past due on the day it was agreed (`arrears_agreed`) in
monthly installments, the first one month after that day, each on the same day of the month (the month's
last day when it has no such day), the last one what is left. Meanwhile the bills issued after it are paid
as they fall due: an agreement spreads the arrears, not the bills to come.

Kept, read from the ledger as `billing.arrears` reads it (every payment pays the oldest amount owed first):
on a day, what the agreement still lets be owed past due is the arrears less the installments due before
that day. An account whose amount past due is no more than that keeps its agreement (the installments due
and the bills due since were paid); more, and it is behind by the difference (what it owes now to be kept
again). Nothing past due: the arrears are paid off. `Standing.next_due_on` and `next_amount` say what the
agreement asks next and when."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from custodian.billing.arrears import ZERO, arrears_of
from custodian.billing.fee_relief import Spared
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.rules import PAYMENT_AGREEMENT

# The agreements still in force: asked for and not answered, or agreed.
IN_FORCE = (PaymentAgreement.Status.REQUESTED, PaymentAgreement.Status.ACTIVE)

REQUESTED, KEPT, BEHIND, PAID_OFF, BROKEN = "requested", "kept", "behind", "paid_off", "broken"


def month_after(day: date, months: int) -> date:
    """`day` moved `months` months ahead, on the same day of the month (its last day when shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Standing:
    """An agreement on a day: `state` (`REQUESTED`, `KEPT`, `BEHIND`, `PAID_OFF`, `BROKEN`), the arrears it
    pays and its installment, `owed_now` (past due beyond what the schedule allows: what a customer behind
    pays to be kept again), and the next installment: `next_amount` due on `next_due_on` (none once the
    schedule's installments are all paid or due)."""

    agreement: PaymentAgreement
    state: str
    arrears: Decimal
    installment: Decimal | None
    owed_now: Decimal = ZERO
    next_due_on: date | None = None
    next_amount: Decimal = ZERO

    @property
    def account_id(self) -> int:
        return self.agreement.account_id

    @property
    def kept(self) -> bool:
        return self.state == KEPT

    @property
    def pending(self) -> bool:
        return self.state == REQUESTED

    @property
    def label(self) -> str:
        """The state in words, in the active language."""
        return {
            REQUESTED: _("Asked for, not yet answered"),
            KEPT: _("Agreed, payments kept"),
            BEHIND: _("Agreed, payments behind"),
            PAID_OFF: _("Paid off"),
            BROKEN: _("Payments not kept"),
        }[self.state]


# The least monthly installment collections agree (a smaller amount past due is paid in one installment).
LEAST_INSTALLMENT = Decimal("10.00")


def installments_count(arrears: Decimal, installment: Decimal) -> int:
    """How many monthly installments pay `arrears` (the last one what is left)."""
    return int((arrears / installment).to_integral_value(rounding=ROUND_CEILING))


def installment_refusal(installment: Decimal, arrears: Decimal) -> str | None:
    """Why a monthly installment can't be agreed toward `arrears` (what is past due on the day), the limit
    named in words; None when it can: at least `LEAST_INSTALLMENT` (all of the arrears when they are less),
    at most the arrears themselves (one installment pays them off)."""
    if arrears <= 0:
        return "the account has nothing past due for an agreement to spread"
    least = min(LEAST_INSTALLMENT, arrears)
    if installment < least:
        return f"the monthly installment is at least ${least:,.2f}"
    if installment > arrears:
        return f"the monthly installment is at most what is past due, ${arrears:,.2f} (paid in one month)"
    return None


def installments_due_before(*, agreed_on: date, arrears: Decimal, installment: Decimal, on: date) -> Decimal:
    """What the schedule has asked by installments due before `on` (never more than the arrears)."""
    count = installments_count(arrears, installment)
    due = sum(1 for n in range(1, count + 1) if month_after(agreed_on, n) < on)
    return min(arrears, installment * due)


def _next(agreement, arrears: Decimal, installment: Decimal, past_due: Decimal, on: date):
    """The next installment still to pay on or after `on`: (its day, what it asks after what was paid
    ahead), or (None, 0) when none is left."""
    paid = arrears - min(past_due, arrears)
    count = installments_count(arrears, installment)
    for n in range(1, count + 1):
        day = month_after(agreement.agreed_on, n)
        asked = min(arrears, installment * n) - paid
        if day >= on and asked > 0:
            return day, min(asked, installment)
    return None, ZERO


def _standing(agreement: PaymentAgreement, past_due: Decimal, on: date) -> Standing:
    status = agreement.status
    if status == PaymentAgreement.Status.REQUESTED:
        return Standing(agreement, REQUESTED, past_due, agreement.monthly_installment)
    if status == PaymentAgreement.Status.BROKEN:
        return Standing(agreement, BROKEN, agreement.arrears_agreed or ZERO, agreement.monthly_installment)
    arrears = agreement.arrears_agreed if agreement.arrears_agreed is not None else past_due
    installment = agreement.monthly_installment
    if (
        status == PaymentAgreement.Status.COMPLETED
        or past_due <= 0
        or not installment
        or not agreement.agreed_on
    ):
        return Standing(agreement, PAID_OFF, arrears, installment)
    allowed = arrears - installments_due_before(
        agreed_on=agreement.agreed_on, arrears=arrears, installment=installment, on=on
    )
    next_due_on, next_amount = _next(agreement, arrears, installment, past_due, on)
    if past_due <= allowed:
        return Standing(agreement, KEPT, arrears, installment, ZERO, next_due_on, next_amount)
    return Standing(agreement, BEHIND, arrears, installment, past_due - allowed, next_due_on, next_amount)


def standings(
    account_ids, *, on: date, past_due: dict[int, Decimal] | None = None, customer_id: int | None = None
) -> dict[int, Standing]:
    """Account id → the standing on `on` of its agreement in force (asked for or agreed; the latest), for
    the accounts of `account_ids` that have one. One query, and the arrears' (`billing.arrears`) unless the
    caller has read each account's amount past due on `on` already (`past_due`). `customer_id`: only that
    customer's accounts."""
    ids = sorted({int(a) for a in account_ids})
    if not ids:
        return {}
    latest: dict[int, PaymentAgreement] = {}
    found = PaymentAgreement.objects.filter(account_id__in=ids, status__in=IN_FORCE)
    if customer_id is not None:
        found = found.filter(account__customer_id=customer_id)
    for agreement in found.order_by("pk"):
        latest[agreement.account_id] = agreement
    if not latest:
        return {}
    if past_due is None:
        past_due = {a: arrears.past_due for a, arrears in arrears_of(on=on, account_ids=list(latest)).items()}
    return {account_id: _standing(a, past_due.get(account_id, ZERO), on) for account_id, a in latest.items()}


def standing_of(agreement: PaymentAgreement, *, on: date) -> Standing:
    """One agreement's standing on `on` (an agreement no longer in force: as its record says)."""
    owing = arrears_of(on=on, account_ids=[agreement.account_id])
    past_due = owing[agreement.account_id].past_due if agreement.account_id in owing else ZERO
    return _standing(agreement, past_due, on)


def kept_on(account_id: int, *, on: date) -> Standing | None:
    """The account's agreement in force if its payments are kept on `on`, else None."""
    found = standings([account_id], on=on).get(account_id)
    return found if found is not None and found.kept else None


@dataclass(frozen=True)
class Bar:
    """Why no notice of proposed disconnection may be sent to an account, nor its service disconnected, for
    its payment agreement: `standing` is the agreement's (asked for and not answered, or kept).
    `words()` says so in the active language; `reason` in English, as an order's refusal records it."""

    standing: Standing

    def words(self) -> str:
        a = self.standing.agreement
        if self.standing.pending:
            return _(
                "the customer's request for a payment agreement (agreement %(agreement)s, asked on "
                "%(asked)s) is not answered yet: agree it, or answer it, before any notice of proposed "
                "disconnection or disconnection (%(law)s)"
            ) % {"agreement": a.pk, "asked": date_format(a.requested_on), "law": PAYMENT_AGREEMENT}
        return _(
            "the customer keeps payment agreement %(agreement)s (agreed on %(agreed)s, $%(installment)s a "
            "month): nothing is past due under it, so no notice of proposed disconnection and no "
            "disconnection (%(law)s)"
        ) % {
            "agreement": a.pk,
            "agreed": date_format(a.agreed_on),
            "installment": f"{a.monthly_installment:,.2f}",
            "law": PAYMENT_AGREEMENT,
        }

    @property
    def reason(self) -> str:
        with translation.override("en"):
            return self.words()


def disconnection_barred_by(account_id: int, *, on: date) -> Bar | None:
    """What bars a notice of proposed disconnection and a disconnection of the account on `on` for its
    payment agreement, or None: a request for an agreement not yet answered (Minn. Stat. § 216B.098 subd. 3
    and the Cold Weather Rule, § 216B.097 subd. 1(a)(2), have the utility offer one: it is answered first),
    or an agreement whose payments are kept. An agreement behind bars nothing. The one rule every writer of a
    notice or an order applies (`collecting.services`: `disconnection_notice_record`,
    `disconnection_order_issue`; `collecting.notices.disconnection_notice_send` asks it first, before the
    account number is read)."""
    found = standings([account_id], on=on).get(account_id)
    if found is None or not (found.pending or found.kept):
        return None
    return Bar(found)


def arrears_spared() -> dict[int, Spared]:
    """For the late payment charges (`billing.fee_relief`): each account with an agreement in force (agreed,
    not ended), its bills due before the day agreed spared, and on a later day what the schedule still lets
    be owed (the arrears less the installments due by then)."""
    spared = {}
    active = PaymentAgreement.objects.filter(status=PaymentAgreement.Status.ACTIVE, agreed_on__isnull=False)
    for a in active.order_by("pk"):
        if not a.monthly_installment or a.arrears_agreed is None:
            continue

        def owed_under(day, a=a):
            return a.arrears_agreed - installments_due_before(
                agreed_on=a.agreed_on, arrears=a.arrears_agreed, installment=a.monthly_installment, on=day
            )

        spared[a.account_id] = Spared(a.agreed_on, owed_under)
    return spared
