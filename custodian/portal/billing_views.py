"""The portal's billing pages: balance and due date, bills with their PDFs, paying on the processor's hosted
page, and asking for a payment agreement. Only the signed-in customer's own accounts and bills: a bill id in
a URL that is not theirs is "no such bill" (404), and a bill's content is read through the gate as the
customer for billing. One module (just over 400 lines) on purpose: the pages share the customer's accounts,
the statement and the agreement's request, and split they would import each other."""

import calendar
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from custodian.billing.bill_pdf import bill_printed
from custodian.billing.budget import (
    budget_plan_of,
    budget_plan_start,
    budget_plan_stop,
    carried,
    settlements_pending,
)
from custodian.billing.content import HELD_BEYOND, bill_within
from custodian.billing.notices import is_paperless, paperless_set
from custodian.billing.permissions import BillingError
from custodian.billing.presentation import bill_shown
from custodian.billing.selectors import (
    bill_document,
    bill_of_customer,
    bills_of_customer,
    deposits_of,
    ledger_accounts,
    ledger_of,
    period_statement,
    refunds_of,
    replacing_bill,
    statements,
)
from custodian.bounds import ascii_whole, month_first_day
from custodian.collecting.selectors import (
    agreements_in_force,
    agreements_of_customer,
    withdrawn_disconnections,
)
from custodian.collecting.services import CollectionsError, payment_agreement_request
from custodian.netaddr import client_ip
from custodian.payments.autopay import NOTICE as AUTOPAY_NOTICE
from custodian.payments.autopay import AutopayError, autopay_enrol, autopay_stop
from custodian.payments.selectors import autopay_of_customer, payment_attempts, payments_received
from custodian.payments.services import PaymentError, card_payments_offered, payment_session_open
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.access import choice_acted, portal_actor, portal_required
from custodian.portal.account_names import accounts_named, names_of
from custodian.routing import page
from custodian.staff.sessions import recently_reauthenticated
from custodian.vault.gate import Denied
from custodian.vault.services import Submission
from custodian.web.once import once
from custodian.web.post_only import post_only
from custodian.web.steps import form_acted


def _accounts(request, *, named: bool = True):
    return accounts_named(request, named=named)


def _page(request, *, pay_form=None, agreement_form=None, autopay_form=None, status=200):
    accounts = _accounts(request)
    actor = portal_actor(request)
    ids = ledger_accounts(
        fetched_by=actor, customer_id=request.customer_id, accounts=[a for a, _ in accounts]
    )
    today = timezone.localdate()
    each = statements(ids, on=today)
    labels = names_of(accounts)
    past_due = {a: s.past_due for a, s in each.accounts.items()}
    # The payment agreements asked for or agreed, as they stand today against their schedules; one more is
    # asked for only on an account that has none in force and something past due (an agreement spreads
    # arrears: with none there is nothing to agree, and the service refuses it).
    in_force = agreements_in_force(
        fetched_by=actor, customer_id=request.customer_id, on=today, past_due=past_due
    )
    askable = [
        (a, label)
        for a, label in accounts
        if a.is_open and a.pk not in in_force and past_due.get(a.pk, 0) > 0
    ]
    return render(
        request,
        "portal/bills.html",
        {
            # Each account on its own (collections and the letters count it so), then their total, labelled.
            "statement": each,
            "account_statements": [(labels[a], s) for a, s in each.accounts.items()],
            "deposits": deposits_of(ids),
            "budget": [
                (plan, carried(plan), labels.get(plan.account_id, "")) for plan in budget_plan_of(ids)
            ],
            "budget_pending": [
                (plan, owed, labels.get(plan.account_id, "")) for plan, owed in settlements_pending(ids)
            ],
            "open_accounts": [(a, label) for a, label in accounts if a.is_open],
            "refunds": refunds_of(ids),
            "bills": bills_of_customer(fetched_by=actor, customer_id=request.customer_id)[:36],
            "ledger": list(ledger_of(ids).order_by("-posted_on", "-pk")[:60]),
            "attempts": payment_attempts(ids, limit=10),
            # Payments the utility took itself (a check, cash, a money order), each with its receipt.
            "received": payments_received(ids, limit=20),
            "agreements": [
                a
                for a in agreements_of_customer(fetched_by=actor, customer_id=request.customer_id)
                if a.account_id not in in_force or in_force[a.account_id].agreement.pk != a.pk
            ],
            "in_force": [(labels.get(a), standing) for a, standing in in_force.items()],
            "several_accounts": len(accounts) > 1,
            # What is past due on an account with no agreement: only that is told "pay, or ask for one".
            "past_due_unagreed": any(s.past_due > 0 and a not in in_force for a, s in each.accounts.items()),
            "card_payments": card_payments_offered(),
            "pay_form": pay_form or forms.PayForm(accounts=accounts),
            "agreement_form": agreement_form or forms.PaymentAgreementForm(accounts=askable),
            "agreement_askable": bool(askable),
            "has_accounts": bool(accounts),
            "paperless": is_paperless(fetched_by=actor, customer_id=request.customer_id),
            "autopay": [
                (a, labels.get(a.account_id, ""))
                for a in autopay_of_customer(fetched_by=actor, customer_id=request.customer_id)
            ],
            "autopay_form": autopay_form or forms.AutopayForm(accounts=[a for a in accounts if a[0].is_open]),
            "reauthenticated": recently_reauthenticated(request, settings.CUSTODIAN_REAUTH_SECONDS),
            "autopay_notice": current_policy().notices[AUTOPAY_NOTICE],
            "cold_weather": today.month >= 10 or today.month <= 4,
            "protection_notice": current_policy().notices["disconnection_protection"],
        },
        status=status,
    )


def _form_acted(request, form, act, *, refused, as_form: str):
    """One of the bills page's forms sent to its service call (`web.steps.form_acted`: the message and back
    to the page); a form that does not validate, or that the service refuses, gets the bills page again
    with that form as sent (`as_form`: which of the page's forms it is), 400."""
    if form.is_valid():
        done = form_acted(request, form, act, refused=refused)
        if done:
            return done
    return _page(request, **{as_form: form}, status=400)


@page("me/bills/", name="bills")
@portal_required
def bills(request):
    return _page(request)


def _bill(request, bill_id):
    actor = portal_actor(request)
    bill = bill_of_customer(fetched_by=actor, customer_id=request.customer_id, bill_id=bill_id)
    if bill is None:
        raise Http404
    try:
        content = bill_document(
            actor=actor,
            bill=bill,
            purpose="billing",
            client_ip=client_ip(request),
        )
    except Denied:
        raise Http404 from None
    return bill, content


def _within(request, content: dict, shows) -> tuple[dict, list[str]]:
    """The bill's content as the reader's authority covers it (`billing.content.bill_within`: a
    representative's without what it holds beyond the bill that their authority leaves out), and what it
    left out of `shows`, what the page or file would show of it (none for the customer)."""
    rep = request.representative
    content, left_out = bill_within(content, None if rep is None else rep.category_list)
    return content, [c for c in shows if c in left_out]


# What the bill's page shows beyond the bill itself (portal/bill.html); its PDF prints all of it.
PAGE_SHOWS = ("service_address",)


@page("me/bills/<id:bill_id>/", name="bill")
@portal_required
def bill_detail(request, bill_id):
    """A bill: to a representative whose authority covers the bills, without what it holds beyond them that
    the authority leaves out (the service address), saying so."""
    bill, content = _bill(request, bill_id)
    content, left_out = _within(request, content, PAGE_SHOWS)
    return render(
        request,
        "portal/bill.html",
        {
            "bill": bill,
            "content": content,
            "shown": bill_shown(content),
            "replaced_by": None if bill.is_current else replacing_bill(bill),
            "not_covered": request.not_covered.among(left_out),
        },
    )


@page("me/bills/<id:bill_id>/bill.pdf", name="bill_pdf")
@portal_required
def bill_download(request, bill_id):
    """The bill as a PDF: the same file the bill-mailing vendor prints, with the name and addresses it is
    mailed to; a representative's copy leaves out what of those their authority does not cover and says so
    in their place, in the bill's language."""
    bill, content = _bill(request, bill_id)
    content, left_out = _within(request, content, HELD_BEYOND)
    pdf = bill_printed(
        bill=bill,
        content=content,
        utility=current_policy().utility,
        not_covered=(lambda: request.not_covered.among(left_out)) if left_out else None,
    )
    response = HttpResponse(pdf, "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bill-{bill.cycle}-{bill.pk}.pdf"'
    return response


@page("me/pay/", name="pay")
@portal_required
@post_only("portal:bills")
def pay(request):
    """Open a checkout on the processor's hosted page and send the customer there: the card number is typed
    on the processor's page, never on ours."""
    accounts = _accounts(request)
    ids = ledger_accounts(
        fetched_by=portal_actor(request), customer_id=request.customer_id, accounts=[a for a, _ in accounts]
    )
    owed = {a: s.balance for a, s in statements(ids, on=timezone.localdate()).accounts.items()}
    form = forms.PayForm(request.POST, accounts=accounts, balances=owed)
    if not form.is_valid():
        return _page(request, pay_form=form, status=400)

    def checkout():
        try:
            _session, url = payment_session_open(
                account_id=form.cleaned_data["account"], amount=form.cleaned_data["amount"]
            )
        except PaymentError as exc:
            form.add_error(None, str(exc))
            return _page(request, pay_form=form, status=400)
        return redirect(url)

    return once(request, form, checkout)


@page("me/pay/deposit/<id:deposit_id>/", name="pay_deposit")
@portal_required
@post_only("portal:bills")
def pay_deposit(request, deposit_id):
    """Pay a deposit asked of one of the customer's accounts on the processor's hosted page; once paid it is
    held (it does not pay the bills). Another customer's deposit is not found, as one that does not exist."""
    deposit = next(
        (d for d in deposits_of([a.pk for a, _ in _accounts(request, named=False)]) if d.pk == deposit_id),
        None,
    )
    if deposit is None:
        raise Http404
    try:
        _, url = payment_session_open(account_id=deposit.account_id, deposit_id=deposit.pk)
    except PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("portal:bills")
    return redirect(url)


@page("me/payment-agreement/", name="payment_agreement")
@portal_required
@post_only("portal:bills")
def payment_agreement(request):
    """Ask for a payment agreement: collections answers with one that considers the household's resources."""
    form = forms.PaymentAgreementForm(request.POST, accounts=_accounts(request))

    def ask():
        today, account_id = timezone.localdate(), form.cleaned_data["account"]
        payment_agreement_request(
            account_id=account_id,
            requested_on=today,
            installment=form.cleaned_data["installment"],
            by="customer",
        )
        received = _("Your request for a payment agreement was received; we will call or write to you.")
        # A disconnection ordered for a coming day is withdrawn with the request: said here, and by letter.
        for w in withdrawn_disconnections(
            fetched_by=portal_actor(request), customer_id=request.customer_id, on=today
        ):
            if w["account_id"] == account_id:
                received += " " + _(
                    "The disconnection planned for %(on)s will not happen while your request is decided."
                ) % {"on": date_format(w["on"])}
        return received, redirect("portal:bills")

    return _form_acted(request, form, ask, refused=CollectionsError, as_form="agreement_form")


@page("me/paperless/", name="paperless")
@portal_required
@post_only("portal:bills")
def paperless(request):
    """Paperless billing: a bill-ready e-mail (no amounts in it) instead of a printed bill; or paper again."""

    def choose(choice):
        paperless_set(customer_id=request.customer_id, paperless=choice == "paperless", channel="portal")

    said = {
        "paperless": _("Paperless billing is on: we e-mail you when a bill is ready."),
        "paper": _("We will mail you a printed bill."),
    }
    return choice_acted(
        request,
        said,
        choose,
        back="portal:bills",
        unknown=_("Nothing changed: choose paperless billing or a printed bill."),
        page=partial(_page, request),
    )


@page("me/budget/", name="budget")
@portal_required
@post_only("portal:bills")
def budget(request):
    """Budget billing for one of the customer's accounts in service: started (the level amount from the last
    twelve bills) or stopped (the difference carried settled on the ledger)."""
    choice = request.POST.get("choice")
    mine = {a.pk for a, _ in _accounts(request, named=False) if a.is_open}
    try:
        account_id = ascii_whole(request.POST.get("account", ""))
    except ValueError:
        account_id = None
    if choice not in ("start", "stop") or account_id not in mine:
        messages.error(request, _("Choose one of your accounts in service, and start or stop."))
        return _page(request, status=400)
    try:
        if choice == "start":
            plan = budget_plan_start(account_id=account_id, by="customer")
            done = _("Budget billing is on: $%(amount)s a month from %(cycle)s.") % {
                "amount": plan.monthly_amount,
                "cycle": plan.first_cycle,
            }
        else:
            stopped = budget_plan_stop(account_id=account_id, by="customer")
            if stopped.owed_on_next_bill:
                done = _(
                    "Budget billing stopped: the difference of $%(amount)s will be on your next bill, due by "
                    "that bill's due date."
                ) % {"amount": f"{stopped.owed_on_next_bill:,.2f}"}
            elif stopped.credited:
                done = _(
                    "Budget billing stopped: the $%(amount)s you paid beyond your use is credited to your "
                    "balance."
                ) % {"amount": f"{-stopped.credited:,.2f}"}
            else:
                done = _("Budget billing stopped: nothing was carried.")
    except BillingError as exc:
        messages.error(request, _("Not changed: %(reason)s.") % {"reason": exc})
        return _page(request, status=400)
    messages.success(request, done)
    return redirect("portal:bills")


@page("me/autopay/", name="autopay")
@portal_required
@post_only("portal:bills")
def autopay(request):
    """Automatic payment from a bank account: set up (the customer entered their password again a moment ago,
    and authorizes the debits under the automatic-payment notice) or stopped."""
    accounts = [a for a in _accounts(request) if a[0].is_open]
    choice = request.POST.get("choice")
    if choice not in ("start", "stop"):
        # Only the page's buttons set it up or stop it: anything else changes nothing.
        messages.error(request, _("Nothing changed: set up automatic payment or stop it."))
        return _page(request, status=400)
    if choice == "stop":
        ids = {a.pk for a, _ in accounts}
        stopped = [a for a in ids if autopay_stop(account_id=a)]
        messages.success(
            request, _("Automatic payment stopped.") if stopped else _("Automatic payment was not on.")
        )
        return redirect("portal:bills")
    form = forms.AutopayForm(request.POST, accounts=accounts)
    if not recently_reauthenticated(request, settings.CUSTODIAN_REAUTH_SECONDS):
        form.add_error(None, _("Enter your password again first: bank details need it."))
        return _page(request, autopay_form=form, status=403)

    def enrol():
        d = form.cleaned_data
        autopay_enrol(
            account_id=d["account"],
            bank_account=f"routing {d['routing']} account {d['bank_account']} {d['kind']}",
            submission=Submission(
                channel="portal", notice_key=AUTOPAY_NOTICE, recorded_by_label="the customer"
            ),
        )
        on = _("Automatic payment is on: each bill is paid from your bank account when due.")
        return on, redirect("portal:bills")

    return _form_acted(request, form, enrol, refused=AutopayError, as_form="autopay_form")


@page("me/statement/", name="statement")
@portal_required
def statement_view(request):
    """A statement of account for a month (the current one unless `?month=YYYY-MM` names another): what was
    owed before it, what was posted in it, what was owed at its end."""
    today = timezone.localdate()
    month = request.GET.get("month") or f"{today:%Y-%m}"
    try:
        start = month_first_day(month)
    except ValueError:
        return render(
            request,
            "portal/statement.html",
            {"error": _("Give the month as YYYY-MM."), "month": month},
            status=400,
        )
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    # The month under way is told as of today: what is owed today, dated today, not its last day's.
    so_far = end > today >= start
    end = min(end, today) if so_far else end
    accounts = _accounts(request)
    ids = ledger_accounts(
        fetched_by=portal_actor(request), customer_id=request.customer_id, accounts=[a for a, _ in accounts]
    )
    # Each account's month on its own (what each owed, what was posted on it), then the total, labelled.
    each = [(label, period_statement([a.pk], start=start, end=end)) for a, label in accounts if a.pk in ids]
    previous = start.replace(day=1) - timedelta(days=1)
    return render(
        request,
        "portal/statement.html",
        {
            "month": month,
            "statement": period_statement(ids, start=start, end=end),
            "account_statements": each if len(each) > 1 else [],
            "previous": f"{previous:%Y-%m}",
            "next": f"{end + timedelta(days=1):%Y-%m}" if end < today else "",
            "so_far": so_far,
        },
    )
