"""The console's collections pages (staff whose service acts for collecting payments): the worklist of
past-due accounts with each one's protections (the sealed facts read through the gate for collecting
payments), payment agreements asked for by phone and agreed, the notice of proposed disconnection (a letter
through the outbox), disconnection orders (refused where the law forbids them) and the household's facts for
the protections; and the list of disconnection orders to carry out, which field services works from (each
withdrawn one marked not to be carried out). An account's history, which collections shares with billing,
is in `billing_views`."""

from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.billing.arrears import arrears_of
from custodian.collecting.agreements import LEAST_INSTALLMENT, installments_count
from custodian.collecting.choices import DeclineReason
from custodian.collecting.facts import INCOME_BASES, FactsError, ProtectionFacts
from custodian.collecting.notices import NoticeError, disconnection_notice_send
from custodian.collecting.rules import MEDICAL_CERTIFIERS
from custodian.collecting.selectors import (
    agreement_for,
    agreements_requested,
    collections_worklist,
    disconnection_orders_to_carry_out,
)
from custodian.collecting.services import (
    AgreementProtects,
    CollectionsError,
    DisconnectionForbidden,
    disconnection_order_issue,
    payment_agreement_agree,
    payment_agreement_decline,
    payment_agreement_request,
    protection_facts_record,
)
from custodian.console.access import acts_for, console_actor, console_page, looked_up
from custodian.console.account_names import accounts_named, internal_ref
from custodian.console.steps import step, step_form, steps_on
from custodian.customers.selectors import account_for, services_at
from custodian.netaddr import client_ip
from custodian.routing import page
from custodian.vault import gate
from custodian.vault.services import Submission
from custodian.web.forms import errors_in_words
from custodian.web.once import OnceForm

PURPOSE = "collecting_payments"
collections_staff = acts_for(PURPOSE)
COLLECTIONS_ONLY = _("Only staff whose support service acts for collecting payments.")


class FactsForm(OnceForm):
    """The household's facts for Minnesota's protections, as collections records them from a call or a form
    (the `disconnection_protection` notice is read to the customer first)."""

    income_verified_on = bounds.DateField(label="Income verified on (YYYY-MM-DD)", required=False)
    income_basis = forms.ChoiceField(label="Verified how", required=False)
    referred_on = bounds.DateField(label="Referred to energy assistance on", required=False)
    medical_phoned_on = bounds.DateField(label="Medical certification by telephone on", required=False)
    medical_certified_on = bounds.DateField(label="Written medical certification on", required=False)
    medical_certifier = forms.ChoiceField(label="Certified by", required=False)
    notice_read = forms.BooleanField(label="I read the notice at collection to the customer", required=True)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["income_basis"].choices = [("", "—"), *INCOME_BASES.items()]
        self.fields["medical_certifier"].choices = [("", "—")] + [(c, c) for c in MEDICAL_CERTIFIERS]


def installment_field(label: str, *, required: bool = True) -> bounds.MoneyField:
    # The amount past due bounds an installment (the service says how, in words: `collecting.agreements`);
    # the form only keeps what is typed to an amount.
    return bounds.MoneyField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999.99"),
        decimal_places=2,
        required=required,
        error_messages={
            "min_value": "Give an amount of at least $0.01.",
            "max_value": "Give an amount of at most $999,999.99.",
        },
    )


class AgreeForm(forms.Form):
    installment = installment_field("Monthly installment ($)")


class DeclineForm(forms.Form):
    """A request answered without an agreement: why, and the terms the customer declined."""

    because = forms.ChoiceField(label="Why", choices=DeclineReason.choices)
    offered_installment = installment_field("Installment offered and declined ($ a month)", required=False)


class AgreementAskedForm(OnceForm):
    """A customer's request for a payment agreement taken by phone (or at the counter)."""

    records = "collecting.PaymentAgreement"

    asked_installment = bounds.MoneyField(
        label="The customer's figure, a month ($, if they gave one)",
        min_value=Decimal("1"),
        max_value=10_000,
        decimal_places=2,
        required=False,
    )


class ServiceDayForm(OnceForm):
    service = forms.ChoiceField(label="Service")
    on = bounds.DateField(label="Date (YYYY-MM-DD)")
    declined_today = forms.BooleanField(
        label="The customer declined a payment agreement offered today, in person or by phone",
        required=False,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s, s) for s in services]
        self.fields["on"].initial = timezone.localdate()


@page("collections/", name="collections")
@console_page(collections_staff, COLLECTIONS_ONLY)
def collections(request):
    today = timezone.localdate()
    try:
        items = collections_worklist(on=today, actor=console_actor(request), client_ip=client_ip(request))
    except gate.Denied:
        items = []
    # Each agreement asked for with its own form, the customer's figure filled in: the one sent comes back
    # with what was typed.
    requested = [
        (
            a,
            step_form(
                request,
                AgreeForm,
                "console:agreement_agree",
                a.pk,
                initial={"installment": a.monthly_installment},
                auto_id=f"inst-{a.pk}-%s",
            ),
            step_form(request, DeclineForm, "console:agreement_decline", a.pk, auto_id=f"decline-{a.pk}-%s"),
        )
        for a in agreements_requested(fetched_by=console_actor(request))
    ]
    # Every account on the page by the number on its bill: one bulk read for collecting payments (logged).
    names = accounts_named(
        request, [i.account.pk for i in items] + [a.account_id for a, *_ in requested], purpose=PURPOSE
    )
    # What each agreement asked for would spread: what is past due today (its installment's bound).
    past_due = arrears_of(on=today, account_ids=[a.account_id for a, *_ in requested])
    return render(
        request,
        "console/collections.html",
        {
            "items": [(i, names[i.account.pk]) for i in items],
            "requested": [
                (
                    a,
                    form,
                    decline_form,
                    names[a.account_id],
                    past_due[a.account_id].past_due if a.account_id in past_due else 0,
                )
                for a, form, decline_form in requested
            ],
            "least_installment": LEAST_INSTALLMENT,
            "today": today,
        },
    )


@page("collections/agreements/<id:agreement_id>/agree/", name="agreement_agree")
@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
@looked_up(agreement_for, "agreement_id")
def agreement_agree(request, agreement):
    form = AgreeForm(request.POST)

    def act():
        installment = form.cleaned_data["installment"]
        agreed = payment_agreement_agree(
            agreement_id=agreement.pk, installment=installment, by=request.user, on=timezone.localdate()
        )
        months = installments_count(agreed.arrears_agreed, agreed.monthly_installment)
        name = accounts_named(request, [agreed.account_id], purpose=PURPOSE)[agreed.account_id]
        return (
            f"Payment agreement for {name[:1].lower()}{name[1:]}: ${agreed.monthly_installment:,.2f} a month "
            f"for {months} month{'s' if months != 1 else ''} toward ${agreed.arrears_agreed:,.2f} past due. "
            "Its terms are in a letter to the customer."
        )

    return _answer_step(request, act, form, failed="Not agreed")


@page("collections/agreements/<id:agreement_id>/decline/", name="agreement_decline")
@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
@looked_up(agreement_for, "agreement_id")
def agreement_decline(request, agreement):
    """The request answered without an agreement (the customer declined the terms offered, the account is
    not residential, or nothing is past due now): the bar on notices lifts and the customer is told by
    letter."""
    form = DeclineForm(request.POST)

    def act():
        answered = payment_agreement_decline(
            agreement_id=agreement.pk,
            because=form.cleaned_data["because"],
            offered_installment=form.cleaned_data["offered_installment"],
            by=request.user,
            on=timezone.localdate(),
        )
        name = accounts_named(request, [answered.account_id], purpose=PURPOSE)[answered.account_id]
        if answered.declined_because == DeclineReason.NOTHING_PAST_DUE:
            return (
                f"Request for a payment agreement on {name[:1].lower()}{name[1:]} closed: nothing is past "
                "due now. The customer is told by letter that no agreement is needed and that they may ask "
                "again."
            )
        return (
            f"Request for a payment agreement on {name[:1].lower()}{name[1:]} answered without an agreement "
            f"({answered.get_declined_because_display()[:1].lower()}"
            f"{answered.get_declined_because_display()[1:]}). The customer is told by letter; a notice of "
            "proposed disconnection may now be sent."
        )

    return _answer_step(request, act, form, failed="Not answered")


def _answer_step(request, act, form, *, failed: str):
    """A request for a payment agreement answered (agreed or not): back to the collections page, with the
    service's refusal in words."""
    return step(
        request,
        act,
        to="console:collections",
        form=form,
        failed=failed,
        refused=(CollectionsError, InvalidOperation),
        refusal=lambda exc: f"{failed}: {exc}.",
    )


# A step on an account's page in collections (notices, orders): back to the account's history.
_account_step = steps_on(
    "console:billing_account",
    rule=console_page(collections_staff, COLLECTIONS_ONLY),
    found=looked_up(account_for, "account_id"),
    url_key="account_id",
)


def _its_services(account) -> dict:
    """The service-and-date form's choices: the services at the account's premise."""
    return {"services": services_at(account.premise_id)}


@page("collections/accounts/<id:account_id>/notice/", name="disconnection_notice")
@_account_step(
    ServiceDayForm,
    form_kwargs=_its_services,
    invalid="Choose the service and give the date the notice is mailed.",
    refused=(NoticeError, AgreementProtects),
    refusal=lambda exc: f"No notice: {exc}.",
)
def disconnection_notice(request, account, d):
    notice = disconnection_notice_send(
        account_id=account.pk, service=d["service"], sent_on=d["on"], by=request.user
    )
    return (
        f"Notice {notice.pk} recorded and its letter queued for the mailing vendor; a copy goes to the "
        "energy assistance provider."
    )


def _order_refusal(exc) -> str:
    if isinstance(exc, DisconnectionForbidden):
        return "Refused, and the refusal recorded: " + "; ".join(exc.words)
    return f"No order: {exc}."


@page("collections/accounts/<id:account_id>/disconnect/", name="disconnection_order")
@_account_step(
    ServiceDayForm,
    form_kwargs=_its_services,
    invalid="Choose the service and give the date of the disconnection.",
    refused=(DisconnectionForbidden, CollectionsError, gate.Denied),
    refusal=_order_refusal,
)
def disconnection_order(request, account, d):
    on: date = d["on"]
    order = disconnection_order_issue(
        account_id=account.pk,
        service=d["service"],
        on=on,
        by=request.user,
        agreement_declined_that_day=d["declined_today"],
        actor=console_actor(request),
    )
    return f"Disconnection order {order.pk} issued for {on:%Y-%m-%d}."


@page("collections/accounts/<id:account_id>/protections/", name="protection_facts")
@console_page(collections_staff, COLLECTIONS_ONLY)
@require_POST
@looked_up(account_for, "account_id")
def protection_facts(request, account):
    """Record the household's facts for the protections against disconnection: sealed in the vault with their
    provenance (a phone call, the notice read), replacing those held; in clear only the flag that there are
    some."""
    form = FactsForm(request.POST)

    def act():
        d = form.cleaned_data
        protection_facts_record(
            customer_id=account.customer_id,
            # The form asks for each of the facts by its own name (and that the notice was read, besides).
            facts=ProtectionFacts(**{fact.name: d[fact.name] for fact in fields(ProtectionFacts)}),
            submission=Submission(
                channel="phone",
                notice_key="disconnection_protection",
                recorded_by=request.user,
                recorded_by_label=request.user.get_username(),
            ),
        )
        return "The household's facts are recorded (sealed); the worklist applies them."

    errors = errors_in_words(form) if not form.is_valid() else ""
    return step(
        request,
        act,
        to="console:billing_account",
        account_id=account.pk,
        form=form,
        invalid=f"Not recorded: {errors}",
        refused=FactsError,
        refusal=lambda exc: f"Not recorded: {exc}.",
    )


@page("collections/accounts/<id:account_id>/agreement/", name="agreement_request")
@_account_step(
    AgreementAskedForm,
    invalid="Give the customer's monthly figure in dollars, or leave it empty.",
    refused=CollectionsError,
    refusal=lambda exc: f"Not recorded: {exc}.",
)
def agreement_request(request, account, d):
    """The customer asks for a payment agreement by phone: recorded as the portal records it, and every
    disconnection ordered for a coming day withdrawn with it (the customer told by letter)."""
    agreement = payment_agreement_request(
        account_id=account.pk,
        requested_on=timezone.localdate(),
        installment=d["asked_installment"],
        by=request.user,
    )
    withdrawn = agreement.withdrawn_orders
    said = f"Payment agreement {agreement.pk} asked for; agree it from the collections page."
    if withdrawn:
        days = ", ".join(f"{o.service} on {date_format(o.scheduled_for)}" for o in withdrawn)
        said += f" Disconnection withdrawn ({days}); the customer is told by letter."
    return said


def field_or_collections(actor) -> bool:
    """Field services, who carry disconnections out, and collections, who order them."""
    return acts_for("providing_services")(actor) or collections_staff(actor)


@page("field/disconnections/", name="disconnection_orders")
@console_page(field_or_collections, _("Only field services and collections see the disconnection orders."))
def disconnection_orders(request):
    """The disconnection orders from today on, soonest first: those to carry out, and those withdrawn for a
    payment agreement, marked not to be carried out. Accounts by their internal reference: nothing personal
    on the page."""
    today = timezone.localdate()
    orders = disconnection_orders_to_carry_out(fetched_by=console_actor(request), on=today)
    return render(
        request,
        "console/disconnection_orders.html",
        {"orders": [(o, internal_ref(o.account_id)) for o in orders], "today": today},
    )
