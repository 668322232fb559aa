"""The steps of working a request at the desk: taking it, giving it to a colleague (the service's lead),
adding a note and sending the customer a reply. Each is one service call through `steps.on_request_page`,
back to the request's page with what happened."""

from django.contrib.auth import get_user_model
from django.views.decorators.http import require_POST

from custodian.casework.desk import note_add, reply_send, request_assign, request_take
from custodian.console import forms
from custodian.console.access import not_found, request_owned
from custodian.console.steps import on_request_page
from custodian.netaddr import client_ip
from custodian.staff.decorators import console_required
from custodian.staff.selectors import service_members


@console_required
@require_POST
def request_take_view(request, request_id):
    req = request_owned(request, request_id)
    if req is None:
        return not_found(request)

    def take():
        request_take(request=req, by=request.user)
        return f"Request #{req.pk} is yours: it shows under “Assigned to me” in the queue."

    return on_request_page(request, req, take)


@console_required
@require_POST
def request_assign_view(request, request_id):
    req = request_owned(request, request_id)
    if req is None:
        return not_found(request)
    form = forms.AssignForm(request.POST, members=service_members(req.owning_service))

    def assign():
        to = get_user_model().objects.get(pk=form.cleaned_data["to"])
        request_assign(request=req, to=to, by=request.user)
        return f"Request #{req.pk} given to {to.get_full_name() or to.get_username()}."

    return on_request_page(
        request, req, assign, form=form, invalid="Choose a colleague of the service that owns it."
    )


@console_required
@require_POST
def request_note_view(request, request_id):
    req = request_owned(request, request_id)
    if req is None:
        return not_found(request)
    form = forms.NoteForm(request.POST)

    def note():
        note_add(request=req, by=request.user, text=form.cleaned_data["text"])
        return "Note added, sealed with the customer's data."

    return on_request_page(
        request, req, note, form=form, invalid="Write the note (at most 4,000 characters)."
    )


@console_required
@require_POST
def request_reply_view(request, request_id):
    req = request_owned(request, request_id)
    if req is None:
        return not_found(request)
    form = forms.ReplyForm(request.POST)

    def reply():
        message = reply_send(
            request=req, by=request.user, body=form.cleaned_data["body"], client_ip=client_ip(request)
        )
        how = "by e-mail" if message.channel == "email" else "by letter"
        return (
            f"Reply sent {how} ({message.get_status_display().lower()}); the customer sees it in the "
            "portal under the request."
        )

    return on_request_page(
        request, req, reply, form=form, invalid="Write the reply (at most 6,000 characters)."
    )
