"""Law enforcement requests waiting for their second approver (custodian.disclosures.services.authorities):
the page lists them for the privacy office and legal (the second approver sees those naming them; the
privacy officer sees every one), with the request's document to read; the named second approver approves
one in their own session, proving again that it is them (their password or a current code), as an approval
of a held staff change asks (custodian.console.second_person): a law enforcement request lets customer data
leave the utility, so neither a name typed by the first approver nor a session taken over for its 30 minutes
is enough to give it."""

from django.http import HttpResponse

from custodian.console.access import console_page, looked_up
from custodian.console.second_person import HeldDecision
from custodian.disclosures.selectors import law_enforcement_to_approve, law_enforcement_waiting
from custodian.disclosures.services import AccountingError, legal_authority_second_approve
from custodian.disclosures.services.authorities import SECOND_APPROVERS
from custodian.routing import page


def approves_law_enforcement(actor) -> bool:
    """The privacy office and legal: who may be named the second approver of a law enforcement request."""
    return bool(SECOND_APPROVERS & actor.services)


_second_approvers_only = console_page(
    approves_law_enforcement, "Only the privacy office and legal approve law enforcement requests."
)

# One waiting for the signed-in member of staff as its named second approver.
_to_approve = looked_up(law_enforcement_to_approve, "authority_id")

_requests = HeldDecision(
    page="console:law_enforcement",
    template="console/law_enforcement.html",
    rule=_second_approvers_only,
    waiting=law_enforcement_waiting,
    decided=None,
    found=_to_approve,
    approve_url="console:law_enforcement_approve",
    named="law enforcement request",
    refused=(AccountingError,),
)


@page("privacy/disclosures/law-enforcement/", name="law_enforcement")
@_second_approvers_only
def law_enforcement(request):
    return _requests.page_drawn(request)


@page("privacy/disclosures/law-enforcement/<id:authority_id>/document/", name="law_enforcement_document")
@_second_approvers_only
@_to_approve
def law_enforcement_document(request, authority):
    response = HttpResponse(bytes(authority.document), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{authority.document_name}"'
    return response


@page("privacy/disclosures/law-enforcement/<id:authority_id>/approve/", name="law_enforcement_approve")
@_requests.approve_step
def law_enforcement_approve(request, authority):
    legal_authority_second_approve(authority=authority, by=request.user)
    return (
        f"Law enforcement request {authority.pk} approved: it now covers a disclosure. "
        f"{authority.approved_by.get_username()} is told."
    )
