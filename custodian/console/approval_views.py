"""Decisions held for a second person (custodian.console.second_person). Staff changes
(custodian.staff.approvals): the approvals page, for IT and the privacy officer, lists the changes waiting
(who asked what for whom, until when) and the latest decided; an administrator independent of the asker and
of the member concerned (custodian.staff.independence) approves one, and any administrator declines one (the
asker withdraws theirs this way). Vendor determinations (custodian.disclosures.services.vendors): the page of
determinations to approve, for the privacy office and legal, lists those waiting and the latest decided; a
second person independent of the one who recorded it approves one, and either declines one. The services
refuse the rest in their own words."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.console import access
from custodian.console.access import console_page, looked_up
from custodian.console.second_person import HeldDecision
from custodian.disclosures.selectors import (
    determination_waiting_for,
    determinations_decided,
    determinations_waiting,
)
from custodian.disclosures.services import AccountingError, determination_approve, determination_decline
from custodian.routing import page
from custodian.staff import approvals
from custodian.staff.selectors import staff_change_for, staff_changes_decided, staff_changes_pending
from custodian.staff.services import StaffAdminError, UnknownService

_administrators_only = console_page(
    access.administers_staff, _("Only IT and the privacy officer decide on changes to staff accounts.")
)

_changes = HeldDecision(
    page="console:staff_changes",
    template="console/staff_changes.html",
    rule=_administrators_only,
    waiting=staff_changes_pending,
    decided=staff_changes_decided,
    found=looked_up(staff_change_for, "change_id"),
    approve_url="console:staff_change_approve",
    named="change",
    refused=(StaffAdminError, UnknownService),
)


@page("people/changes/", name="staff_changes")
@_administrators_only
def staff_changes(request):
    return _changes.page_drawn(request, now=timezone.now())


@page("people/changes/<id:change_id>/approve/", name="staff_change_approve")
@_changes.approve_step
def staff_change_approve(request, change):
    approvals.staff_change_approve(change=change, by=request.user)
    return (
        f"Change {change.pk} approved and made; {change.subject.get_username()} and the privacy officer are "
        "told."
    )


@page("people/changes/<id:change_id>/decline/", name="staff_change_decline")
@_changes.decline_step
def staff_change_decline(request, change):
    approvals.staff_change_decline(change=change, by=request.user)
    return f"Change {change.pk} declined; nothing was changed. Those concerned are told."


_second_persons_only = console_page(
    access.approves_determinations, _("Only the privacy office and legal approve vendor determinations.")
)

_determinations = HeldDecision(
    page="console:determinations",
    template="console/determinations.html",
    rule=_second_persons_only,
    waiting=determinations_waiting,
    decided=determinations_decided,
    found=looked_up(determination_waiting_for, "determination_id"),
    approve_url="console:determination_approve",
    named="determination",
    refused=(AccountingError,),
    form_id="approve-determination",
)


@page("privacy/determinations/", name="determinations")
@_second_persons_only
def determinations(request):
    return _determinations.page_drawn(request)


@page("privacy/determinations/<id:determination_id>/approve/", name="determination_approve")
@_determinations.approve_step
def determination_approve_view(request, determination):
    determination_approve(determination=determination, by=request.user)
    return (
        f"Determination {determination.pk} approved: exports to {determination.vendor.name} may run under "
        "it. The privacy officer and the one who recorded it are told."
    )


@page("privacy/determinations/<id:determination_id>/decline/", name="determination_decline")
@_determinations.decline_step
def determination_decline_view(request, determination):
    determination_decline(determination=determination, by=request.user)
    return f"Determination {determination.pk} declined: it never takes effect. Those concerned are told."
