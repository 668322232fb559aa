"""Law enforcement requests waiting for their second approver (custodian.disclosures.services.authorities):
the page lists them for the privacy office and legal (the second approver sees those naming them; the
privacy officer sees every one), with the request's document to read; the named second approver approves
one in their own session, proving again that it is them (their password or a current code), as an approval
of a held staff change asks: a law enforcement request lets customer data leave the utility, so neither a
name typed by the first approver nor a session taken over for its 30 minutes is enough to give it."""

from django.http import HttpResponse
from django.shortcuts import render

from custodian.console.access import console_actor, console_page, looked_up
from custodian.console.approval_views import NotThem
from custodian.console.steps import step_form, steps_on
from custodian.disclosures.selectors import law_enforcement_to_approve, law_enforcement_waiting
from custodian.disclosures.services import AccountingError, legal_authority_second_approve
from custodian.disclosures.services.authorities import SECOND_APPROVERS
from custodian.routing import page
from custodian.staff.forms import ItIsYouForm
from custodian.staff.reauth import it_is_them


def approves_law_enforcement(actor) -> bool:
    """The privacy office and legal: who may be named the second approver of a law enforcement request."""
    return bool(SECOND_APPROVERS & actor.services)


_second_approvers_only = console_page(
    approves_law_enforcement, "Only the privacy office and legal approve law enforcement requests."
)


@page("privacy/disclosures/law-enforcement/", name="law_enforcement")
@_second_approvers_only
def law_enforcement(request):
    me = request.user.pk
    waiting = law_enforcement_waiting(fetched_by=console_actor(request))
    return render(
        request,
        "console/law_enforcement.html",
        {
            "waiting": [
                (a, _approve_form(request, a) if a.second_approver_id == me else None) for a in waiting
            ],
        },
    )


def _approve_form(request, authority):
    return step_form(
        request,
        ItIsYouForm,
        "console:law_enforcement_approve",
        authority.pk,
        auto_id=f"approve-{authority.pk}-%s",
    )


@page("privacy/disclosures/law-enforcement/<id:authority_id>/document/", name="law_enforcement_document")
@_second_approvers_only
@looked_up(law_enforcement_to_approve, "authority_id")
def law_enforcement_document(request, authority):
    response = HttpResponse(bytes(authority.document), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{authority.document_name}"'
    return response


_step = steps_on(
    "console:law_enforcement",
    rule=_second_approvers_only,
    found=looked_up(law_enforcement_to_approve, "authority_id"),
    refused=AccountingError,
)


@page("privacy/disclosures/law-enforcement/<id:authority_id>/approve/", name="law_enforcement_approve")
@_step(ItIsYouForm, refused=(AccountingError, NotThem))
def law_enforcement_approve(request, authority, d):
    if not it_is_them(request, **d):  # a wrong password counts towards the approver's lockout, as at sign-in
        raise NotThem(
            f"Your password or code was not accepted: law enforcement request {authority.pk} is still "
            "waiting."
        )
    legal_authority_second_approve(authority=authority, by=request.user)
    return (
        f"Law enforcement request {authority.pk} approved: it now covers a disclosure. "
        f"{authority.approved_by.get_username()} is told."
    )
