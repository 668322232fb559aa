"""The console's billing and collections pages.

- Billing (staff whose service acts for billing): start a bill run in the background and watch its progress,
  the cycle's exceptions (estimated reads, bills far from the account's previous one, failed card payments),
  a bill's content (read through the gate for billing, one access event) and its correction as a re-bill.
- Collections (staff whose service acts for collecting payments): the worklist of past-due accounts with
  each one's protections (the sealed facts read through the gate for collecting payments), payment
  agreements to agree, the notice of proposed disconnection (a letter through the outbox), and disconnection
  orders, refused where the law forbids them.
- An account's history (both): opened and closed, bills, ledger, agreements, notices and orders, from clear
  columns; contact details only on request, through the gate for collecting payments.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodian.billing.models import Bill, BillRun
from custodian.billing.runs import bill_run_request
from custodian.billing.selectors import (
    bill_document,
    billing_exceptions,
    latest_cycle,
    ledger_of,
    statement,
)
from custodian.billing.services import BillingError, bill_correct
from custodian.collecting.facts import INCOME_BASES, FactsError, ProtectionFacts
from custodian.collecting.models import DisconnectionNotice, DisconnectionOrder, PaymentAgreement
from custodian.collecting.notices import NoticeError, disconnection_notice_send
from custodian.collecting.rules import MEDICAL_CERTIFIERS
from custodian.collecting.selectors import collections_worklist
from custodian.collecting.services import (
    CollectionsError,
    DisconnectionForbidden,
    disconnection_order_issue,
    payment_agreement_agree,
    protection_facts_record,
)
from custodian.console.access import acts_for, console_actor, console_page
from custodian.customers.models import Account, ServicePoint
from custodian.netaddr import client_ip
from custodian.payments.selectors import failed_payments
from custodian.policy.loader import current_policy
from custodian.vault import gate
from custodian.vault.services import Submission

bills_staff = acts_for("billing")


def _not_found(request):
    return render(request, "console/not_found.html", {"message": gate.NOT_FOUND_OR_DENIED}, status=404)


collections_staff = acts_for("collecting_payments")


def billing_or_collections(actor) -> bool:
    """Staff who bill or collect: an account's history (clear amounts and dates) is part of both."""
    return bills_staff(actor) or collections_staff(actor)


BILLING_ONLY = "Only staff whose support service acts for billing."
COLLECTIONS_ONLY = "Only staff whose support service acts for collecting payments."
CONTACT_FIELDS = ("name", "phone", "email", "mailing_address")


DATE = {"type": "date"}


class FactsForm(forms.Form):
    """The household's facts for Minnesota's protections, as collections records them from a call or a form
    (the `disconnection_protection` notice is read to the customer first)."""

    income_verified_on = forms.DateField(
        label="Income verified on (YYYY-MM-DD)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    income_basis = forms.ChoiceField(label="Verified how", required=False)
    referred_on = forms.DateField(
        label="Referred to energy assistance on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    medical_phoned_on = forms.DateField(
        label="Medical certification by telephone on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    medical_certified_on = forms.DateField(
        label="Written medical certification on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    medical_certifier = forms.ChoiceField(label="Certified by", required=False)
    notice_read = forms.BooleanField(label="I read the notice at collection to the customer", required=True)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["income_basis"].choices = [("", "—"), *INCOME_BASES.items()]
        self.fields["medical_certifier"].choices = [("", "—")] + [(c, c) for c in MEDICAL_CERTIFIERS]


class CycleForm(forms.Form):
    cycle = forms.RegexField(label="Cycle (YYYY-MM)", regex=r"^\d{4}-\d{2}$", max_length=7)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label="Reason for the correction", min_length=5, max_length=300)


class AgreeForm(forms.Form):
    installment = forms.DecimalField(
        label="Monthly installment ($)", min_value=Decimal("1"), max_value=10_000, decimal_places=2
    )


class ServiceDayForm(forms.Form):
    service = forms.ChoiceField(label="Service")
    on = forms.DateField(label="Date (YYYY-MM-DD)", widget=forms.DateInput(attrs={"type": "date"}))
    declined_today = forms.BooleanField(
        label="The customer declined a payment agreement offered today, in person or by phone",
        required=False,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s, s) for s in services]
        self.fields["on"].initial = timezone.localdate()


@console_page(bills_staff, BILLING_ONLY)
def billing_home(request):
    form = CycleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                run = bill_run_request(cycle=form.cleaned_data["cycle"], requested_by=request.user)
            except BillingError as exc:
                messages.error(request, f"Not started: {exc}.")
            else:
                messages.success(request, f"Bill run {run.pk} for {run.cycle} queued.")
            return redirect("console:billing")
        messages.error(request, "Give the cycle as a month, YYYY-MM.")
    cycle = request.GET.get("cycle") or latest_cycle()
    try:
        exceptions = billing_exceptions(cycle) if cycle else None
    except (ValueError, IndexError):
        exceptions = None
    runs = list(BillRun.objects.select_related("requested_by").order_by("-pk")[:10])
    active = any(r.status in (BillRun.Status.QUEUED, BillRun.Status.RUNNING) for r in runs)
    return render(
        request,
        "console/billing.html",
        {
            "form": form,
            "runs": runs,
            "active": active,
            "exceptions": exceptions,
            "failed": failed_payments(since=timezone.now() - timedelta(days=30)),
        },
    )


def _contact(request, account):
    """The account holder's contact details, read through the gate for collecting payments."""
    return gate.reveal(
        actor=console_actor(request),
        customer_id=account.customer_id,
        fields=list(CONTACT_FIELDS),
        purpose="collecting_payments",
        client_ip=client_ip(request),
    )


@console_page(billing_or_collections, "Only billing and collections staff.")
def account_history(request, account_id):
    account = Account.objects.select_related("premise", "customer").filter(pk=account_id).first()
    if account is None:
        return _not_found(request)
    actor = console_actor(request)
    contact, contact_error = None, ""
    if request.method == "POST" and request.POST.get("show") == "contact":
        if not collections_staff(actor):
            contact_error = "Contact details are shown to collections staff, for collecting payments."
        else:
            try:
                contact = _contact(request, account)
            except gate.Destroyed as exc:
                contact_error = str(exc)
            except gate.Denied:
                contact_error = "Not allowed."
    services = list(
        ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
    )
    return render(
        request,
        "console/billing_account.html",
        {
            "account": account,
            "statement": statement([account.pk], on=timezone.localdate()),
            "bills": Bill.objects.filter(account=account).order_by("-cycle", "-pk")[:36],
            "ledger": ledger_of([account.pk]).order_by("-posted_on", "-pk")[:100],
            "agreements": PaymentAgreement.objects.filter(account=account).order_by("-pk"),
            "notices": DisconnectionNotice.objects.filter(account=account).order_by("-sent_on", "-pk"),
            "orders": DisconnectionOrder.objects.filter(account=account).order_by("-requested_at", "-pk"),
            "contact": [(f.replace("_", " "), (contact or {}).get(f, "")) for f in CONTACT_FIELDS]
            if contact is not None
            else None,
            "contact_error": contact_error,
            "collects": collections_staff(actor),
            "bills_staff": bills_staff(actor),
            "service_form": ServiceDayForm(services=services) if collections_staff(actor) else None,
            "facts_form": FactsForm() if collections_staff(actor) else None,
            "protection_notice": current_policy().notices["disconnection_protection"],
        },
    )


@console_page(bills_staff, BILLING_ONLY)
def bill_detail(request, bill_id):
    return _bill_page(request, bill_id)


def _bill_page(request, bill_id, form=None, status=200):
    """A bill's content, read through the gate for billing (one access event), with the correction form."""
    bill = Bill.objects.select_related("account").filter(pk=bill_id).first()
    if bill is None:
        return _not_found(request)
    try:
        content = bill_document(
            actor=console_actor(request), bill=bill, purpose="billing", client_ip=client_ip(request)
        )
    except gate.Denied:
        return _not_found(request)
    return render(
        request,
        "console/bill.html",
        {"bill": bill, "content": content, "form": form or CorrectionForm()},
        status=status,
    )


@console_page(bills_staff, BILLING_ONLY)
@require_POST
def bill_correct_view(request, bill_id):
    if not Bill.objects.filter(pk=bill_id).exists():
        return _not_found(request)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _bill_page(request, bill_id, form=form, status=400)
    try:
        new = bill_correct(bill_id=bill_id, reason=form.cleaned_data["reason"], by=request.user)
    except BillingError as exc:
        form.add_error(None, str(exc))
        return _bill_page(request, bill_id, form=form, status=400)
    messages.success(request, f"Bill {bill_id} corrected: the new bill is {new.pk}.")
    return redirect("console:bill", bill_id=new.pk)


@console_page(collections_staff, COLLECTIONS_ONLY)
def collections(request):
    today = timezone.localdate()
    try:
        items = collections_worklist(on=today, actor=console_actor(request), client_ip=client_ip(request))
    except gate.Denied:
        items = []
    requested = PaymentAgreement.objects.filter(status=PaymentAgreement.Status.REQUESTED).order_by(
        "requested_on", "pk"
    )
    return render(
        request,
        "console/collections.html",
        {"items": items, "requested": requested, "today": today, "agree_form": AgreeForm()},
    )


@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
def agreement_agree(request, agreement_id):
    if not PaymentAgreement.objects.filter(pk=agreement_id).exists():
        return _not_found(request)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the monthly installment in dollars, more than zero.")
        return redirect("console:collections")
    try:
        payment_agreement_agree(
            agreement_id=agreement_id,
            installment=form.cleaned_data["installment"],
            by=request.user,
            on=timezone.localdate(),
        )
    except (CollectionsError, InvalidOperation) as exc:
        messages.error(request, f"Not agreed: {exc}.")
    else:
        messages.success(request, f"Payment agreement {agreement_id} is active.")
    return redirect("console:collections")


def _service_day(request, account):
    services = list(
        ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
    )
    form = ServiceDayForm(request.POST, services=services)
    return form if form.is_valid() else None


@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
def disconnection_notice(request, account_id):
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return _not_found(request)
    form = _service_day(request, account)
    if form is None:
        messages.error(request, "Choose the service and give the date the notice is mailed.")
        return redirect("console:billing_account", account_id=account_id)
    try:
        notice = disconnection_notice_send(
            account_id=account_id,
            service=form.cleaned_data["service"],
            sent_on=form.cleaned_data["on"],
            by=request.user,
        )
    except NoticeError as exc:
        messages.error(request, f"No notice: {exc}.")
    else:
        messages.success(
            request,
            f"Notice {notice.pk} recorded and its letter queued for the mailing vendor; a copy goes to the "
            "energy assistance provider.",
        )
    return redirect("console:billing_account", account_id=account_id)


@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
def disconnection_order(request, account_id):
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return _not_found(request)
    form = _service_day(request, account)
    if form is None:
        messages.error(request, "Choose the service and give the date of the disconnection.")
        return redirect("console:billing_account", account_id=account_id)
    on: date = form.cleaned_data["on"]
    try:
        order = disconnection_order_issue(
            account_id=account_id,
            service=form.cleaned_data["service"],
            on=on,
            by=request.user,
            agreement_declined_that_day=form.cleaned_data["declined_today"],
            actor=console_actor(request),
        )
    except DisconnectionForbidden as exc:
        messages.error(request, "Refused, and the refusal recorded: " + "; ".join(exc.reasons))
    except (CollectionsError, gate.Denied) as exc:
        messages.error(request, f"No order: {exc}.")
    else:
        messages.success(request, f"Disconnection order {order.pk} issued for {on:%Y-%m-%d}.")
    return redirect("console:billing_account", account_id=account_id)


@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
def protection_facts(request, account_id):
    """Record the household's facts for the protections against disconnection: sealed in the vault with their
    provenance (a phone call, the notice read), replacing those held; in clear only the flag that there are
    some."""

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return _not_found(request)
    form = FactsForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Not recorded: " + "; ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("console:billing_account", account_id=account_id)
    d = form.cleaned_data
    try:
        protection_facts_record(
            customer_id=account.customer_id,
            facts=ProtectionFacts(
                income_verified_on=d["income_verified_on"],
                income_basis=d["income_basis"],
                referred_on=d["referred_on"],
                medical_phoned_on=d["medical_phoned_on"],
                medical_certified_on=d["medical_certified_on"],
                medical_certifier=d["medical_certifier"],
            ),
            submission=Submission(
                channel="phone",
                notice_key="disconnection_protection",
                recorded_by=request.user,
                recorded_by_label=request.user.get_username(),
            ),
        )
    except FactsError as exc:
        messages.error(request, f"Not recorded: {exc}.")
    else:
        messages.success(request, "The household's facts are recorded (sealed); the worklist applies them.")
    return redirect("console:billing_account", account_id=account_id)
