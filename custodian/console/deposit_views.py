"""The console's deposits, refunds and budget billing (billing staff): asking an account for a deposit,
recording one paid, the check a refund after a final bill was sent by, and starting or stopping an account's
budget billing. Each a POST step back to the account's history or the billing page; the services check the
member of staff themselves."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.billing.budget import budget_plan_start, budget_plan_stop
from custodian.billing.choices import DepositReason
from custodian.billing.deposits import deposit_ask, deposit_paid_record, refund_sent_record
from custodian.billing.permissions import BillingError
from custodian.billing.selectors import deposit_for, refund_for
from custodian.console.access import acts_for, console_page, looked_up
from custodian.console.steps import steps_on
from custodian.customers.selectors import account_for
from custodian.routing import page
from custodian.web.once import OnceForm

bills_staff = acts_for("billing")
BILLING_ONLY = _("Only staff whose support service acts for billing.")


class DepositForm(OnceForm):
    records = "billing.Deposit"
    amount = bounds.MoneyField(
        label="Amount ($)", max_digits=8, decimal_places=2, min_value=0, max_value=Decimal("999999.99")
    )
    reason = forms.ChoiceField(label="Reason", choices=DepositReason.choices)
    due_on = bounds.DateField(label="Due on (empty: the tariff's days from today)", required=False)


class DepositPaidForm(OnceForm):
    paid_on = bounds.DateField(label="Paid on")
    reference = forms.CharField(label="Receipt or check number (optional)", max_length=40, required=False)


class RefundSentForm(OnceForm):
    check_number = forms.CharField(label="Check number", max_length=20)


class BudgetForm(OnceForm):
    """Start or stop budget billing: the button pressed is the choice. Anything else sent draws the account's
    page again with the error at the buttons (400), as every form drawn again; a copy of the form sent
    again (a double click) starts or stops nothing more."""

    records = "billing.BudgetPlan"
    choice = forms.ChoiceField(
        label="Budget billing",
        choices=[("start", "Start"), ("stop", "Stop")],
        error_messages={"required": "Choose start or stop.", "invalid_choice": "Choose start or stop."},
    )


def _billing_steps(to: str, **found):
    """The decorator of billing staff's POST steps back to the page `to` (`steps.steps_on`, with its `found`,
    `url_key` and `key_of`): anyone else gets the console's 403 page; a BillingError is the service saying no,
    shown after the step's `failed` words as a form's errors are."""
    step_of = steps_on(to, rule=console_page(bills_staff, BILLING_ONLY), refused=BillingError, **found)

    def billing_step(form_class=None, *, failed: str):
        return step_of(form_class, failed=failed, refusal=lambda exc: f"{failed}: {exc}.")

    return billing_step


# The steps back to an account's billing history, on the account or one of its deposits; a refund's step goes
# back to the billing page.
_account_step = _billing_steps(
    "console:billing_account", found=looked_up(account_for, "account_id"), url_key="account_id"
)
_deposit_step = _billing_steps(
    "console:billing_account",
    found=looked_up(deposit_for, "deposit_id"),
    url_key="account_id",
    key_of="account_id",
)
_refund_step = _billing_steps("console:billing", found=looked_up(refund_for, "refund_id"))


@page("billing/accounts/<id:account_id>/deposit/", name="deposit_ask")
@_account_step(DepositForm, failed="No deposit asked")
def deposit_ask_view(request, account, d):
    deposit = deposit_ask(
        account_id=account.pk, amount=d["amount"], reason=d["reason"], due_on=d["due_on"], by=request.user
    )
    asked = f"Deposit of ${deposit.amount} asked of the account (internal ref. {account.pk})"
    return f"{asked}, due {deposit.due_on:%Y-%m-%d}."


@page("billing/deposits/<id:deposit_id>/paid/", name="deposit_paid")
@_deposit_step(DepositPaidForm, failed="Not recorded")
def deposit_paid_view(request, deposit, d):
    deposit_paid_record(
        deposit_id=deposit.pk, paid_on=d["paid_on"], reference=d["reference"], by=request.user
    )
    return f"Deposit {deposit.pk} paid on {d['paid_on']:%Y-%m-%d}: held until service stops."


@page("billing/refunds/<id:refund_id>/sent/", name="refund_sent")
@_refund_step(RefundSentForm, failed="Not recorded")
def refund_sent_view(request, refund, d):
    refund_sent_record(refund_id=refund.pk, check_number=d["check_number"], by=request.user)
    return f"Refund {refund.pk} of ${refund.amount} sent by check {d['check_number']}."


@page("billing/accounts/<id:account_id>/budget/", name="budget")
@_account_step(BudgetForm, failed="Not changed")
def budget_view(request, account, d):
    if d["choice"] == "start":
        plan = budget_plan_start(account_id=account.pk, by=request.user)
        return f"Budget billing on: ${plan.monthly_amount} a month from {plan.first_cycle}."
    stopped = budget_plan_stop(account_id=account.pk, by=request.user)
    if stopped.owed_on_next_bill:
        return (
            f"Budget billing stopped: ${stopped.owed_on_next_bill:,.2f} of use beyond the level amount "
            "goes on the next bill."
        )
    if stopped.credited:
        return f"Budget billing stopped: ${-stopped.credited:,.2f} paid beyond use credited now."
    return "Budget billing stopped: nothing was carried."
