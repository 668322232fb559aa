"""The console's service desk: starting, stopping and moving customers' service (customer service and field
services, the support services that act for providing services: "starting, stopping and maintaining
service" in the policy file).

- The desk: the customers' waiting requests to stop or move (from the portal or a call), and an account found
  by a meter number (printed on the meter, in clear).
- An account: its premise, meters and the accounts there over time; the waiting request, with the new
  address the customer gave read through the gate for providing services (one access event); stopping it
  (the final bill issued when the last day has passed) and moving it to another premise of the territory.
- Register reads of the account's meters (a final read on the last day of service, a read of a meter without
  interval readings), checked against the meter's last read: lower only as a rollover or a meter change.
- Starting service at a premise for a known customer, an owner of a vacant unit, or a new customer, whose
  application is taken with the application and metering notices read or shown to them; the account records
  which notices, in which versions.

One module (over 400 lines) on purpose: the service desk's pages share its forms, the account page they
return to and its rule (who acts for providing services); they are one desk.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.billing.final import service_stop
from custodian.billing.register_reads import Kind, ReadError, last_reads, register_read_record
from custodian.billing.services import BillingError
from custodian.console.access import acts_for, console_actor, console_page, looked_up
from custodian.customers.choices import (
    SERVICE_UNITS,
    AccountRole,
    CustomerClass,
    ServiceChangeKind,
    ServiceChangeStatus,
)
from custodian.customers.selectors import (
    account_for,
    accounts_of,
    open_account_at,
    premise_accounts,
    premise_by_meter,
    service_change_for,
    service_changes_waiting,
)
from custodian.customers.services import (
    APPLICATION_NOTICE,
    METERING_NOTICE,
    AccountError,
    Application,
    account_start,
    service_change_close,
    service_move,
)
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.vault import gate
from custodian.vault.services import Submission
from custodian.web.once import OnceForm, once
from custodian.web.steps import form_acted

provides_service = acts_for("providing_services")
SERVICE_DESK_ONLY = _("Only staff whose support service starts and stops service (providing services).")
STAFF_CHANNELS = [("phone", "Phone call"), ("in_person", "In person"), ("paper", "Paper form")]


class MeterForm(forms.Form):
    meter = forms.CharField(label="Meter number", max_length=20)


class StopForm(OnceForm):
    closed_on = bounds.DateField(label="Last day of service (the final read)")
    owner_customer_id = bounds.IdField(
        label="Owner or landlord's customer number, to carry the vacant unit (optional)",
        required=False,
        min_value=1,
    )
    change_id = bounds.IdField(required=False, widget=forms.HiddenInput)


class MoveForm(OnceForm):
    moving_on = bounds.DateField(label="Moving day (first day at the new address)")
    meter = forms.CharField(label="A meter number at the new premise", max_length=20)
    new_service_address = forms.CharField(label="New service address", max_length=200)
    channel = forms.ChoiceField(
        label="The customer gave it by", choices=STAFF_CHANNELS + [("portal", "Portal")]
    )
    change_id = bounds.IdField(required=False, widget=forms.HiddenInput)


class StartForm(OnceForm):
    meter = forms.CharField(label="A meter number at the premise", max_length=20)
    opened_on = bounds.DateField(label="First day of service")
    role = forms.ChoiceField(label="Account for", choices=AccountRole.choices)
    customer_id = bounds.IdField(
        label="Customer number, for a customer we already serve", required=False, min_value=1
    )
    customer_class = forms.ChoiceField(
        label="Customer class (new customer)",
        choices=[(CustomerClass.RESIDENTIAL, "Residential"), (CustomerClass.COMMERCIAL, "Commercial")],
        required=False,
    )
    name = forms.CharField(label="Name (new customer)", max_length=200, required=False)
    service_address = forms.CharField(label="Service address (new customer)", max_length=200, required=False)
    mailing_address = bounds.MailingAddressField(label="Mailing address (new customer)", required=False)
    phone = bounds.PhoneField(label="Telephone (voluntary)", required=False)
    email = forms.EmailField(label="E-mail (voluntary)", required=False)
    channel = forms.ChoiceField(label="Taken by", choices=STAFF_CHANNELS)
    notices_given = forms.BooleanField(
        label="I read or showed the customer both notices below before taking their details", required=True
    )

    def clean(self):
        data = super().clean()
        if data.get("customer_id") is None:
            missing = [f for f in ("name", "service_address", "mailing_address") if not data.get(f)]
            if missing:
                raise forms.ValidationError(
                    "Give a customer number, or the new customer's "
                    + ", ".join(self.fields[f].label.split(" (")[0].lower() for f in missing)
                    + "."
                )
        return data


def _notices():
    notices = current_policy().notices
    return [notices[APPLICATION_NOTICE], notices[METERING_NOTICE]]


@page("accounts/", name="service_desk")
@console_page(provides_service, SERVICE_DESK_ONLY)
def service_desk(request):
    form = MeterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        premise = premise_by_meter(form.cleaned_data["meter"])
        account = open_account_at(premise.pk) if premise else None
        if account is not None:
            return redirect("console:account_service", account_id=account.pk)
        form.add_error("meter", "No premise with service has a meter with this number.")
    return render(
        request,
        "console/service_desk.html",
        {"form": form, "waiting": service_changes_waiting()[:200]},
        status=400 if form.is_bound and form.errors else 200,
    )


def _account_page(request, account, *, stop_form=None, move_form=None, status=200):
    waiting = account.service_changes.filter(status=ServiceChangeStatus.REQUESTED).first()
    new_address, address_error = "", ""
    if waiting is not None and waiting.address_ref:
        try:
            docs = gate.reveal_documents(
                actor=console_actor(request),
                customer_id=account.customer_id,
                category="service_address",
                refs=[waiting.address_ref],
                purpose="providing_services",
                client_ip=client_ip(request),
            )
            new_address = docs[0].text if docs else ""
        except gate.Destroyed as exc:
            address_error = str(exc)
        except gate.Denied as refused:
            address_error = gate.refused_in_words(refused)
    initial = {"change_id": waiting.pk} if waiting else {}
    if waiting is not None and waiting.kind == ServiceChangeKind.STOP:
        initial["closed_on"] = waiting.on
    move_initial = dict(
        initial, new_service_address=new_address, channel=waiting.channel if waiting else "phone"
    )
    if waiting is not None and waiting.kind == ServiceChangeKind.TRANSFER:
        move_initial["moving_on"] = waiting.on
    return render(
        request,
        "console/account_service.html",
        {
            "account": account,
            "meters": account.premise.service_points.order_by("service"),
            "history": premise_accounts(fetched_by=console_actor(request), premise_id=account.premise_id),
            "customer_accounts": accounts_of(
                fetched_by=console_actor(request), customer_id=account.customer_id
            ),
            "waiting": waiting,
            "address_error": address_error,
            "stop_form": stop_form or StopForm(initial=initial),
            "move_form": move_form or MoveForm(initial=move_initial),
        },
        status=status,
    )


def _account(request, account_id):
    return account_for(fetched_by=console_actor(request), account_id=account_id)


@page("accounts/<id:account_id>/", name="account_service")
@console_page(provides_service, SERVICE_DESK_ONLY)
@looked_up(account_for, "account_id")
def account_service(request, account):
    return _account_page(request, account)


def _account_step(form_class, slot: str, *, refused):
    """A POST step taken with one of an account page's forms (`slot`: the page's `stop_form` or `move_form`):
    `act(request, account, cleaned_data)` makes the service call and returns what it did and the account to
    go to. A form that does not validate, a field the step finds wrong (a ValidationError naming it) or the
    service's refusal (`refused`, above the fields) draws the account page again with the form (400)."""

    def decorate(act):
        @console_page(provides_service, SERVICE_DESK_ONLY)
        @require_POST
        @looked_up(account_for, "account_id")
        @wraps(act)
        def view(request, account):
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    message, to = act(request, account, form.cleaned_data)
                except forms.ValidationError as exc:
                    form.add_error(None, exc)
                except refused as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, message)
                    return redirect("console:account_service", account_id=to.pk)
            return _account_page(request, account, status=400, **{slot: form})

        return view

    return decorate


@page("accounts/<id:account_id>/stop/", name="account_stop")
@_account_step(StopForm, "stop_form", refused=(AccountError, BillingError))
def account_stop_view(request, account, d):
    _, bills = service_stop(
        account_id=account.pk,
        closed_on=d["closed_on"],
        owner_customer_id=d["owner_customer_id"],
        change_id=d["change_id"],
        by=request.user,
    )
    final = (
        f" Final bill {bills[-1].pk} issued." if bills else " The final bill comes with its cycle's bill run."
    )
    stops = f"Service on the account (internal ref. {account.pk}) stops on {d['closed_on']:%Y-%m-%d}."
    return stops + final, account


@page("accounts/<id:account_id>/move/", name="account_move")
@_account_step(MoveForm, "move_form", refused=AccountError)
def account_move_view(request, account, d):
    premise = premise_by_meter(d["meter"])
    if premise is None:
        raise forms.ValidationError({"meter": "No premise has a meter with this number."})
    new = service_move(
        account_id=account.pk,
        to_premise_id=premise.pk,
        moving_on=d["moving_on"],
        new_service_address=d["new_service_address"],
        submission=Submission(
            channel=d["channel"],
            notice_key=APPLICATION_NOTICE,
            recorded_by=request.user,
            recorded_by_label=request.user.get_username(),
        ),
        change_id=d["change_id"],
        by=request.user,
    )
    return f"Service moved: account {new.pk} opens on {d['moving_on']:%Y-%m-%d}.", new


@page("accounts/changes/<id:change_id>/withdraw/", name="service_change_withdraw")
@console_page(provides_service, SERVICE_DESK_ONLY)
@require_POST
@looked_up(service_change_for, "change_id")
def service_change_withdraw(request, change):
    try:
        service_change_close(change_id=change.pk, status=ServiceChangeStatus.WITHDRAWN, by=request.user)
    except AccountError as exc:
        messages.error(request, f"Not withdrawn: {exc}.")
    else:
        messages.success(request, f"Request {change.pk} withdrawn.")
    return redirect("console:account_service", account_id=change.account_id)


@page("accounts/start/", name="service_start")
@console_page(provides_service, SERVICE_DESK_ONLY)
def service_start(request):
    form = StartForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        premise = premise_by_meter(d["meter"])
        if premise is None:
            form.add_error("meter", "No premise has a meter with this number.")
        else:
            submission = Submission(
                channel=d["channel"],
                notice_key=APPLICATION_NOTICE,
                recorded_by=request.user,
                recorded_by_label=request.user.get_username(),
            )
            application = None
            if d["customer_id"] is None:
                personal = {
                    k: d[k] for k in ("name", "service_address", "mailing_address", "phone", "email") if d[k]
                }
                application = Application(
                    customer_class=d["customer_class"] or CustomerClass.RESIDENTIAL,
                    premise_type=premise.premise_type,
                    size_sqft=premise.size_sqft,
                    heating_fuel=premise.heating_fuel,
                    zip_code=premise.zip_code,
                    feeder=premise.feeder,
                    services=list(premise.service_points.values_list("service", flat=True)),
                    personal=personal,
                )

            def start():
                account = account_start(
                    premise_id=premise.pk,
                    opened_on=d["opened_on"],
                    customer_id=d["customer_id"],
                    application=application,
                    submission=submission,
                    role=d["role"],
                    notices_shown=[APPLICATION_NOTICE, METERING_NOTICE],
                    by=request.user,
                )
                opened = (
                    f"The account (internal ref. {account.pk}) opens on {account.opened_on:%Y-%m-%d} for "
                    f"the customer (internal ref. {account.customer_id})."
                )
                return opened, redirect("console:account_service", account_id=account.pk)

            done = form_acted(request, form, start, refused=AccountError)
            if done:
                return done
    status = 400 if request.method == "POST" else 200
    return render(request, "console/service_start.html", {"form": form, "notices": _notices()}, status=status)


class ReadForm(OnceForm):
    service = forms.ChoiceField(label="Meter")
    read_on = bounds.DateField(label="Read on")
    index = forms.CharField(label="Index on the dials", max_length=14)
    kind = forms.ChoiceField(label="Kind of read", choices=Kind.CHOICES, initial=Kind.REGULAR)
    dials = bounds.WholeNumberField(
        label="Dials on the meter (rollover)", required=False, min_value=3, max_value=10
    )
    old_meter_final = forms.CharField(
        label="Old meter's final read (meter change)", max_length=14, required=False
    )
    new_meter_start = forms.CharField(
        label="New meter's starting read (meter change)", max_length=14, required=False, initial="0"
    )

    def __init__(self, *args, meters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (m.service, f"{m.get_service_display()} {m.meter_number}") for m in meters
        ]


def _reads_page(request, account, form=None, status=200):
    meters = list(account.premise.service_points.order_by("service"))
    # The member of staff's own read of the meters' last reads (one access event per page drawn).
    last, error = {}, ""
    try:
        last = last_reads(account_id=account.pk, by=request.user, client_ip=client_ip(request))
    except (ReadError, gate.Destroyed) as exc:
        error = str(exc)
    except gate.Held as exc:
        error = gettext(
            "The last reads are not shown: this read is %(held)s (the privacy officer decides)."
        ) % {"held": gate.held_in_words(exc)}
    except gate.Denied as refused:
        error = gate.refused_in_words(refused)
    return render(
        request,
        "console/meter_reads.html",
        {
            "account": account,
            "meters": [(m, last.get(m.service)) for m in meters],
            "error": error,
            "form": form or ReadForm(meters=meters, initial={"read_on": timezone.localdate()}),
            "notice": current_policy().notices[METERING_NOTICE],
        },
        status=status,
    )


@page("accounts/<id:account_id>/reads/", name="meter_reads")
@console_page(provides_service, _("Only staff whose support service provides services enter meter reads."))
@looked_up(account_for, "account_id")
def meter_reads(request, account):
    """Enter a register read: checked against the meter's last read before anything is stored."""
    if request.method != "POST":
        return _reads_page(request, account)
    form = ReadForm(request.POST, meters=account.premise.service_points.all())
    if not form.is_valid():
        return _reads_page(request, account, form=form, status=400)

    def answer():
        d = form.cleaned_data
        try:
            # The form's fields are the read's arguments, named as the service names them.
            read = register_read_record(
                account_id=account.pk, **d, by=request.user, client_ip=client_ip(request)
            )
        except ReadError as exc:
            form.add_error(None, f"Not stored: {exc}.")
            return _reads_page(request, account, form=form, status=400)
        messages.success(
            request,
            f"Read {read.index} of {read.on:%Y-%m-%d} stored"
            + (
                f": {read.use} {SERVICE_UNITS[read.service]} used since the last read."
                if read.use is not None
                else " as the meter's starting index."
            ),
        )
        return redirect("console:meter_reads", account_id=account.pk)

    return once(request, form, answer)
