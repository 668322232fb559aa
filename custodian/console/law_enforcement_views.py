"""Legal authority waiting for its second approver (custodian.disclosures.services.authorities): subpoenas,
court orders and statutory releases, law enforcement requests among them. The page lists them for the privacy
office and legal (the second approver sees those naming them; the privacy officer sees every one), with the
document to read; the named second approver approves one in their own session, saying what they read (what
the document is, who asks, whether that is a law enforcement agency) and proving again that it is them (their
password or a current code), as an approval of a held staff change asks (custodian.console.second_person):
legal authority lets customer data leave the utility without the customer's consent, so neither a name typed
by the first approver nor a session taken over for its 30 minutes is enough to give it."""

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.console.access import console_page, looked_up
from custodian.console.second_person import HeldDecision
from custodian.disclosures.choices import LEGAL_AUTHORITY_KINDS
from custodian.disclosures.selectors import authorities_waiting, authority_to_approve
from custodian.disclosures.services import AccountingError, legal_authority_second_approve
from custodian.disclosures.services.authorities import SECOND_APPROVERS
from custodian.routing import page
from custodian.staff.forms import ItIsYouForm


def approves_law_enforcement(actor) -> bool:
    """The privacy office and legal: who may be named the second approver of a legal authority."""
    return bool(SECOND_APPROVERS & actor.services)


_second_approvers_only = console_page(
    approves_law_enforcement, _("Only the privacy office and legal approve legal authority.")
)

# One waiting for the signed-in member of staff as its named second approver.
_to_approve = looked_up(authority_to_approve, "authority_id")


class AuthorityReadForm(ItIsYouForm):
    """What the second approver read in the document, checked against what was recorded, and their proof."""

    kind = forms.ChoiceField(label=_("What the document is"), choices=[("", "—"), *LEGAL_AUTHORITY_KINDS])
    requester = bounds.ShownTextField(label=_("Who asks, as the document names them"), max_length=200)
    law_enforcement = forms.ChoiceField(
        label=_("Is it from a law enforcement agency?"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
    )

    field_order = ["kind", "requester", "law_enforcement", "password", "code"]


_requests = HeldDecision(
    page="console:law_enforcement",
    template="console/law_enforcement.html",
    rule=_second_approvers_only,
    waiting=authorities_waiting,
    decided=None,
    found=_to_approve,
    approve_url="console:law_enforcement_approve",
    named="legal authority",
    refused=(AccountingError,),
    form=AuthorityReadForm,
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
def law_enforcement_approve(request, authority, *, kind, requester, law_enforcement):
    legal_authority_second_approve(
        authority=authority,
        by=request.user,
        kind=kind,
        requester=requester,
        is_law_enforcement=law_enforcement == "yes",
    )
    return (
        f"Legal authority {authority.pk} approved: it now covers a disclosure. "
        f"{authority.approved_by.get_username()} is told."
    )
