"""The API tokens page of the staff console, for IT and the privacy officer: every token with its owner,
kind, expiry and status; issue a token that acts as a member of staff (the secret is shown once): one's own
after re-authenticating, another member's once another administrator approves it (custodian.staff.approvals);
revoke one.
Every change goes through custodian.api.services, which records it in the access log. Tokens for a system job
or a vendor are issued with `manage.py api_token create`."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.api.models import ApiToken
from custodian.api.selectors import api_tokens, token_status
from custodian.api.services import TokenError, api_token_for_member, api_token_revoke
from custodian.staff.decorators import console_required
from custodian.staff.reauth import it_is_them
from custodian.staff.selectors import administers_staff, services_of, staff_users
from custodian.staff.services import StaffAdminError

REFUSAL = gettext_lazy("Only IT and the privacy officer administer API tokens.")


def _rule(actor) -> bool:
    return administers_staff(actor.services)


def _administrators_only(view):
    """Like the console's own pages: signed in with the second factor, then the rule (the navigation asks it
    too, through `console_rule`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not administers_staff(services_of(request.user)):
            raise PermissionDenied(REFUSAL)
        return view(request, *args, **kwargs)

    guarded = console_required(wrapper)
    guarded.console_rule, guarded.console_refusal = _rule, REFUSAL
    return guarded


class IssueForm(forms.Form):
    username = forms.CharField(label="Member of staff (user name): the token acts as them", max_length=150)
    name = forms.CharField(label="What it is for", max_length=100, required=False)
    days = bounds.WholeNumberField(label="Lifetime in days", min_value=1, max_value=366, required=False)
    password = forms.CharField(
        label="A token of your own: your password (or a code from your authenticator app below)",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(label="Code from your authenticator app", max_length=20, required=False)


def _page(request, form, status=200):
    rows = api_tokens(include_inactive=True)
    owner = (request.GET.get("owner") or "").strip()[:150]
    if owner:
        rows = rows.filter(owner__username=owner)
    return render(
        request,
        "api/tokens.html",
        {"rows": [(t, token_status(t)) for t in rows], "form": form, "owner": owner},
        status=status,
    )


@_administrators_only
def tokens(request):
    return _page(request, IssueForm())


@_administrators_only
@require_POST
def token_issue(request):
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    member = staff_users().filter(username=form.cleaned_data["username"], is_active=True).first()
    if member is None:
        form.add_error("username", "No active member of staff has this user name.")
        return _page(request, form, status=400)
    d = form.cleaned_data
    if member.pk == request.user.pk and not it_is_them(request, password=d["password"], code=d["code"]):
        form.add_error("password", "A token of your own needs your password or a current code: not accepted.")
        return _page(request, form, status=400)
    try:
        issued = api_token_for_member(member=member, asked_by=request.user, name=d["name"], days=d["days"])
    except (TokenError, StaffAdminError) as exc:
        form.add_error(None, str(exc))
        return _page(request, form, status=400)
    if not isinstance(issued, tuple):
        messages.info(
            request,
            f"Change {issued.pk} asked: a token acting as {member.get_username()} waits for another "
            "administrator's approval; they and the privacy officer are told. Once approved, issue it here "
            "again.",
        )
        return redirect("tokens:list")
    token, raw = issued
    return render(request, "api/token_issued.html", {"member": member, "token": token, "secret": raw})


@_administrators_only
@require_POST
def token_revoke(request, token_id):
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        return render(request, "console/not_found.html", {"message": "No such token."}, status=404)
    api_token_revoke(token=token, changed_by=request.user)
    messages.success(request, f"Token {token.pk} revoked.")
    return redirect("tokens:list")
