"""A customer's representative in the portal: the invitation that sets up their sign-in or adds a further
authority to the one they have, and the page where they choose whom they act for (or themselves)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from custodian.casework.representatives import (
    RepresentativeError,
    invitation_opened,
    representative_actor,
    represented_by,
)
from custodian.customers.account_numbers import account_numbers
from custodian.netaddr import client_ip
from custodian.portal import forms
from custodian.portal.access import ACTING_FOR, message_page, portal_required, signed_in_account
from custodian.portal.services import (
    representative_authority_join,
    representative_authority_joinable,
    representative_sign_in_create,
)
from custodian.routing import page


def _represented_account_number(request, rep) -> str:
    """The account number of the customer a representative may act for, read through the gate as the
    representative (within their authority's data, for providing services); "" when the authority leaves it
    out. The customer's internal id is never shown."""
    if "account_number" not in rep.category_list:
        return ""
    number = account_numbers(
        actor=representative_actor(rep),
        customer_ids=[rep.customer_id],
        purpose="providing_services",
        client_ip=client_ip(request),
    )
    return number.get(rep.customer_id, "")


@page("me/act-for/", name="act_for")
@portal_required
def act_for(request):
    """Act for a customer you represent (within your authority, until it ends), or as yourself."""
    account = request.user.portal_account
    authorities = represented_by(account.customer_id)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("authority")
        rep = next((r for r in authorities if str(r.pk) == chosen), None)
        if chosen == "":
            request.session.pop(ACTING_FOR, None)
            return redirect("portal:home")
        if rep is not None:
            request.session[ACTING_FOR] = rep.pk
            return redirect("portal:home")
        # Only the page's choices change whom you act for: anything else (an authority ended since the page
        # was drawn) changes nothing, and the page is drawn again with what there is to choose now.
        messages.error(request, _("Nothing changed: choose yourself or an authority listed here."))
        status = 400
    return render(
        request,
        "portal/act_for.html",
        {
            "authorities": [
                (
                    r,
                    _represented_account_number(request, r),
                    r.scope_labels,
                    r.category_labels,
                )
                for r in authorities
            ],
            "acting": request.session.get(ACTING_FOR),
        },
        status=status,
    )


@page("representative/<str:token>/", name="representative_setup")
def representative_setup(request, token):
    """A representative's invitation: set a password for a sign-in of their own; or, opened signed in with
    the address it reached (a second authority), add the authority to that sign-in."""
    form = forms.RepresentativeSetupForm(request.POST or None)
    try:
        invitation_opened(token)
    except RepresentativeError as exc:
        return message_page(request, title=_("Link not valid"), message=str(exc), status=400)
    account = signed_in_account(request)
    if account is not None:
        return _authority_join(request, token, account)
    if request.method == "POST" and form.is_valid():
        try:
            representative_sign_in_create(token=token, password=form.cleaned_data["password"])
        except RepresentativeError as exc:
            form.add_error(None, str(exc))
        else:
            return message_page(
                request,
                title=_("Ready"),
                message=_("Your sign-in is ready. Sign in with your e-mail address."),
                sign_in=True,
            )
    sign_in = f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}"
    return render(request, "portal/representative_setup.html", {"form": form, "sign_in": sign_in})


def _authority_join(request, token, account):
    """Signed in: the page offers to add the authority only when the join would (the same check, shown
    straight away when it refuses); the POST adds it."""
    try:
        if request.method != "POST":
            representative_authority_joinable(token=token, account=account)
            return render(request, "portal/representative_join.html", {})
        representative_authority_join(token=token, account=account)
    except RepresentativeError as exc:
        return message_page(request, title=_("Not added"), message=str(exc), status=400)
    messages.success(request, _("The authority is added to your sign-in: choose whom you act for here."))
    return redirect("portal:act_for")
