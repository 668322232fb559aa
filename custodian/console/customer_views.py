"""The console's customer pages: finding a customer, the purpose-bound view of their data, emergency access,
Green Button download and upload. Every look at personal data goes through custodian.vault.gate with a
purpose (and the open request when the purpose needs one), and the page says it was logged.

Just over 400 lines on purpose: the customer's page, its reveal, its emergency access and its Green Button
download and upload share one purpose-bound look at one customer and one way of telling a refusal."""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from custodian.billing.selectors import bills_read
from custodian.billing.usage_summary import usage_points_with_bills
from custodian.bounds import takes_a_file
from custodian.casework.selectors import request_list
from custodian.console import access, forms
from custodian.console.access import (
    GREEN_BUTTON_PURPOSE,
    console_actor,
    console_page,
    green_button_summaries_allowed,
    not_found,
)
from custodian.console.billing_views import billing_or_collections
from custodian.console.steps import page_again, step_form
from custodian.customers.selectors import accounts_of, current_premises, customer_for, customers_found
from custodian.dates import moment_words
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.staff.decorators import console_required
from custodian.staff.mfa import verify_second_factor
from custodian.staff.sessions import privilege_raised
from custodian.usage.forms import PeriodForm
from custodian.usage.greenbutton_export import espi_feed
from custodian.usage.intervals import may_import_usage, parse_green_button, usage_import
from custodian.usage.services import usage_points_for
from custodian.vault import gate
from custodian.vault.choices import Channel
from custodian.vault.masking import shown_masked
from custodian.vault.normalize import normalize
from custodian.vault.services import Submission
from custodian.web.forms import errors_in_words
from custodian.web.steps import drawn_status


@page("customers/", name="customers")
@console_page(access.reads_customers, _("Your support services read no customer data."))
def customer_search(request):
    actor = console_actor(request)
    # A POST: the value searched for (an e-mail, a phone number) stays out of URLs, logs and history.
    requests = request_list(fetched_by=actor).order_by("pk")
    form = forms.LookupForm(request.POST or None, services=actor.services, requests=requests)
    results, searched = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            ids = gate.find_customers(
                actor=actor,
                field=form.cleaned_data["field"],
                value=form.cleaned_data["value"],
                purpose=form.cleaned_data["purpose"],
                request_id=form.cleaned_data["request"] or None,
                client_ip=client_ip(request),
            )
        except gate.Held as exc:
            form.add_error(
                None,
                gettext("This lookup is %(held)s (the privacy officer decides). Nothing was looked up.")
                % {"held": gate.held_in_words(exc)},
            )
        except gate.Denied:
            form.add_error("purpose", forms.lookup_refusal(form.cleaned_data))
        else:
            results = customers_found(fetched_by=actor, customer_ids=ids)
            if form.cleaned_data["field"] == "account_number":
                # The number typed is the one the lookup matched: named so, with nothing more read.
                searched = normalize("account_number", form.cleaned_data["value"])
    return render(
        request,
        "console/customer_search.html",
        {"form": form, "results": results, "searched_number": searched},
        status=drawn_status(form),
    )


def _customer_page(request, customer, *, form, revealed=None, purpose_label=""):
    actor = console_actor(request)
    open_requests = request_list(fetched_by=actor, customer_id=customer.pk)
    policy = current_policy()
    return render(
        request,
        "console/customer.html",
        {
            "customer": customer,
            "premises": current_premises(customer.pk).prefetch_related("service_points")
            if access.sees_premises(actor)
            else None,
            "categories": [c for c in policy.categories.values() if c.key != "correspondence"],
            "form": form,
            "revealed": revealed,
            "purpose_label": purpose_label,
            "open_requests": open_requests,
            # The customer's accounts, each linking to its bills and history, for staff who bill or collect
            # (that page's own rule); named by internal reference: this page reads nothing until asked.
            "accounts": accounts_of(fetched_by=actor, customer_id=customer.pk)
            if billing_or_collections(actor)
            else None,
            "may_import_usage": may_import_usage(request.user),
            # Links only to the pages that let this member in, by each page's own rule.
            "downloads_green_button": access.downloads_green_button(actor),
            "registers_representatives": access.registers_representatives(actor),
            "green_button_purpose": policy.purposes[GREEN_BUTTON_PURPOSE].label,
            "green_button_summaries": green_button_summaries_allowed(policy),
            "break_glass_form": step_form(
                request,
                forms.BreakGlassAskForm,
                "console:break_glass",
                customer.pk,
                emergency_purposes=emergency,
            )
            if (emergency := policy.emergency_purposes(actor.services))
            else None,
        },
        status=drawn_status(form),
    )


# The bills are sealed documents, not a value: shown as each bill's summary, from its document's read.
BILLS_FIELD = "bills"


def _bill_summary(bill, content: dict) -> str:
    return f"Bill {bill.pk} for {content['cycle']}: ${content['total']}, due {content['due_on']}"


def _shown(asked: list[str], **read) -> dict:
    """What the customer's page shows of `asked` (fields), read through the gate (`read`: the asker, the
    customer, the purpose, the request and the address): the values in one read, the bills as their
    summaries from their documents' read, each read's access event naming only what it shows. Both reads or
    neither: when one is refused, the other's access event is rolled back with it (the refusal stays, written
    apart), and nothing is shown. A look at one of them is one read, in its own transaction as any read."""
    values_asked = [f for f in asked if f != BILLS_FIELD]
    both = bool(values_asked) and BILLS_FIELD in asked
    with transaction.atomic() if both else nullcontext():
        shown = gate.reveal(fields=values_asked, **read) if values_asked else {}
        if BILLS_FIELD in asked:
            bills = bills_read(**read)
            shown[BILLS_FIELD] = [_bill_summary(b, c) for b, c in bills] or "— no bills yet —"
    return shown


@page("customers/<id:customer_id>/", name="customer")
@console_required
def customer_detail(request, customer_id):
    actor = console_actor(request)
    customer = customer_for(fetched_by=actor, customer_id=customer_id)
    if customer is None or not access.reads_customers(actor):
        return not_found(request)
    requests = request_list(fetched_by=actor, customer_id=customer.pk)
    emergency = gate.emergency_purposes_open(fetched_by=actor, customer_id=customer.pk)
    form = forms.RevealForm(
        request.POST or None, services=actor.services, requests=requests, emergency_purposes=list(emergency)
    )
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        asked = form.cleaned_data["fields"]
        try:
            values = _shown(
                asked,
                actor=actor,
                customer_id=customer.pk,
                purpose=purpose,
                request_id=form.cleaned_data["request"] or None,
                client_ip=client_ip(request),
            )
        except gate.Destroyed as exc:
            form.add_error(None, str(exc))
        except gate.Held as exc:
            form.add_error(
                None,
                gettext("This read is %(held)s (the privacy officer decides). Nothing was shown.")
                % {"held": gate.held_in_words(exc)},
            )
        except gate.Denied as refused:
            # Staff may know why: the reason the gate gave and logged, in words.
            form.add_error(None, gate.refused_in_words(refused))
        else:
            policy = current_policy()
            labels = {c.field: c.label for c in policy.categories.values()}
            # Bank details by their last four digits, as a letter shows them: no task on this page (collecting
            # a payment, explaining a bill) needs the whole number.
            revealed = [
                (labels[f], shown_masked(f, v) if isinstance(v, str) else v)
                for f, v in ((f, values.get(f, "— not on file —")) for f in asked)
            ]
            return _customer_page(
                request, customer, form=form, revealed=revealed, purpose_label=policy.purposes[purpose].label
            )
    return _customer_page(request, customer, form=form)


@page("customers/<id:customer_id>/break-glass/", name="break_glass")
@console_required
@require_POST
def break_glass(request, customer_id):
    """Emergency access: the gate decides (the policy file's emergency scope) and logs a refusal; a missing
    customer and a refusal get the same answer."""
    actor = console_actor(request)
    # The first step asks only the purpose and the reason; the confirmation page then says what opens, for
    # how long and who reviews it, and takes the password and a fresh code (never carried in a hidden field).
    asking = "password" not in request.POST
    form = (forms.BreakGlassAskForm if asking else forms.BreakGlassForm)(request.POST)

    def emergency_refused(why: str, **facts):
        # Logged as a refused emergency access, whatever stopped it before the gate was asked (`why`: its
        # kind of refusal, `gate.refusals.KINDS`).
        gate.break_glass_refused(
            actor=actor,
            customer_id=customer_id,
            purpose=form.cleaned_data.get("purpose", ""),
            why=why,
            client_ip=client_ip(request),
            **facts,
        )

    if not form.is_valid():
        emergency_refused("emergency_incomplete", missing=", ".join(sorted(form.errors)))
        return _customer_again(
            request,
            customer_id,
            "Emergency access needs a purpose, a reason of at least 10 characters, your password and a code.",
        )
    if asking:
        customer = customer_for(fetched_by=actor, customer_id=customer_id)
        if customer is None or form.cleaned_data["purpose"] not in current_policy().emergency_purposes(
            actor.services
        ):
            # The same answer as the gate's refusal at the second step, and logged the same way.
            emergency_refused("emergency_not_opened")
            return not_found(request)
        return render(
            request,
            "console/break_glass_confirm.html",
            {
                "customer": customer,
                "purpose_label": current_policy().purposes[form.cleaned_data["purpose"]].label,
                "reason": form.cleaned_data["reason"],
                "form": forms.BreakGlassForm(initial=form.cleaned_data),
            },
        )
    # Re-authentication: the password and a fresh second-factor code, right now. Through authenticate(), not
    # check_password: wrong passwords count towards the account's lockout (django-axes) as at sign-in, so a
    # stolen session can't try passwords here without end. The log says which failed; the page does not.
    again = authenticate(
        request, username=request.user.get_username(), password=form.cleaned_data["password"]
    )
    if again is None or again.pk != request.user.pk:
        emergency_refused("emergency_password_refused")
        return _customer_again(request, customer_id, NOT_REAUTHENTICATED)
    if verify_second_factor(user=request.user, token=form.cleaned_data["code"]) is None:
        emergency_refused("emergency_code_refused")
        return _customer_again(request, customer_id, NOT_REAUTHENTICATED)
    privilege_raised(request)
    try:
        grant = gate.break_glass_open(
            actor=actor,
            customer_id=customer_id,
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
            client_ip=client_ip(request),
        )
    except gate.Denied:
        return not_found(request)
    customer = grant.customer
    messages.warning(
        request,
        f"Emergency access open until {moment_words(grant.expires_at)}. It is logged and will be reviewed "
        "by the privacy officer.",
    )
    return redirect("console:customer", customer_id=customer.pk)


# Which of the two failed is in the access log, not on the page.
NOT_REAUTHENTICATED = "Password or code not accepted; emergency access was not opened."


def _customer_again(request, customer_id, message: str):
    """The customer's page drawn again with the emergency access's purpose and reason as sent, never the
    password or the code (the first step's form holds neither)."""
    emergency = current_policy().emergency_purposes(console_actor(request).services)
    form = forms.BreakGlassAskForm(request.POST, emergency_purposes=emergency)
    form.is_valid()
    return page_again(request, message, form, "console:customer", customer_id=customer_id)


@page("customers/<id:customer_id>/usage-import/", name="usage_import")
@takes_a_file
@console_required
def customer_usage_import(request, customer_id):
    """Upload a Green Button file into the customer's interval readings, under "providing or improving utility
    services" (field services and customer service), for an open request of the customer's that the
    importer's service owns; the gate decides the import's read as the importer's (the request, the hourly
    limit). Every problem is listed with its line; an incomplete file stores nothing; a reading held from
    the utility's meter is not replaced."""

    actor = console_actor(request)
    allowed = may_import_usage(request.user)
    customer = customer_for(fetched_by=actor, customer_id=customer_id)
    if customer is None or not allowed:
        return not_found(request)
    requests = request_list(fetched_by=actor, customer_id=customer.pk).order_by("pk")
    form = forms.UsageImportForm(request.POST or None, request.FILES or None, requests=requests)
    summary, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            summary = usage_import(
                customer_id=customer.pk,
                result=parse_green_button(form.cleaned_data["file"]),
                submission=Submission(
                    channel=Channel.FILE_IMPORT,
                    notice_key="metering",
                    recorded_by=request.user,
                    recorded_by_label=request.user.get_full_name() or request.user.get_username(),
                    # The size, not the file name: a name like "jane-doe-usage.xml" would sit here in clear.
                    note=f"Green Button upload ({form.cleaned_data['file'].size} bytes)",
                ),
                imported_by=request.user,
                request_id=form.cleaned_data["request"],
                client_ip=client_ip(request),
            )
        except gate.Destroyed as exc:
            form.add_error(None, str(exc))
        except gate.Held as held:
            form.add_error(
                None,
                gettext("Nothing stored: this import's read is %(held)s (the privacy officer decides).")
                % {"held": gate.held_in_words(held)},
            )
            status = 403
        except gate.Denied:
            form.add_error(
                "request", "Nothing stored: that request is not an open request of this customer's."
            )
    if request.method == "POST" and status == 200 and (not form.is_valid() or summary.refused):
        status = 400
    elif summary is not None and summary.readings_refused:
        status = 422  # stored what it could; some readings were not (each is among the problems)
    return render(
        request,
        "console/usage_import.html",
        {
            "customer": customer,
            "form": form,
            "summary": summary,
            "problems": (summary.problems[:200] if summary else []),
        },
        status=status,
    )


@page("customers/<id:customer_id>/green-button.xml", name="green_button")
@console_required
def customer_green_button(request, customer_id):
    """Staff download of a customer's Green Button file, under "providing or improving utility services",
    for the last 13 months or the period given (`?start=YYYY-MM-DD&end=YYYY-MM-DD`); with the bills'
    summaries only where the policy lets that purpose read the bills (today it does not: the customer's
    page says so)."""

    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(f"Bad period: {errors_in_words(form)}", status=400, content_type="text/plain")
    start, end = form.period() if request.GET else (None, None)
    read = usage_points_with_bills if green_button_summaries_allowed(current_policy()) else usage_points_for
    try:
        points = read(
            actor=console_actor(request),
            customer_id=customer_id,
            purpose=GREEN_BUTTON_PURPOSE,
            start=start,
            end=end,
            client_ip=client_ip(request),
            units=form.units_chosen(),
        )
    except gate.Held as exc:
        # Said as held (the customer page and the API say so too): "not found" would send them searching.
        messages.error(
            request,
            gettext("This download is %(held)s (the privacy officer decides). Nothing was read.")
            % {"held": gate.held_in_words(exc)},
        )
        return redirect("console:customer", customer_id=customer_id)
    except gate.Denied:
        return not_found(request)
    body = espi_feed(subject=str(customer_id), base_url=request.build_absolute_uri("/"), usage_points=points)
    response = HttpResponse(body, content_type="application/atom+xml")
    response["Content-Disposition"] = f'attachment; filename="green-button-{customer_id}.xml"'
    return response
