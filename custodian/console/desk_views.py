"""The steps of working a request at the desk: taking it, giving it to a colleague (the service's lead),
adding a note and sending the customer a reply. Each is one service call through `steps.request_step`,
back to the request's page with what happened."""

from django.contrib.auth import get_user_model

from custodian.casework.desk import note_add, reply_send, request_assign, request_take
from custodian.casework.recipients import reply_sent
from custodian.console import forms
from custodian.console.steps import request_step
from custodian.netaddr import client_ip
from custodian.routing import page
from custodian.staff.selectors import service_members


@page("requests/<id:request_id>/take/", name="request_take")
@request_step()
def request_take_view(request, req, d):
    request_take(request=req, by=request.user)
    return f"Request #{req.pk} is yours: it shows under “Assigned to me” in the queue."


@page("requests/<id:request_id>/assign/", name="request_assign")
@request_step(
    forms.AssignForm,
    form_kwargs=lambda req: {"members": service_members(req.owning_service)},
    invalid="Choose a colleague of the service that owns it.",
)
def request_assign_view(request, req, d):
    to = get_user_model().objects.get(pk=d["to"])
    request_assign(request=req, to=to, by=request.user)
    return f"Request #{req.pk} given to {to.get_full_name() or to.get_username()}."


@page("requests/<id:request_id>/note/", name="request_note")
@request_step(forms.NoteForm, invalid="Write the note (at most 4,000 characters).")
def request_note_view(request, req, d):
    note_add(request=req, by=request.user, text=d["text"])
    return "Note added, sealed with the customer's data."


@page("requests/<id:request_id>/reply/", name="request_reply")
@request_step(forms.ReplyForm, invalid="Write the reply (at most 6,000 characters).")
def request_reply_view(request, req, d):
    message = reply_send(request=req, by=request.user, body=d["body"], client_ip=client_ip(request))
    return reply_sent(req, message)
