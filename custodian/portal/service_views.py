"""The portal's page for stopping or moving service: the customer asks, customer service carries it out
(the final read, the final bill, the account at the new address). The application notice is shown where
the customer gives an address, and the request records which notice and version it was."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.customers.choices import ServiceChangeKind, ServiceChangeStatus
from custodian.customers.selectors import service_changes_of
from custodian.customers.services import APPLICATION_NOTICE, AccountError, service_change_ask
from custodian.dates import long_date
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.access import portal_actor, portal_required
from custodian.portal.billing_views import _accounts
from custodian.routing import page
from custodian.vault.services import Submission
from custodian.web.steps import form_acted


@page("me/moving/", name="moving")
@portal_required
def moving(request):
    accounts = [a for a in _accounts(request) if a[0].is_open]
    form = forms.ServiceChangeForm(
        request.POST or None, accounts=accounts, initial={"on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data

            def ask():
                change = service_change_ask(
                    customer_id=request.customer_id,
                    account_id=d["account"],
                    kind=d["kind"],
                    on=d["on"],
                    new_service_address=d["new_service_address"] if d["kind"] == "transfer" else "",
                    final_bill_address=d["final_bill_address"],
                    submission=Submission(
                        channel="portal", notice_key=APPLICATION_NOTICE, recorded_by_label="the customer"
                    ),
                    by="customer",
                )
                received = _(
                    "Your request (%(what)s on %(day)s) was received; customer service will confirm it."
                ) % {
                    "what": ServiceChangeKind(change.kind).in_a_sentence,
                    "day": long_date(change.on),
                }
                return received, redirect("portal:moving")

            done = form_acted(request, form, ask, refused=AccountError)
            if done:
                return done
    return render(
        request,
        "portal/moving.html",
        {
            "form": form,
            "has_open": bool(accounts),
            "notice": current_policy().notices[APPLICATION_NOTICE],
            "changes": service_changes_of(fetched_by=portal_actor(request), customer_id=request.customer_id)[
                :20
            ],
            "waiting": ServiceChangeStatus.REQUESTED,
        },
        status=status,
    )
