"""The console's deposits, refunds and budget billing (billing staff): asking an account for a deposit,
recording one paid, the check a refund after a final bill was sent by, and starting or stopping an account's
budget billing. Each a POST step back to the account's history or the billing page; the services check the
member of staff themselves."""

from django import forms
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.billing.budget import budget_plan_start, budget_plan_stop
from custodian.billing.choices import DepositReason
from custodian.billing.deposits import deposit_ask, deposit_paid_record, refund_sent_record
from custodian.billing.permissions import BillingError
from custodian.billing.selectors import deposit_for, refund_for
from custodian.console.access import acts_for, console_page, looked_up
from custodian.console.steps import step
from custodian.customers.selectors import account_for
from custodian.routing import page

bills_staff = acts_for("billing")
BILLING_ONLY = "Only staff whose support service acts for billing."


def _billing_post(view):
    """A POST step of billing staff; anyone else gets the console's 403 page."""
    return console_page(bills_staff, BILLING_ONLY)(require_POST(view))


def _step(request, act, *, failed: str, form=None, to: str = "console:billing_account", **kwargs):
    """A billing step back to the account (or to `to`): the POST checked with `form` (a form class, if the
    step has one) and handed to `act` as its cleaned data; a BillingError is the service saying no, shown
    after `failed` as a form's errors are."""
    bound = form(request.POST) if form else None

    def refusal(exc: Exception) -> str:
        return f"{failed}: {exc}."

    def run() -> str:
        return act(bound.cleaned_data if bound else {})

    return step(
        request, run, to=to, form=bound, failed=failed, refused=BillingError, refusal=refusal, **kwargs
    )


class DepositForm(forms.Form):
    amount = forms.DecimalField(label="Amount ($)", max_digits=8, decimal_places=2, min_value=0)
    reason = forms.ChoiceField(label="Reason", choices=DepositReason.choices)
    due_on = bounds.DateField(label="Due on (empty: the tariff's days from today)", required=False)


class DepositPaidForm(forms.Form):
    paid_on = bounds.DateField(label="Paid on")
    reference = forms.CharField(label="Receipt or check number (optional)", max_length=40, required=False)


class RefundSentForm(forms.Form):
    check_number = forms.CharField(label="Check number", max_length=20)


@page("billing/accounts/<id:account_id>/deposit/", name="deposit_ask")
@_billing_post
@looked_up(account_for, "account_id")
def deposit_ask_view(request, account):
    def act(d):
        deposit = deposit_ask(
            account_id=account.pk, amount=d["amount"], reason=d["reason"], due_on=d["due_on"], by=request.user
        )
        return f"Deposit of ${deposit.amount} asked of account {account.pk}, due {deposit.due_on:%Y-%m-%d}."

    return _step(request, act, form=DepositForm, failed="No deposit asked", account_id=account.pk)


@page("billing/deposits/<id:deposit_id>/paid/", name="deposit_paid")
@_billing_post
@looked_up(deposit_for, "deposit_id")
def deposit_paid_view(request, deposit):
    def act(d):
        deposit_paid_record(
            deposit_id=deposit.pk, paid_on=d["paid_on"], reference=d["reference"], by=request.user
        )
        return f"Deposit {deposit.pk} paid on {d['paid_on']:%Y-%m-%d}: held until service stops."

    return _step(request, act, form=DepositPaidForm, failed="Not recorded", account_id=deposit.account_id)


@page("billing/refunds/<id:refund_id>/sent/", name="refund_sent")
@_billing_post
@looked_up(refund_for, "refund_id")
def refund_sent_view(request, refund):
    def act(d):
        refund_sent_record(refund_id=refund.pk, check_number=d["check_number"], by=request.user)
        return f"Refund {refund.pk} of ${refund.amount} sent by check {d['check_number']}."

    return _step(request, act, to="console:billing", form=RefundSentForm, failed="Not recorded")


@page("billing/accounts/<id:account_id>/budget/", name="budget")
@_billing_post
@looked_up(account_for, "account_id")
def budget_view(request, account):
    choice = request.POST.get("choice")

    def act(_):
        if choice == "start":
            plan = budget_plan_start(account_id=account.pk, by=request.user)
            return f"Budget billing on: ${plan.monthly_amount} a month from {plan.first_cycle}."
        if choice == "stop":
            budget_plan_stop(account_id=account.pk, by=request.user)
            return "Budget billing stopped: the difference carried is settled on the ledger."
        raise BillingError("choose start or stop")

    return _step(request, act, failed="Not changed", account_id=account.pk)
