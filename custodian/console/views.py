"""The staff console. Views are thin: console_required → the gate or a service → render.

Every look at personal data goes through custodian.vault.gate with a purpose (and the open request when
the purpose needs one), and the page says it was logged.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodian.audit.selectors import access_events
from custodian.casework.corrections import NamedRecipient, correction_apply, correction_decline
from custodian.casework.models import CustomerRequest, RequestKind, RequestStatus
from custodian.casework.services import Intake, RequestError, request_close, request_hand_off, request_intake
from custodian.console import access, forms
from custodian.console.access import console_page
from custodian.console.marketing import AudienceFilter, audience_build, audience_count
from custodian.console.privacy import data_inventory, response_package, unusual_access
from custodian.csvfile import csv_writer
from custodian.customers.models import Customer
from custodian.customers.selectors import current_premises
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.retention.models import DestructionRecord
from custodian.retention.services import citation_of, retention_due
from custodian.staff.decorators import console_required
from custodian.staff.mfa import verify_second_factor
from custodian.staff.selectors import reviews_access
from custodian.staff.sessions import privilege_raised
from custodian.usage.forms import PeriodForm, UsageUploadForm
from custodian.usage.greenbutton_export import espi_feed
from custodian.usage.intervals import may_import_usage, parse_green_button, usage_import
from custodian.usage.services import usage_points_for
from custodian.vault import gate
from custodian.vault.gate import break_glass_review, break_glass_review_queue
from custodian.vault.models import BreakGlassGrant, Channel
from custodian.vault.services import NotAllowed, Submission

DENIED = gate.NOT_FOUND_OR_DENIED


def _actor(request):
    return gate.staff_actor(request.user)


_reads_customers = access.reads_customers


def _reviews_access(actor) -> bool:
    return reviews_access(actor.services)


def _not_found(request):
    return render(request, "console/not_found.html", {"message": DENIED}, status=404)


# --- customers ---------------------------------------------------------------------------------------


@console_page(access.reads_customers, "Your support services read no customer data.")
def customer_search(request):
    actor = _actor(request)
    # A POST: the value searched for (an e-mail, a phone number) stays out of URLs, logs and history.
    requests = CustomerRequest.objects.filter(status=RequestStatus.OPEN, owning_service__in=actor.services)
    form = forms.LookupForm(request.POST or None, services=actor.services, requests=requests.order_by("pk"))
    results = None
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
        except gate.Denied:
            form.add_error(
                "purpose",
                "That purpose does not allow looking customers up by this field"
                " (request-driven purposes need an open request your service owns).",
            )
        else:
            results = Customer.objects.filter(pk__in=ids)
    return render(request, "console/customer_search.html", {"form": form, "results": results})


def _customer_page(request, customer, *, form, revealed=None, purpose_label=""):
    actor = _actor(request)
    open_requests = CustomerRequest.objects.filter(
        customer=customer, status=RequestStatus.OPEN, owning_service__in=actor.services
    )
    policy = current_policy()
    return render(
        request,
        "console/customer.html",
        {
            "customer": customer,
            "premises": current_premises(customer.pk).prefetch_related("service_points"),
            "categories": [c for c in policy.categories.values() if c.key != "correspondence"],
            "form": form,
            "revealed": revealed,
            "purpose_label": purpose_label,
            "open_requests": open_requests,
            "break_glass_form": forms.BreakGlassForm(emergency_purposes=emergency)
            if (emergency := policy.emergency_purposes(actor.services))
            else None,
        },
    )


@console_required
def customer_detail(request, customer_id):
    actor = _actor(request)
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None or not _reads_customers(actor):
        return _not_found(request)
    requests = CustomerRequest.objects.filter(
        customer=customer, status=RequestStatus.OPEN, owning_service__in=actor.services
    )
    emergency = BreakGlassGrant.objects.filter(
        user=request.user, customer=customer, expires_at__gt=timezone.now()
    ).values_list("purpose", flat=True)
    form = forms.RevealForm(
        request.POST or None, services=actor.services, requests=requests, emergency_purposes=list(emergency)
    )
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        try:
            values = gate.reveal(
                actor=actor,
                customer_id=customer.pk,
                fields=form.cleaned_data["fields"],
                purpose=purpose,
                request_id=form.cleaned_data["request"] or None,
                client_ip=client_ip(request),
            )
        except gate.Destroyed as exc:
            form.add_error(None, str(exc))
        except gate.Held as exc:
            form.add_error(None, f"This read is {exc} (the privacy officer decides). Nothing was shown.")
        except gate.Denied:
            form.add_error(
                None,
                "Not allowed: your support services may not see these items for this purpose"
                " (request-driven purposes need an open request of this customer that your service owns).",
            )
        else:
            policy = current_policy()
            labels = {c.field: c.label for c in policy.categories.values()}
            revealed = [(labels[f], values.get(f, "— not on file —")) for f in form.cleaned_data["fields"]]
            return _customer_page(
                request, customer, form=form, revealed=revealed, purpose_label=policy.purposes[purpose].label
            )
    return _customer_page(request, customer, form=form)


@console_required
@require_POST
def break_glass(request, customer_id):
    """Emergency access: the gate decides (the policy file's emergency scope) and logs a refusal; a missing
    customer and a refusal get the same answer."""
    actor = _actor(request)
    form = forms.BreakGlassForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Emergency access needs a purpose, a reason of at least 10 characters, your password and a code.",
        )
        return redirect("console:customer", customer_id=customer_id)
    # Re-authentication: the password and a fresh second-factor code, right now.
    if (
        not request.user.check_password(form.cleaned_data["password"])
        or verify_second_factor(user=request.user, token=form.cleaned_data["code"]) is None
    ):
        messages.error(request, "Password or code not accepted; emergency access was not opened.")
        return redirect("console:customer", customer_id=customer_id)
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
        return _not_found(request)
    customer = grant.customer
    messages.warning(
        request,
        f"Emergency access open until {grant.expires_at:%H:%M}. It is logged and will be reviewed "
        "by the privacy officer.",
    )
    return redirect("console:customer", customer_id=customer.pk)


# --- requests ----------------------------------------------------------------------------------------


@console_required
def request_queue(request):
    actor = _actor(request)
    reqs = CustomerRequest.objects.filter(
        status=RequestStatus.OPEN, owning_service__in=actor.services
    ).order_by("due_on", "opened_at")
    return render(request, "console/request_queue.html", {"requests": reqs})


@console_required
def request_new(request):
    actor = _actor(request)
    form = forms.IntakeForm(request.POST or None, services=actor.services)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer_id = None
        if data["account_number"]:
            # One look-up, under the purpose the staff member named (the form offers only purposes that may
            # find an account): nothing is tried and refused on the way.
            try:
                ids = gate.find_customers(
                    actor=actor,
                    field="account_number",
                    value=data["account_number"],
                    purpose=data["purpose"],
                    client_ip=client_ip(request),
                    intake=True,
                )
            except gate.Denied:
                ids = []
            if len(ids) != 1:
                form.add_error("account_number", "No customer with that account number that you may look up.")
                return render(
                    request,
                    "console/request_new.html",
                    {"form": form, "notice": current_policy().notices["contact_form"]},
                )
            customer_id = ids[0]
        intake = Intake(
            kind=data["kind"],
            channel=data["channel"],
            message=data["message"],
            customer_id=customer_id,
            contact={k: data[k] for k in ("name", "phone", "email") if data[k]}
            if customer_id is None
            else {},
            recorded_by=request.user,
            verification=data["verification"],
            verified_with=data["verified_with"] if data["verification"] != "not_a_customer" else "",
        )
        try:
            req, _ = request_intake(intake=intake)
        except RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Request #{req.pk} opened for {current_policy().services[req.owning_service].label}, "
                f"due {req.due_on:%B %-d, %Y}.",
            )
            return redirect("console:requests")
    return render(
        request,
        "console/request_new.html",
        {"form": form, "notice": current_policy().notices["contact_form"]},
    )


def _visible_request(request, request_id):
    actor = _actor(request)
    req = CustomerRequest.objects.select_related("customer").filter(pk=request_id).first()
    if req is None or not (req.owning_service in actor.services or _reviews_access(actor)):
        return actor, None
    return actor, req


@console_required
def request_detail(request, request_id):
    actor, req = _visible_request(request, request_id)
    if req is None:
        return _not_found(request)
    documents = None
    if request.method == "POST" and "read" in request.POST:
        purpose = request.POST.get("purpose", "")
        try:
            documents = gate.reveal_documents(
                actor=actor,
                customer_id=req.customer_id,
                category="correspondence",
                ref_prefix=f"request:{req.pk}:",
                purpose=purpose,
                request_id=req.pk,
                client_ip=client_ip(request),
            )
        except gate.Denied:
            messages.error(
                request,
                "Not allowed: reading this request's messages needs a purpose your service holds, "
                "while your service owns the request.",
            )
    policy = current_policy()
    return render(
        request,
        "console/request_detail.html",
        {
            "req": req,
            "history": req.history.select_related("by").order_by("at", "pk"),
            "documents": documents,
            "read_purposes": [
                (k, policy.purposes[k].label)
                for k in sorted(
                    {p for s in actor.services if s in policy.services for p in policy.services[s].purposes}
                )
                if "correspondence" in policy.purposes[k].categories
            ],
            "hand_off_form": forms.HandOffForm(),
            "close_form": forms.CloseForm(),
            "owns": req.owning_service in actor.services,
            "can_correct": req.kind == RequestKind.CORRECTION
            and req.status == RequestStatus.OPEN
            and req.owning_service in actor.services,
            "correction_form": forms.CorrectionForm(),
            "decline_form": forms.DeclineForm(),
            "can_package": req.kind == RequestKind.DATA_ACCESS
            and _reviews_access(actor)
            and req.owning_service in actor.services,
        },
    )


@console_required
@require_POST
def request_hand_off_view(request, request_id):
    actor, req = _visible_request(request, request_id)
    if req is None or req.owning_service not in actor.services:
        return _not_found(request)
    form = forms.HandOffForm(request.POST)
    if form.is_valid():
        try:
            request_hand_off(
                request=req,
                to_service=form.cleaned_data["to_service"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except RequestError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Handed off to {current_policy().services[req.owning_service].label}.")
            return redirect("console:requests")
    else:
        messages.error(request, "A hand-off needs a service and a reason.")
    return redirect("console:request", request_id=req.pk)


@console_required
@require_POST
def request_close_view(request, request_id):
    actor, req = _visible_request(request, request_id)
    if req is None or req.owning_service not in actor.services:
        return _not_found(request)
    form = forms.CloseForm(request.POST)
    if form.is_valid() and req.status == RequestStatus.OPEN:
        request_close(request=req, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Request #{req.pk} closed.")
    return redirect("console:requests")


@console_required
def request_package(request, request_id):
    actor, req = _visible_request(request, request_id)
    if req is None or req.kind != RequestKind.DATA_ACCESS or req.owning_service not in actor.services:
        return _not_found(request)
    try:
        package = response_package(
            actor=actor, customer_id=req.customer_id, request_id=req.pk, client_ip=client_ip(request)
        )
    except gate.Denied:
        return _not_found(request)
    if request.GET.get("format") == "json":
        response = JsonResponse(package, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="data-request-{req.pk}.json"'
        return response
    return render(
        request,
        "console/package.html",
        {
            "req": req,
            "package": package,
            "json_url": reverse("console:package", args=[req.pk]) + "?format=json",
        },
    )


# --- privacy officer ---------------------------------------------------------------------------------


_privacy_officer_only = console_page(access.is_privacy_officer, "Only the privacy officer reviews access.")


@_privacy_officer_only
def privacy_home(request):
    overdue = CustomerRequest.objects.filter(
        status=RequestStatus.OPEN,
        kind__in=[RequestKind.DATA_ACCESS, RequestKind.CORRECTION, RequestKind.PRIVACY_QUESTION],
    ).order_by("due_on")
    return render(
        request,
        "console/privacy_home.html",
        {
            "subject_requests": overdue,
            "break_glass": break_glass_review_queue(),
            "flags": unusual_access(),
            "review_form": forms.ReviewForm(),
        },
    )


@_privacy_officer_only
@require_POST
def break_glass_review_view(request, grant_id):
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            break_glass_review(grant_id=grant_id, reviewer=request.user, note=form.cleaned_data["note"])
        except (ValueError, NotAllowed) as exc:
            messages.error(request, str(exc))
        except ObjectDoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, "Review recorded.")
    else:
        messages.error(request, "A review needs a finding.")
    return redirect("console:privacy")


@_privacy_officer_only
def access_review(request):
    form = forms.AccessReviewForm(request.GET or None)
    events = []
    if form.is_valid():
        from datetime import datetime
        from datetime import time as dtime

        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        events = access_events(
            customer_id=d["customer_id"],
            actor_kind=d["actor_kind"] or None,
            actor_id=d["actor_id"] or None,
            purpose=d["purpose"] or None,
            own_request=d["own_request"],
            since=datetime.combine(d["since"], dtime.min, tz) if d["since"] else None,
            until=datetime.combine(d["until"], dtime.max, tz) if d["until"] else None,
            limit=500,
        )
    return render(request, "console/access_review.html", {"form": form, "events": events})


@_privacy_officer_only
def inventory(request):
    data = data_inventory()
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"indent": 2})
    return render(request, "console/inventory.html", {"inventory": data})


@_privacy_officer_only
def retention(request):
    """What the retention schedule has due today (the dry run), and what the runs destroyed."""

    due = [(d, citation_of(d.item)) for d in retention_due()]
    records = DestructionRecord.objects.select_related("run").order_by("-destroyed_at", "-pk")[:100]
    return render(request, "console/retention.html", {"due": due, "records": records})


# --- marketing ---------------------------------------------------------------------------------------


@console_page(access.acts_for("marketing"), "Only marketing builds audiences.")
def marketing(request):
    actor = _actor(request)
    form = forms.AudienceForm(request.POST or request.GET or None)
    counts = None
    if form.is_bound and form.is_valid():
        f = AudienceFilter(**form.cleaned_data)
        if request.method == "POST":
            rows = audience_build(actor=actor, f=f, client_ip=client_ip(request))
            response = HttpResponse(content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="audience.csv"'
            writer = csv_writer(response)
            writer.writerow(["customer_id", "name", "email", "mailing_address"])
            for r in rows:
                writer.writerow(
                    [r["customer_id"], r.get("name", ""), r.get("email", ""), r.get("mailing_address", "")]
                )
            return response
        counts = audience_count(f)
    return render(request, "console/marketing.html", {"form": form, "counts": counts})


@console_required
@require_POST
def correction_view(request, request_id):
    actor, req = _visible_request(request, request_id)
    if req is None or req.owning_service not in actor.services:
        return _not_found(request)
    if "explanation" in request.POST:
        form = forms.DeclineForm(request.POST)
        if form.is_valid():
            try:
                correction_decline(request=req, by=request.user, explanation=form.cleaned_data["explanation"])
            except RequestError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Request #{req.pk} answered: the data is correct.")
                return redirect("console:requests")
        else:
            messages.error(request, "Explain to the customer why the data is correct (at least a sentence).")
        return redirect("console:request", request_id=req.pk)
    form = forms.CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the item and give the corrected value.")
        return redirect("console:request", request_id=req.pk)
    named = []
    for line in form.cleaned_data["named_recipients"].splitlines():
        name, _, address = line.partition("|")
        if name.strip():
            named.append(NamedRecipient(name.strip(), address.strip()))
    try:
        notices = correction_apply(
            request=req,
            by=request.user,
            values={form.cleaned_data["field"]: form.cleaned_data["value"]},
            named=named,
        )
    except RequestError as exc:
        messages.error(request, str(exc))
        return redirect("console:request", request_id=req.pk)
    messages.success(request, f"Corrected; {len(notices)} past or named recipient(s) to notify.")
    return redirect("console:requests")


@console_required
def customer_usage_import(request, customer_id):
    """Upload a Green Button file into the customer's interval readings, under "providing or improving utility
    services" (field services and customer service). Every problem is listed with its line; an incomplete
    file stores nothing."""

    allowed = may_import_usage(request.user)
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None or not allowed:
        return _not_found(request)
    form = UsageUploadForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
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
            client_ip=client_ip(request),
        )
    status = 400 if request.method == "POST" and (not form.is_valid() or summary.refused) else 200
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


@console_required
def customer_green_button(request, customer_id):
    """Staff download of a customer's Green Button file, under "providing or improving utility services",
    for the last 13 months or the period given (`?start=YYYY-MM-DD&end=YYYY-MM-DD`)."""

    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(f"Bad period: {errors}", status=400, content_type="text/plain")
    start, end = form.period() if request.GET else (None, None)
    try:
        points = usage_points_for(
            actor=_actor(request),
            customer_id=customer_id,
            purpose="providing_services",
            start=start,
            end=end,
            client_ip=client_ip(request),
        )
    except gate.Denied:
        return _not_found(request)
    body = espi_feed(subject=str(customer_id), base_url=request.build_absolute_uri("/"), usage_points=points)
    response = HttpResponse(body, content_type="application/atom+xml")
    response["Content-Disposition"] = f'attachment; filename="green-button-{customer_id}.xml"'
    return response
