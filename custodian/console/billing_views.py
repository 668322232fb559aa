"""The console's billing pages, and an account's history.

- Billing (staff whose service acts for billing): start a bill run in the background and watch its progress,
  the cycle's exceptions (estimated reads, bills far from the account's previous one, failed card payments),
  a bill's content (read through the gate for billing, one access event) and its correction as a re-bill.
- An account's history (billing and collections staff): opened and closed, bills, ledger, agreements,
  notices and orders, from clear columns, shown as a look at the customer's bills read through the gate for
  the member's own purpose (billing, or collecting payments; one access event per page drawn); contact
  details only on request, through the gate for collecting payments; the collections forms for collections
  staff (their views are in `collections_views`).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from custodian.billing.arrears import arrears_on
from custodian.billing.budget import budget_plan_of, carried, settlements_pending
from custodian.billing.presentation import bill_shown
from custodian.billing.runs import bill_run_request
from custodian.billing.selectors import (
    SERVICE_ADDRESS,
    account_bills_read,
    bill_document,
    bill_for,
    bill_run_list,
    billing_exceptions,
    deposits_of,
    latest_cycle,
    ledger_of,
    refunds_of,
    refunds_to_send,
    statement,
)
from custodian.billing.services import BillingError, bill_correct
from custodian.bounds import EARLIEST, LATEST, month_first_day
from custodian.collecting.selectors import account_collections, agreement_standing
from custodian.console.access import acts_for, console_actor, console_page, not_found
from custodian.console.account_names import accounts_named, internal_ref
from custodian.console.collections_views import (
    AgreementAskedForm,
    FactsForm,
    ServiceDayForm,
    collections_staff,
)
from custodian.console.deposit_views import BudgetForm, DepositForm, DepositPaidForm, RefundSentForm
from custodian.console.payment_views import PaymentReceivedForm
from custodian.console.steps import step_form
from custodian.customers.selectors import account_for, services_at
from custodian.netaddr import client_ip
from custodian.operations.health import queued_unattended
from custodian.payments.received import takes_payments
from custodian.payments.selectors import failed_payments, payments_received
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.vault import gate
from custodian.web.once import OnceForm, once

bills_staff = acts_for("billing")


def billing_or_collections(actor) -> bool:
    """Staff who bill or collect: an account's history (clear amounts and dates) is part of both."""
    return bills_staff(actor) or collections_staff(actor)


BILLING_ONLY = gettext_lazy("Only staff whose support service acts for billing.")
CONTACT_FIELDS = ("name", "phone", "email", "mailing_address")
# What a bill's page shows of its content beyond the bill itself (console/bill.html).
BILL_PAGE_SHOWS = ("name", "service_address", "account_number")


DATE = {"type": "date"}


class CycleForm(forms.Form):
    cycle = forms.CharField(label="Cycle (YYYY-MM)", max_length=7)

    def clean_cycle(self):
        # Said by the field, in the form's words: "2026-13" is no month (the bill run's own refusal would
        # come back as a message above the page, after the run was asked for).
        cycle = self.cleaned_data["cycle"].strip()
        try:
            month_first_day(cycle)
        except ValueError:
            raise forms.ValidationError(
                f"Give the cycle as a month between {EARLIEST:%Y-%m} and {LATEST:%Y-%m}, written YYYY-MM "
                "(the month 01 to 12), such as 2026-11."
            ) from None
        return cycle


class CorrectionForm(OnceForm):
    records = "billing.Bill"
    reason = forms.CharField(label="Reason for the correction", min_length=5, max_length=300)


@page("billing/", name="billing")
@console_page(bills_staff, BILLING_ONLY)
def billing_home(request):
    form = CycleForm(request.POST or None)
    status = 400 if form.is_bound else 200  # a cycle refused: said by its field
    if request.method == "POST" and form.is_valid():
        try:
            run = bill_run_request(cycle=form.cleaned_data["cycle"], requested_by=request.user)
        except BillingError as exc:
            # A refusal about the cycle (a month not ended, no tariff for it) is shown at its field, with the
            # cycle as typed; any other (a run already going) is a message.
            field, _, why = str(exc).partition(": ")
            if field != "cycle":
                messages.error(request, f"Not started: {exc}.")
                return redirect("console:billing")
            form.add_error("cycle", f"{why}.")
            messages.error(request, f"Not started: {why}.")
        else:
            messages.success(request, f"Bill run {run.pk} for {run.cycle} queued.")
            return redirect("console:billing")
    cycle = request.GET.get("cycle") or latest_cycle()
    try:
        exceptions = billing_exceptions(cycle) if cycle else None
    except ValueError as exc:
        exceptions, status = None, 400
        messages.error(request, f"No exceptions to show: {exc}.")
    runs, active = bill_run_list(fetched_by=console_actor(request))
    failed = failed_payments(since=timezone.now() - timedelta(days=30))
    refunds = refunds_to_send(fetched_by=console_actor(request))
    listed = [r.account_id for r in refunds] + [p.account_id for p in failed]
    if exceptions:
        listed += [b.account_id for b in exceptions.estimated]
        listed += [b.account_id for b, _ in [*exceptions.high, *exceptions.low]]
    return render(
        request,
        "console/billing.html",
        {
            "form": form,
            "runs": runs,
            "active": active,
            "unattended": queued_unattended(runs),
            "exceptions": exceptions,
            "failed": failed,
            # Each refund with its own form: the one sent comes back with what was typed.
            "refunds": [
                (
                    r,
                    step_form(
                        request, RefundSentForm, "console:refund_sent", r.pk, auto_id=f"refund-{r.pk}-%s"
                    ),
                )
                for r in refunds
            ],
            # Every account listed by the number on its bill: one bulk read for billing (logged).
            "names": accounts_named(request, listed, purpose="billing"),
        },
        status=status,
    )


def bills_purpose(actor) -> str:
    """What this member of staff reads a customer's bills for: billing, else collecting payments."""
    return "billing" if bills_staff(actor) else "collecting_payments"


def _contact(request, account):
    """The account holder's contact details, read through the gate for collecting payments."""
    return gate.reveal(
        actor=console_actor(request),
        customer_id=account.customer_id,
        fields=list(CONTACT_FIELDS),
        purpose="collecting_payments",
        client_ip=client_ip(request),
    )


@page("billing/accounts/<id:account_id>/", name="billing_account")
@console_page(
    billing_or_collections,
    gettext_lazy("Only billing and collections staff see an account's bills and payments."),
)
def account_history(request, account_id):
    actor = console_actor(request)
    account = account_for(fetched_by=actor, account_id=account_id)
    if account is None:
        return not_found(request)
    # The home's facts only where the bills' purpose may read the service address, named in the same read.
    shows_home = SERVICE_ADDRESS in current_policy().purposes[bills_purpose(actor)].categories
    try:
        bills, number = account_bills_read(
            actor=actor,
            account=account,
            purpose=bills_purpose(actor),
            client_ip=client_ip(request),
            showing_home=shows_home,
        )
    except gate.Held as exc:
        held = gettext("This read is %(held)s (the privacy officer decides).") % {
            "held": gate.held_in_words(exc)
        }
        return _account_refused(request, account, held)
    except gate.Destroyed as exc:
        return _account_refused(request, account, str(exc))
    except gate.Denied:
        return not_found(request)
    contact, contact_error, status = None, "", 200
    if request.method == "POST" and request.POST.get("show") != "contact":
        # The page's one button shows the contact details: anything else sent shows nothing, and says so.
        contact_error, status = "Nothing shown: the page's button shows the contact details.", 400
    elif request.method == "POST":
        if not collections_staff(actor):
            contact_error = "Contact details are shown to collections staff, for collecting payments."
        else:
            try:
                contact = _contact(request, account)
            except gate.Destroyed as exc:
                contact_error = str(exc)
            except gate.Denied as refused:
                contact_error = gate.refused_in_words(refused)
    services = services_at(account.premise_id)
    today = timezone.localdate()
    in_force = agreement_standing(fetched_by=actor, account_id=account.pk, on=today)
    return render(
        request,
        "console/billing_account.html",
        {
            "account": account,
            "shows_home": shows_home,
            # By the number printed on its latest bill (read with the bills, in the same access event), else
            # by its internal reference.
            "account_name": f"Account {number}" if number else internal_ref(account.pk),
            "statement": statement([account.pk], on=today),
            "bills": bills,
            "bills_purpose": current_policy().purposes[bills_purpose(actor)].label,
            "ledger": ledger_of([account.pk]).order_by("-posted_on", "-pk")[:100],
            # Payments taken by the utility itself (each the customer's receipt), and the form to record one.
            "received": payments_received([account.pk], limit=20),
            "payment_form": step_form(request, PaymentReceivedForm, "console:payment_received", account.pk)
            if takes_payments(actor)
            else None,
            # Each deposit with its own form: the one sent comes back with what was typed.
            "deposits": [
                (
                    d,
                    step_form(
                        request,
                        DepositPaidForm,
                        "console:deposit_paid",
                        d.pk,
                        initial={"paid_on": timezone.localdate()},
                        auto_id=f"deposit-{d.pk}-%s",
                    ),
                )
                for d in deposits_of([account.pk])
            ],
            "budget": [(plan, carried(plan)) for plan in budget_plan_of([account.pk])],
            "budget_pending": settlements_pending([account.pk]),
            # The buttons that start or stop it: the form sent comes back with its error beside them.
            "budget_form": step_form(request, BudgetForm, "console:budget", account.pk, auto_id="budget-%s")
            if bills_staff(actor) and account.is_open
            else None,
            "refunds": refunds_of([account.pk]),
            "deposit_form": step_form(request, DepositForm, "console:deposit_ask", account.pk)
            if bills_staff(actor) and account.is_open
            else None,
            **account_collections(fetched_by=actor, account_id=account.pk),
            "contact": [(f.replace("_", " "), (contact or {}).get(f, "")) for f in CONTACT_FIELDS]
            if contact is not None
            else None,
            "contact_error": contact_error,
            "collects": collections_staff(actor),
            "bills_staff": bills_staff(actor),
            "service_form": step_form(
                request,
                ServiceDayForm,
                ("console:disconnection_notice", "console:disconnection_order"),
                account.pk,
                services=services,
            )
            if collections_staff(actor)
            else None,
            "facts_form": step_form(request, FactsForm, "console:protection_facts", account.pk)
            if collections_staff(actor)
            else None,
            # The request is offered only as the service accepts it: with no agreement in force (one asked
            # for and waiting for an answer, or agreed, is shown instead) and something past due today (a
            # payment agreement spreads what is past due); otherwise the page says why there is none.
            "in_force": in_force,
            "agreement_form": step_form(
                request, AgreementAskedForm, "console:agreement_request", account.pk, auto_id="asked-%s"
            )
            if collections_staff(actor) and in_force is None and arrears_on(account.pk, on=today).past_due > 0
            else None,
            "protection_notice": current_policy().notices["disconnection_protection"],
        },
        status=status,
    )


def refusal_sentence(what: str, exc: Exception) -> str:
    """A service's refusal as the page says it: what did not happen, then why, as sentences ("Bill 461 was
    not corrected. Nothing changed: …, then re-bill.")."""
    why = str(exc).strip().rstrip(".")
    return f"{what}. {why[:1].upper()}{why[1:]}."


def _account_refused(request, account, refusal: str):
    """The account's page with nothing of its bills, when the gate did not let this member read them."""
    return render(
        request,
        "console/billing_account.html",
        {"account": account, "account_name": internal_ref(account.pk), "refused": refusal},
        status=403,
    )


@page("billing/bills/<id:bill_id>/", name="bill")
@console_page(bills_staff, BILLING_ONLY)
def bill_detail(request, bill_id):
    return _bill_page(request, bill_id)


def _bill_page(request, bill_id, form=None, status=200):
    """A bill's content, read through the gate for billing (one access event naming the bills and the name
    service address and account number the page shows of it), with the correction form."""
    bill = bill_for(fetched_by=console_actor(request), bill_id=bill_id)
    if bill is None:
        return not_found(request)
    try:
        content = bill_document(
            actor=console_actor(request),
            bill=bill,
            purpose="billing",
            client_ip=client_ip(request),
            showing=BILL_PAGE_SHOWS,
        )
    except gate.Denied:
        return not_found(request)
    return render(
        request,
        "console/bill.html",
        {
            "bill": bill,
            "content": content,
            "shown": bill_shown(content),
            "form": form or CorrectionForm(),
            # The account by the number printed on this bill (read with it, in the same access event).
            "names": {bill.account_id: f"Account {content['account_number']}"}
            if content.get("account_number")
            else {},
        },
        status=status,
    )


@page("billing/bills/<id:bill_id>/correct/", name="bill_correct")
@console_page(bills_staff, BILLING_ONLY)
@require_POST
def bill_correct_view(request, bill_id):
    if bill_for(fetched_by=console_actor(request), bill_id=bill_id) is None:
        return not_found(request)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _bill_page(request, bill_id, form=form, status=400)

    def answer():
        try:
            new = bill_correct(bill_id=bill_id, reason=form.cleaned_data["reason"], by=request.user)
        except BillingError as exc:
            form.add_error(None, refusal_sentence(f"Bill {bill_id} was not corrected", exc))
            return _bill_page(request, bill_id, form=form, status=400)
        messages.success(request, f"Bill {bill_id} corrected: the new bill is {new.pk}.")
        return redirect("console:bill", bill_id=new.pk)

    return once(request, form, answer)
