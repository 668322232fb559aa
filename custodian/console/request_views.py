"""The console's request pages: the queue, intake of calls, visits and letters, a request's page, hand-offs,
closing, the response package and corrections.

One module (over 400 lines) on purpose: a request's pages, from the queue to the answer, share the request
page they return to and its steps (`steps.on_request_page`), and the purpose a verification looks the account
up under."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from custodian.casework.choices import RequestKind, RequestStatus, Verification
from custodian.casework.corrections import (
    correction_apply,
    correction_decline,
    correction_notice_posted,
    meter_challenge_result,
    meter_challenge_route,
    meter_challenge_routed,
)
from custodian.casework.data_requests import (
    data_request_answer,
    data_request_in_full,
    package_build,
    repeat_of,
    request_verify,
)
from custodian.casework.desk import is_note, reply_draft
from custodian.casework.identity import (
    BILL_PROVES_NOTHING_HERE,
    CHANNEL_NEEDS_STRONG_PROOF,
    PROVING_CHANNELS,
    from_limited_account,
    proves_a_channel,
    verification_methods,
)
from custodian.casework.recipients import answer_goes, answer_sent, outcome_goes, reply_goes
from custodian.casework.selectors import request_list
from custodian.casework.services import (
    Intake,
    RequestError,
    can_work,
    request_close,
    request_hand_off,
    request_intake,
)
from custodian.console import forms
from custodian.console.access import (
    console_actor,
    not_found,
    owned_request,
    request_for_staff,
)
from custodian.console.privacy import response_package
from custodian.console.steps import on_request_page, page_again, request_step, step_form
from custodian.customers.selectors import accounts_of
from custodian.netaddr import client_ip
from custodian.payments.received import takes_payments
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.staff.decorators import console_required
from custodian.staff.selectors import leads, reviews_access, service_members
from custodian.vault import gate
from custodian.vault.masking import masked
from custodian.web.confirmation import confirmation_page, confirmed
from custodian.web.forms import errors_in_words
from custodian.web.languages import url_in_language
from custodian.web.once import already, once, spent
from custodian.web.steps import form_acted


@page("requests/", name="requests")
@console_required
def request_queue(request):
    actor = console_actor(request)
    form = forms.QueueForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    reqs = request_list(fetched_by=actor, **{k: v for k, v in chosen.items() if v})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "console/request_queue.html", {"requests": reqs, "form": form}, status=status)


@page("requests/new/", name="request_new")
@console_required
def request_new(request):
    actor = console_actor(request)
    form = forms.IntakeForm(request.POST or None, services=actor.services)
    if request.method == "POST" and form.is_valid():
        if (sent := spent(form)) is not None:  # before the look-up: it is in the access log
            return already(request, sent)
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
                return _request_new_page(request, form)
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

        def open_it():
            req, _ = request_intake(intake=intake)
            service = current_policy().services[req.owning_service].label
            return f"Request #{req.pk} opened for {service}, due {req.due_on:%B %-d, %Y}.", redirect(
                "console:requests"
            )

        done = form_acted(request, form, open_it, refused=RequestError)
        if done:
            return done
    return _request_new_page(request, form)


def _request_new_page(request, form):
    """The new request's page; drawn again with the form's errors or the service's refusal, it answers 400,
    as every console form drawn again does."""
    status = 400 if form.is_bound else 200
    return render(request, "console/request_new.html", {"form": form, "scripts": _scripts()}, status=status)


def _scripts() -> list[tuple[str, object]]:
    """The notice read before a call or visit, by its type (the policy file's `[collection_points]`)."""
    policy = current_policy()
    return [(label, policy.notice_at("staff_intake", kind)) for kind, label in RequestKind.choices]


@page("requests/<id:request_id>/", name="request")
@console_required
def request_detail(request, request_id):
    actor, req = console_actor(request), request_for_staff(request, request_id)
    if req is None:
        return not_found(request)
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
        except gate.Denied as refused:
            messages.error(request, gate.refused_in_words(refused))
    policy = current_policy()
    meter_routed = meter_challenge_routed(req)
    earlier = repeat_of(req)
    owns = req.owning_service in actor.services
    working = owns and req.status == RequestStatus.OPEN
    template = forms.ReplyTemplateForm(request.GET or None)
    draft = (
        reply_draft(request=req, template=template.cleaned_data["template"]) if template.is_valid() else ""
    )
    return render(
        request,
        "console/request_detail.html",
        {
            "req": req,
            "history": req.history.select_related("by", "to_user", "message").order_by("at", "pk"),
            # One read through the gate gives the customer's messages and the staff's notes.
            "documents": None if documents is None else [d for d in documents if not is_note(d.ref)],
            "notes": None if documents is None else [d for d in documents if is_note(d.ref)],
            "note_count": req.history.filter(action="noted").count(),
            "working": working,
            "mine": req.assigned_to_id == request.user.pk,
            "assign_form": step_form(
                request,
                forms.AssignForm,
                "console:request_assign",
                req.pk,
                members=service_members(req.owning_service),
            )
            if working and leads(request.user, req.owning_service)
            else None,
            "note_form": step_form(request, forms.NoteForm, "console:request_note", req.pk),
            "template_form": template if template.is_bound else forms.ReplyTemplateForm(),
            "reply_form": step_form(
                request, forms.ReplyForm, "console:request_reply", req.pk, initial={"body": draft}
            ),
            "reply_goes": reply_goes(req),
            "outcome_goes": outcome_goes(req),
            "read_purposes": [
                (k, policy.purposes[k].label)
                for k in sorted(
                    {p for s in actor.services if s in policy.services for p in policy.services[s].purposes}
                )
                if "correspondence" in policy.purposes[k].categories
            ],
            "hand_off_form": step_form(request, forms.HandOffForm, "console:hand_off", req.pk, kind=req.kind),
            # A service the policy file doesn't let work this kind of request can only hand it on.
            "can_close": can_work(req.owning_service, req.kind),
            "close_form": step_form(request, forms.CloseForm, "console:close", req.pk),
            "owns": owns,
            # A payment call owned by a service that takes payments: the customer's accounts, each page with
            # the form to record a payment received.
            "payment_accounts": list(accounts_of(fetched_by=actor, customer_id=req.customer_id))
            if req.kind == RequestKind.PAYMENT and owns and takes_payments(actor)
            else [],
            # A challenge is answered once (a correction's request stays open only for its printed notices);
            # the data is corrected only for a person verified as the customer (the verification step first).
            "deadlines": policy.deadline_words(),
            "can_correct": req.kind == RequestKind.CORRECTION
            and req.status == RequestStatus.OPEN
            and req.answered_at is None
            and req.owning_service in actor.services
            and not meter_routed,
            # A challenge of meter readings sent to a re-read or an adjustment closes with its result letter.
            "meter_result_form": step_form(
                request, forms.MeterResultForm, "console:meter_challenge_result", req.pk
            )
            if meter_routed and req.status == RequestStatus.OPEN and req.owning_service in actor.services
            else None,
            "correction_form": _correction_form(request, req) if req.is_verified else None,
            # Why the e-mail address and mailing address are not offered: the proof was the bill's.
            "channels_need_strong_proof": CHANNEL_NEEDS_STRONG_PROOF
            if req.is_verified and not proves_a_channel(req)
            else "",
            "decline_form": step_form(request, forms.DeclineForm, "console:correction", req.pk),
            "meter_form": step_form(request, forms.MeterChallengeForm, "console:correction", req.pk),
            # Each notice with the data it concerns by the policy file's labels, never its keys.
            "notices": [
                (
                    n,
                    [
                        policy.categories[c].label if c in policy.categories else c
                        for c in n.categories.split(",")
                        if c
                    ],
                )
                for n in req.correction_notices.order_by("pk")
            ],
            "can_package": req.kind == RequestKind.DATA_ACCESS
            and reviews_access(actor.services)
            and req.owning_service in actor.services,
            # A repeat within six months is answered with what is new, unless the privacy officer decides.
            "repeat_of": earlier,
            "in_full_form": step_form(request, forms.InFullForm, "console:request_in_full", req.pk)
            if earlier is not None and reviews_access(actor.services) and req.owning_service in actor.services
            else None,
            "verify_form": _verify_form(request, req)
            if req.owning_service in actor.services
            and req.status == RequestStatus.OPEN
            and not req.is_verified
            else None,
            # Why the bill's figures are not offered, for a request sent from a limited online account.
            "bill_proves_nothing": BILL_PROVES_NOTHING_HERE if from_limited_account(req) else "",
        },
    )


def _correction_form(request, req):
    """The correction step's form, offering the e-mail address and the mailing address on file only for a
    person verified strongly enough to change where we reach them (`casework.identity.proves_a_channel`; the
    service refuses them otherwise whatever is sent)."""
    form = step_form(request, forms.CorrectionForm, "console:correction", req.pk)
    if not proves_a_channel(req):
        field = form.fields["field"]
        field.choices = [c for c in field.choices if c[0] not in PROVING_CHANNELS]
    return form


def _verify_form(request, req):
    """The verification step's form offering only the methods that verify this request
    (`casework.identity.verification_methods`: photo ID alone for one sent from a limited online account;
    the service refuses the others whatever is sent)."""
    form = step_form(request, forms.VerifyForm, "console:request_verify", req.pk)
    methods = verification_methods(req)
    form.fields["method"].choices = [c for c in form.fields["method"].choices if c[0] in methods]
    if Verification.ACCOUNT_AND_BILL not in methods:
        del form.fields["bill_kwh"]
    checks = {str(Verification(m).label) for m in methods}
    form.fields["verified_with"].choices = [
        c for c in form.fields["verified_with"].choices if not c[0] or str(c[0]) in checks
    ]
    return form


@page("requests/<id:request_id>/hand-off/", name="hand_off")
@request_step(
    forms.HandOffForm,
    form_kwargs=lambda req: {"kind": req.kind},
    invalid="A hand-off needs a service and a reason.",
    done="console:requests",
)
def request_hand_off_view(request, req, d):
    request_hand_off(request=req, to_service=d["to_service"], reason=d["reason"], by=request.user)
    return f"Handed off to {current_policy().services[req.owning_service].label}."


@page("requests/<id:request_id>/close/", name="close")
@console_required
@require_POST
@owned_request()
def request_close_view(request, req):
    form = forms.CloseForm(request.POST)
    if req.status != RequestStatus.OPEN:
        messages.error(request, f"Request #{req.pk} is already closed.")
        return redirect("console:request", request_id=req.pk)
    if not can_work(req.owning_service, req.kind):
        return _request_again(
            request, req, form, "Your service may not act on this request, so it can't close it: hand it on."
        )
    if not form.is_valid():
        return _request_again(
            request, req, form, "Outcome: say what was done or answered before closing the request."
        )
    if meter_challenge_routed(req):
        return _request_again(
            request, req, form, "Record the meter challenge's result: the customer is told it by letter."
        )
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"Close request #{req.pk}",
            heading="Close this request?",
            lead="A closed request can't be reopened; the customer's next question opens a new one.",
            summary=[
                ("Request", f"#{req.pk}, {req.get_kind_display()}"),
                ("Owner", current_policy().services[req.owning_service].label),
                ("Outcome", form.cleaned_data["reason"]),
            ],
            confirm_label="Close the request",
            cancel_url=reverse("console:request", args=[req.pk]),
        )
    request_close(request=req, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Request #{req.pk} closed.")
    return redirect("console:requests")


def _request_again(request, req, form, message: str):
    """The request's page drawn again with `form` as it was sent, saying why nothing was done."""
    return page_again(request, message, form, "console:request", request_id=req.pk)


@page("requests/<id:request_id>/package/", name="package")
@console_required
@owned_request(RequestKind.DATA_ACCESS)
def request_package(request, req):
    """The answer to a data access request, as the letter the customer will read (HTML, or `?format=pdf`),
    or as data (`?format=json`). Nothing is produced before the person is verified as the customer."""
    if not req.is_verified:
        messages.error(
            request,
            "The person is not verified as the customer: no package is produced. Verify them first "
            "(the account number and a figure from the bill, or photo ID at the counter).",
        )
        return redirect("console:request", request_id=req.pk)
    actor, fmt = console_actor(request), request.GET.get("format", "")
    try:
        if fmt == "json":
            data = response_package(
                actor=actor, customer_id=req.customer_id, request_id=req.pk, client_ip=client_ip(request)
            )
        else:
            letter = package_build(actor=actor, request=req, client_ip=client_ip(request))
    except gate.Denied:
        return not_found(request)
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="data-request-{req.pk}.json"'
        return response
    if fmt == "pdf":
        response = HttpResponse(letter.pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="data-request-{req.pk}.pdf"'
        return response
    return render(
        request,
        "console/package.html",
        {
            "req": req,
            "package": letter,
            "answer_form": step_form(
                request, forms.AnswerForm, "console:request_answer", req.pk, goes=answer_goes(req)
            )
            if req.status == RequestStatus.OPEN
            else None,
            "json_url": reverse("console:package", args=[req.pk]) + "?format=json",
            "pdf_url": reverse("console:package", args=[req.pk]) + "?format=pdf",
        },
    )


@page("requests/<id:request_id>/verify/", name="request_verify")
@request_step(
    forms.VerifyForm, invalid="Give how the person proved who they are and the account number they gave."
)
def request_verify_view(request, req, d):
    request_verify(
        request=req,
        by=request.user,
        method=d["method"],
        account_number=d["account_number"],
        verified_with=d["verified_with"],
        bill_kwh=d["bill_kwh"],
        purpose=_lookup_purpose(console_actor(request)),
        client_ip=client_ip(request),
    )
    return f"Verified: {req.verification_label}."


def _lookup_purpose(actor) -> str:
    """The purpose a verification finds the account under: legal obligations for the privacy officer's data
    requests, else the first of the staff member's purposes that may see an account number."""
    policy = current_policy()
    mine = sorted({p for s in actor.services if s in policy.services for p in policy.services[s].purposes})
    usable = [p for p in mine if "account_number" in policy.purposes[p].categories]
    return "legal_obligations" if "legal_obligations" in usable else (usable[0] if usable else "")


@page("requests/<id:request_id>/answer/", name="request_answer")
@console_required
@require_POST
@owned_request(RequestKind.DATA_ACCESS)
def request_answer_view(request, req):
    form = forms.AnswerForm(request.POST, goes=answer_goes(req))
    if not form.is_valid():
        return page_again(
            request,
            "Confirm that you have read the package before it goes out.",
            form,
            "console:package",
            request_id=req.pk,
        )
    try:
        data_request_answer(request=req, by=request.user, client_ip=client_ip(request))
    except RequestError as exc:
        messages.error(request, str(exc))
        return redirect("console:request", request_id=req.pk)
    except gate.Denied:
        return not_found(request)
    messages.success(request, answer_sent(req))
    return redirect("console:requests")


@page("requests/<id:request_id>/correction/", name="correction")
@console_required
@require_POST
@owned_request()
def correction_view(request, req):
    if "explanation" in request.POST:
        form = forms.DeclineForm(request.POST)

        def decline():
            correction_decline(
                request=req,
                by=request.user,
                explanation=form.cleaned_data["explanation"],
                categories=form.cleaned_data["categories"],
            )
            return f"Request #{req.pk} answered: the data is correct."

        return on_request_page(
            request,
            req,
            decline,
            form=form,
            invalid="Say which data was challenged and explain to the customer why it is correct "
            "(a sentence).",
            done="console:requests",
        )
    if "outcome" in request.POST:
        form = forms.MeterChallengeForm(request.POST)

        def route():
            meter_challenge_route(request=req, by=request.user, **form.cleaned_data)
            return f"Request #{req.pk} handed to {req.owning_service}; the customer was told."

        return on_request_page(
            request,
            req,
            route,
            form=form,
            invalid="Choose a re-read or an adjustment and say which readings and why.",
            done="console:requests",
        )
    form = forms.CorrectionForm(request.POST)
    if not form.is_valid():
        return _request_again(request, req, form, f"Not corrected: {errors_in_words(form)}")

    def answer():
        try:
            notices = correction_apply(
                request=req,
                by=request.user,
                values={form.cleaned_data["field"]: form.cleaned_data["value"]},
                named=form.cleaned_data["named"],
                # A new e-mail address goes on file once it confirms itself, by the portal's link.
                confirm_url=lambda token, language: url_in_language(
                    request, reverse("portal:email_confirm", args=[token]), language
                ),
            )
        except RequestError as exc:
            return _request_again(request, req, form, str(exc))
        waiting = sum(1 for n in notices if "@" not in n.recipient_address)
        messages.success(
            request,
            (
                "A link was e-mailed to the new address: it goes on file once confirmed from there, the old "
                "address told then; "
                if form.cleaned_data["field"] == "email"
                else "Corrected; "
            )
            + "the customer was told by letter; "
            + ngettext("%(n)d notice e-mailed", "%(n)d notices e-mailed", len(notices) - waiting)
            % {"n": len(notices) - waiting}
            + (f", {waiting} to print and post from this request's page." if waiting else "."),
        )
        return redirect(
            "console:request" if waiting else "console:requests",
            **({"request_id": req.pk} if waiting else {}),
        )

    return once(request, form, answer)


@page("requests/<id:request_id>/in-full/", name="request_in_full")
@console_required
@require_POST
def request_in_full_view(request, request_id):
    """The privacy officer answers a repeat data request within six months in full, saying why."""
    actor, req = console_actor(request), request_for_staff(request, request_id)
    if req is None or req.owning_service not in actor.services or not reviews_access(actor.services):
        return not_found(request)
    form = forms.InFullForm(request.POST)

    def decide():
        data_request_in_full(request=req, by=request.user, reason=form.cleaned_data["reason"])
        return f"Request #{req.pk} will be answered in full; the decision is logged."

    return on_request_page(
        request, req, decide, form=form, invalid="Say why this repeat is answered in full (a sentence)."
    )


@page("requests/<id:request_id>/meter-result/", name="meter_challenge_result")
@request_step(
    forms.MeterResultForm,
    only_if=meter_challenge_routed,
    invalid="Choose what was found and say it in a sentence for the customer.",
    done="console:requests",
)
def meter_challenge_result_view(request, req, d):
    """The service that re-read the meter or reviewed the bill records what it found; the customer gets the
    result by letter with the right to appeal, and the challenge closes."""
    meter_challenge_result(request=req, by=request.user, **d)
    return f"Request #{req.pk} closed; the result went to the customer by letter."


@page("requests/<id:request_id>/notices/<id:notice_id>/", name="correction_notice")
@console_required
@owned_request()
def correction_notice_view(request, req, notice_id):
    """A correction notice to print and post (GET), or the record that it was posted (POST)."""
    notice = req.correction_notices.filter(pk=notice_id).first()
    if notice is None:
        return not_found(request)
    if request.method == "POST":

        def posted():
            correction_notice_posted(notice=notice, by=request.user)
            return f"Notice to {notice.recipient_name} recorded as posted."

        return on_request_page(request, req, posted)
    policy = current_policy()
    cats = [c for c in notice.categories.split(",") if c in policy.categories]
    try:
        values = gate.reveal(
            actor=console_actor(request),
            customer_id=req.customer_id,
            fields=["name", *[policy.categories[c].field for c in cats if c != "meter_usage"]],
            purpose="legal_obligations",
            request_id=req.pk,
            client_ip=client_ip(request),
        )
    except gate.Denied:
        return not_found(request)
    return render(
        request,
        "console/correction_notice.html",
        {
            "req": req,
            "notice": notice,
            "customer_name": values.pop("name", ""),
            # Printed and posted: bank details by their last four digits, as every letter shows them.
            "values": [
                (policy.categories[policy.category_for_field(f)].label, v) for f, v in masked(values).items()
            ],
        },
    )
