"""Decisions held for a second person. Staff changes (custodian.staff.approvals): the approvals page, for IT
and the privacy officer, lists the changes waiting (who asked what for whom, until when) and the latest
decided; an administrator independent of the asker and of the member concerned
(custodian.staff.independence) approves one, and any administrator declines one (the asker withdraws theirs
this way). Vendor determinations (custodian.disclosures.services.vendors): the page of determinations to
approve, for the privacy office and legal, lists those waiting and the latest decided; a second person
independent of the one who recorded it approves one, and either declines one. The services refuse the rest
in their own words.

Approving asks the approver to prove again that it is them (their password or a current code): an approval
widens someone's access, or lets customer data leave for a vendor, so a session taken over for its 30 minutes
must not be enough to give it."""

from django.shortcuts import render
from django.utils import timezone

from custodian.console import access
from custodian.console.access import console_page, looked_up
from custodian.console.steps import step_form, steps_on
from custodian.disclosures.selectors import (
    determination_waiting_for,
    determinations_decided,
    determinations_waiting,
)
from custodian.disclosures.services import AccountingError, determination_approve, determination_decline
from custodian.routing import page
from custodian.staff import approvals
from custodian.staff.forms import ItIsYouForm
from custodian.staff.reauth import it_is_them
from custodian.staff.selectors import staff_change_for, staff_changes_decided, staff_changes_pending
from custodian.staff.services import StaffAdminError, UnknownService

_administrators_only = console_page(
    access.administers_staff, "Only IT and the privacy officer decide on changes to staff accounts."
)


@page("people/changes/", name="staff_changes")
@_administrators_only
def staff_changes(request):
    actor = access.console_actor(request)
    return render(
        request,
        "console/staff_changes.html",
        {
            "pending": [
                (change, _approve_form(request, change)) for change in staff_changes_pending(fetched_by=actor)
            ],
            "decided": staff_changes_decided(fetched_by=actor),
            "now": timezone.now(),
        },
    )


class NotThem(Exception):
    """The approver's password or code was not accepted."""


def _approve_form(request, change):
    return step_form(
        request, ItIsYouForm, "console:staff_change_approve", change.pk, auto_id=f"approve-{change.pk}-%s"
    )


_change_step = steps_on(
    "console:staff_changes",
    rule=_administrators_only,
    found=looked_up(staff_change_for, "change_id"),
    refused=(StaffAdminError, UnknownService),
)


@page("people/changes/<id:change_id>/approve/", name="staff_change_approve")
@_change_step(ItIsYouForm, refused=(StaffAdminError, UnknownService, NotThem))
def staff_change_approve(request, change, d):
    if not it_is_them(request, **d):  # a wrong password counts towards the approver's lockout, as at sign-in
        raise NotThem(f"Your password or code was not accepted: change {change.pk} is still waiting.")
    approvals.staff_change_approve(change=change, by=request.user)
    return (
        f"Change {change.pk} approved and made; {change.subject.get_username()} and the privacy officer are "
        "told."
    )


@page("people/changes/<id:change_id>/decline/", name="staff_change_decline")
@_change_step()
def staff_change_decline(request, change, d):
    approvals.staff_change_decline(change=change, by=request.user)
    return f"Change {change.pk} declined; nothing was changed. Those concerned are told."


_second_persons_only = console_page(
    access.approves_determinations, "Only the privacy office and legal approve vendor determinations."
)


@page("privacy/determinations/", name="determinations")
@_second_persons_only
def determinations(request):
    actor = access.console_actor(request)
    return render(
        request,
        "console/determinations.html",
        {
            "waiting": [
                (d, _determination_form(request, d)) for d in determinations_waiting(fetched_by=actor)
            ],
            "decided": determinations_decided(fetched_by=actor),
        },
    )


def _determination_form(request, determination):
    return step_form(
        request,
        ItIsYouForm,
        "console:determination_approve",
        determination.pk,
        auto_id=f"approve-determination-{determination.pk}-%s",
    )


_determination_step = steps_on(
    "console:determinations",
    rule=_second_persons_only,
    found=looked_up(determination_waiting_for, "determination_id"),
    refused=AccountingError,
)


@page("privacy/determinations/<id:determination_id>/approve/", name="determination_approve")
@_determination_step(ItIsYouForm, refused=(AccountingError, NotThem))
def determination_approve_view(request, determination, d):
    if not it_is_them(request, **d):
        raise NotThem(
            f"Your password or code was not accepted: determination {determination.pk} is still waiting."
        )
    determination_approve(determination=determination, by=request.user)
    return (
        f"Determination {determination.pk} approved: exports to {determination.vendor.name} may run under "
        "it. The privacy officer and the one who recorded it are told."
    )


@page("privacy/determinations/<id:determination_id>/decline/", name="determination_decline")
@_determination_step()
def determination_decline_view(request, determination, d):
    determination_decline(determination=determination, by=request.user)
    return f"Determination {determination.pk} declined: it never takes effect. Those concerned are told."
