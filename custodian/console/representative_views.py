"""The console's pages for authorised representatives: a customer's representatives, registering one from
the document that gives the authority, verifying it (a second staff member) and revoking it. Customer
service and the privacy officer; anyone else gets the not-found answer."""

from django.shortcuts import redirect, render
from django.urls import reverse

from custodian.bounds import takes_a_file
from custodian.casework.representatives import (
    Authority,
    RepresentativeError,
    representative_register,
    representative_revoke,
    representative_verify,
    representatives_of,
)
from custodian.casework.selectors import representative_for
from custodian.console import forms
from custodian.console.access import console_actor, looked_up, not_found, registers_representatives
from custodian.console.steps import step_form, steps_on
from custodian.customers.choices import CustomerClass
from custodian.customers.selectors import customer_for
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.staff.decorators import console_required
from custodian.web.steps import form_acted


@page("customers/<id:customer_id>/representatives/", name="representatives")
@takes_a_file
@console_required
def representatives(request, customer_id):
    if not registers_representatives(console_actor(request)):
        return not_found(request)
    customer = customer_for(fetched_by=console_actor(request), customer_id=customer_id)
    if customer is None or customer.customer_class == CustomerClass.INQUIRER:
        return not_found(request)
    form = forms.RepresentativeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def register():
            d = form.cleaned_data
            representative_register(
                authority=Authority(
                    customer_id=customer.pk,
                    kind=d["kind"],
                    scope=d["scope"],
                    categories=d["categories"],
                    name=d["name"],
                    email=d["email"],
                    document=d["document"].read(),
                    document_name=d["document"].name,
                    media_type=d["document"].content_type or "application/octet-stream",
                    expires_on=d["expires_on"],
                    channel=d["channel"],
                ),
                by=request.user,
            )
            registered = "Registered. Another staff member verifies the document to put it in force."
            return registered, redirect("console:representatives", customer_id=customer.pk)

        done = form_acted(request, form, register, refused=RepresentativeError)
        if done:
            return done
    # Drawn again with the form's errors or the service's refusal: 400, as every form drawn again.
    return render(
        request,
        "console/representatives.html",
        {
            "customer": customer,
            # Each representative with the form that revokes it: the one sent comes back with what was typed.
            "representatives": [
                (
                    r,
                    step_form(
                        request,
                        forms.RevokeForm,
                        "console:representative_revoke",
                        r.pk,
                        auto_id=f"revoke-{r.pk}-%s",
                    ),
                )
                for r in representatives_of(customer.pk)
            ],
            "form": form,
            "notice": current_policy().notice_at("representative"),
        },
        status=400 if request.method == "POST" else 200,
    )


# A step on a customer's representatives page, taken on one representative; the service's refusal is shown in
# its own words.
_representative_step = steps_on(
    "console:representatives",
    rule=console_required,
    found=looked_up(representative_for, "representative_id"),
    url_key="customer_id",
    key_of="customer_id",
    refused=RepresentativeError,
)


@page("representatives/<id:representative_id>/verify/", name="representative_verify")
@_representative_step()
def representative_verify_view(request, rep, d):
    representative_verify(
        rep=rep,
        by=request.user,
        invite_url=lambda t: request.build_absolute_uri(reverse("portal:representative_setup", args=[t])),
    )
    return "Verified and in force; the representative was invited to set up a sign-in."


@page("representatives/<id:representative_id>/revoke/", name="representative_revoke")
@_representative_step(forms.RevokeForm, failed="Not revoked")
def representative_revoke_view(request, rep, d):
    representative_revoke(rep=rep, by=request.user, reason=d["reason"])
    return "Revoked: the representative can no longer act for the customer."
