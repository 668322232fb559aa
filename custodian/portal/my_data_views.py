"""The customer's own data in the portal: the profile with where each value came from, contact updates,
the marketing choice, requests, and the letters and messages sent to them.

A little over 400 lines on purpose: these pages share one way of reading the customer's own data through the
gate and of answering a bad choice, and splitting them would spread that over several modules."""

import dataclasses
from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from custodian.casework.corrections import disagreement_keep, disputed_categories
from custodian.casework.representatives import own_requests_actor
from custodian.casework.selectors import (
    own_requests_only,
    replies_of,
    requests_made_by,
    requests_of_customer,
)
from custodian.casework.services import Intake, RequestError, request_intake
from custodian.dates import long_date
from custodian.outbox.selectors import printed_left_out, printed_letter, sent_to_customer
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.access import (
    ON_THE_BILL,
    acting_label,
    as_me,
    choice_acted,
    message_page,
    mine,
    portal_actor,
    portal_required,
    reauthenticated,
    signed_in_customer,
)
from custodian.portal.contact_details import ContactRemovalRefused, contact_remove
from custodian.portal.email_change import email_change_ask
from custodian.portal.glance import at_a_glance
from custodian.routing import page
from custodian.vault.masking import MASKED_UNTIL_REAUTH, shown_words
from custodian.vault.normalize import MARKETING_OPTED_OUT
from custodian.vault.selectors import value_provenance
from custodian.vault.services import Submission, marketing_preference_set, personal_data_record
from custodian.web.forms import errors_in_words
from custodian.web.languages import url_in_language
from custodian.web.once import once
from custodian.web.post_only import post_only
from custodian.web.steps import drawn_status

PROFILE_FIELDS = (
    "name",
    "email",
    "phone",
    "mailing_address",
    "service_address",
    "account_number",
    "bank_account",
)


@page("me/", name="home")
@portal_required
def home(request):
    # A representative is offered only the contact details their authority covers (`update_contact` refuses
    # the others).
    return _home(request, _contact_form(request))


def _contact_form(request):
    rep = request.representative
    return forms.ContactDetailsForm(covered=None if rep is None else rep.category_list)


def _home(request, contact_form, status=200):
    # A limited account reads only what the bill that opened it prints (`access.ON_THE_BILL`).
    limited = getattr(request, "limited", False)
    shown = ON_THE_BILL if limited else PROFILE_FIELDS
    values = mine(request, [*shown, *([] if limited else ["marketing_preference"])])  # one read, one event
    labels = {c.field: c.in_language().label for c in current_policy().categories.values()}
    provenance = value_provenance(
        fetched_by=portal_actor(request), customer_id=request.customer_id, fields=shown
    )
    opted_out = values.pop("marketing_preference", None) == MARKETING_OPTED_OUT
    rows = [(labels[f], shown_words(f, values.get(f, "")), provenance.get(f)) for f in shown if f in values]
    return render(
        request,
        "portal/home.html",
        {
            "rows": rows,
            "opted_out": opted_out,
            "contact_form": contact_form,
            "masked": not reauthenticated(request) and any(f in values for f in MASKED_UNTIL_REAUTH),
            "notice": current_policy().notices["portal_profile"],
            "glance": at_a_glance(request),
            # A representative is told which of these their authority leaves out: a row missing is not
            # a value the customer does not have.
            "not_covered": request.not_covered.among(shown),
        },
        status=status,
    )


@page("me/contact/", name="update_contact")
@portal_required
@post_only("portal:home")
def update_contact(request):
    form = forms.ContactDetailsForm(request.POST)
    if not form.is_valid():
        # The page again with what was typed and each error beside its field; nothing stored.
        messages.error(
            request,
            _("Not saved: %(problems)s") % {"problems": errors_in_words(form)},
        )
        return _home(request, form, status=400)
    values, removed = form.typed(), form.removed()
    # A representative changes or removes a contact detail only where their authority covers its data, as
    # they read it: nothing saved, the page again with what was typed and what the authority leaves out.
    policy = current_policy()
    if refusal := request.not_covered.refusal(policy.category_for_field(f) for f in [*values, *removed]):
        messages.error(request, refusal)
        return _home(request, form, status=403)

    def answer():
        if removed:
            try:
                contact_remove(
                    customer=signed_in_customer(request),
                    fields=removed,
                    actor=portal_actor(request),
                    recorded_by_label=acting_label(request),
                )
            except ContactRemovalRefused as exc:
                # Nothing removed nor saved: the page again with what was typed and why.
                messages.error(request, str(exc))
                return _home(request, form, status=400)
            gone = ", ".join(str(current_policy().categories[f].in_language().label).lower() for f in removed)
            said = _("Removed: your %(what)s. We told you of the change.") % {"what": gone}
            if "email" in removed:
                said = f"{said} {_('We write to you by mail from now on.')}"
            messages.success(request, said)
        # A new e-mail address is recorded only once confirmed from that address (bills and notices go to it).
        email = values.pop("email", "")
        asked = bool(email) and email_change_ask(
            customer=signed_in_customer(request),
            email=email,
            confirm_url=lambda t, language: url_in_language(
                request, reverse("portal:email_confirm", args=[t]), language
            ),
            recorded_by_label=acting_label(request),
            page_language=request.LANGUAGE_CODE,
        )
        if asked:
            messages.info(
                request,
                _(
                    "We sent a link to %(email)s. Your e-mail address on file changes when you open it and "
                    "confirm; until then bills and notices go to the address on file now."
                )
                % {"email": email},
            )
        if values:
            personal_data_record(
                customer=signed_in_customer(request),
                values=values,
                submission=Submission(
                    channel="portal", notice_key="portal_profile", recorded_by_label=acting_label(request)
                ),
            )
            saved = ", ".join(str(form.fields[k].label).lower() for k in values)
            messages.success(
                request, _("Saved: your %(what)s. It shows below with today's date.") % {"what": saved}
            )
        elif email and not asked:
            messages.info(request, _("Nothing to save: that is your e-mail address on file already."))
        elif not email and not removed:
            messages.info(request, _("Nothing to save: every field was empty."))
        return redirect("portal:home")

    return once(request, form, answer)


@page("me/marketing/", name="marketing")
@portal_required
@post_only("portal:home")
def marketing(request):

    def choose(choice):
        marketing_preference_set(
            customer=signed_in_customer(request),
            opted_out=choice == "out",
            submission=Submission(
                channel="portal", notice_key="portal_profile", recorded_by_label=acting_label(request)
            ),
        )

    said = {
        "out": _("Saved: we will not use your details for marketing."),
        "in": _("Saved: we may tell you about our programs again."),
    }
    # Only the page's two buttons change the preference: anything else changes nothing (an opt-out is never
    # undone by a malformed form).
    return choice_acted(
        request,
        said,
        choose,
        back="portal:home",
        unknown=_("Nothing changed: choose to opt out of marketing or to opt back in."),
        page=partial(_home, request, _contact_form(request)),
    )


@page("me/request/", name="request")
@portal_required
def new_request(request):
    notice = current_policy().notice_at("portal_request")
    form = forms.PortalRequestForm(request.POST or None, notice=notice)
    if request.method == "POST" and form.is_valid():

        def answer():
            req, _created = request_intake(
                intake=Intake(
                    kind=form.cleaned_data["kind"],
                    channel="portal",
                    message=form.cleaned_data["message"],
                    customer_id=request.customer_id,
                    notice_key=notice.key,
                    notice_version=form.cleaned_data["notice_version"],
                    limited_account=getattr(request, "limited", False),
                    representative=request.representative,
                    acting_label=acting_label(request),
                )
            )
            messages.success(
                request,
                _("Request #%(id)s received; we will answer by %(day)s.")
                % {"id": req.pk, "day": long_date(req.due_on)},
            )
            # A reload after the POST sends nothing twice; to the list where the asker may see it.
            return redirect("portal:requests" if request.may["requests"] else "portal:home")

        return once(request, form, answer)
    return render(
        request,
        "portal/request.html",
        {
            "form": form,
            "notice": form.notice,
            "limited": getattr(request, "limited", False),
            # Said before sending: a representative's request is answered to her (`data_request_answer`).
            "to_representative": request.representative is not None,
        },
        status=drawn_status(form),
    )


def _kept_already(request, sent):
    """A statement of disagreement sent again: kept once."""
    return message_page(
        request,
        title=_("Kept with your data"),
        message=_("This statement was sent already and is kept with your data; it was not kept twice."),
    )


def _requests_shown(request):
    """The requests "My requests" lists: the customer's, or only the representative's own
    (`own_requests_only`)."""
    if own_requests_only(request.representative):
        return requests_made_by(fetched_by=portal_actor(request), rep=request.representative)
    return requests_of_customer(fetched_by=portal_actor(request), customer_id=request.customer_id)


@page("me/requests/", name="requests")
@portal_required
def my_requests(request):
    """My requests: each with its type, status, due date, how we knew it was you, the replies staff sent and
    the answer (their texts read through the gate as the customer, one access event)."""

    reqs = list(_requests_shown(request))
    own_only = own_requests_only(request.representative)
    # An online account still limited may be held by anyone with one of the customer's bills: our answers and
    # replies, letters sent to the address on file, are out of its reach as the letters page is
    # (custodian.portal.access.OPEN_WHILE_LIMITED), whoever asked and however the asker was verified.
    limited = getattr(request, "limited", False)
    replies = {} if limited else replies_of(request_ids=[r.pk for r in reqs])
    sent_ids = {m for ids in replies.values() for m in ids}
    answers = {}
    if not limited and (sent_ids or any(r.answer_id for r in reqs)):
        # Only the messages on her own requests, read as hers, held to her authority's categories as letters
        # are (`own_requests_actor`); the customer's other letters are not opened.
        only = [*sent_ids, *(r.answer_id for r in reqs if r.answer_id)] if own_only else None
        sent = _letters(request, only=only)
        answers = {m.id: m for m in sent}
    rows = []
    for r in reqs:
        disputed = disputed_categories(r)
        # A statement of disagreement is kept with the data challenged: a representative is offered it only
        # where their authority covers that data, else told what it leaves out.
        left_out = request.not_covered.among(disputed)
        replies_sent = [answers[m] for m in replies.get(r.pk, []) if m in answers]
        rows.append((r, answers.get(r.answer_id), bool(disputed), left_out, replies_sent))
    notice = current_policy().notice_at("portal_request")
    return render(
        request,
        "portal/requests.html",
        {
            "rows": rows,
            "disagreement_form": forms.DisagreementForm(notice=notice),
            "notice": notice,
            "limited": limited,
            "own_only": own_only,
            "deadlines": current_policy().deadline_words(),
        },
    )


@page("me/requests/<id:request_id>/disagreement/", name="disagreement")
@portal_required
@post_only("portal:requests")
def disagreement(request, request_id):
    """A statement of disagreement with the data of a challenge we answered by keeping it."""
    req = _requests_shown(request).filter(pk=request_id).first()
    if req is None:
        raise Http404
    if refusal := request.not_covered.refusal(disputed_categories(req)):
        return message_page(request, title=_("Not kept"), message=refusal, status=403)
    form = forms.DisagreementForm(request.POST, notice=current_policy().notice_at("portal_request"))
    if not form.is_valid():
        return message_page(request, title=_("Not kept"), message=form.errors.as_text(), status=400)

    def answer():
        try:
            disagreement_keep(
                request=req,
                statement=form.cleaned_data["statement"],
                submission=Submission(
                    channel="portal",
                    notice_key=form.notice.key,
                    notice_version=form.cleaned_data["notice_version"],
                ),
            )
        except RequestError as exc:
            return message_page(request, title=_("Not kept"), message=str(exc), status=400)
        return message_page(
            request,
            title=_("Kept with your data"),
            message=_(
                "We keep your statement with the data you disagree with and include it whenever we "
                "disclose that data."
            ),
        )

    return once(request, form, answer, again=_kept_already)


@page("me/messages/", name="messages")
@portal_required
def sent_messages(request):
    """Letters and messages we sent you: every e-mail and letter on the outbox's record, with its text; to a
    representative, a letter carrying data outside their authority is listed with what it leaves out."""

    return render(request, "portal/messages.html", {"sent": _letters(request)})


def _letters(request, only=None) -> list:
    """Every message we sent the customer (`sent_to_customer`), each carrying data outside a representative's
    authority with the page's words for what it leaves out, in place of its own. `only`: those messages, on
    the requests the representative made herself, read as hers (`own_requests_actor`)."""
    read = as_me(request)
    if only is not None:
        read["actor"] = own_requests_actor(request.representative)
    return [
        dataclasses.replace(m, not_covered=request.not_covered.among(m.left_out)) if m.left_out else m
        for m in sent_to_customer(**read, only=only)
    ]


@page("me/messages/<id:message_id>/letter.pdf", name="letter_pdf")
@portal_required
def sent_letter_pdf(request, message_id):
    """A letter as it was printed and posted."""

    body = printed_letter(
        **as_me(request),
        message_id=message_id,
    )
    if body is None:
        if left_out := printed_left_out(
            actor=portal_actor(request), customer_id=request.customer_id, message_id=message_id
        ):
            return message_page(
                request,
                title=_("Not within your authority"),
                message=request.not_covered.refusal(left_out),
                status=403,
            )
        raise Http404
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{message_id}.pdf"'
    return response
