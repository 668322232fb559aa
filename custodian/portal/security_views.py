"""The portal's sign-in security page: change the password, and switch an authenticator app on or off, each
with the current password in the same form (custodian.portal.sign_in_security); and the page where a limited
online account enters the code from our letter, or asks for a new letter (custodian.portal.mailed_code)."""

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from custodian.portal import forms
from custodian.portal.access import portal_required
from custodian.portal.mailed_code import (
    CODE_TRIES,
    LETTER_PERIOD,
    LETTERS_PER_PERIOD,
    LimitError,
    code_expiry,
    code_letter_again,
    letters_left,
    limit_lift,
    too_many,
)
from custodian.portal.sign_in_security import (
    password_checks,
    portal_authenticator_off,
    portal_authenticator_on,
    portal_password_change,
)
from custodian.routing import page
from custodian.staff import mfa
from custodian.staff.sessions import second_factor_passed
from custodian.web.protection import failures_reached, rate_limited

# The security page's three forms, each asking for the current password: which one a POST is ("change"),
# its form class and its prefix (the three share the page, so their fields' ids must differ).
SECURITY_FORMS = {
    "authenticator_on": forms.AuthenticatorOnForm,
    "authenticator_off": forms.AuthenticatorOffForm,
    "password": forms.PasswordChangeForm,
}


@page("me/security/", name="security")
@portal_required
def security(request):
    """The customer's own sign-in: change the password, and (optionally) an authenticator app as well as the
    password. Every change asks for the current password in the same form."""
    account = request.user.portal_account
    enabled = mfa.has_confirmed_totp(request.user)
    bound = {}
    change = request.POST.get("change") if request.method == "POST" else None
    offered = change in SECURITY_FORMS and (
        change == "password" or (change == "authenticator_off") == enabled
    )
    if request.method == "POST" and not offered:
        # Only the page's forms make a change: anything else (a form of the page as it was before the
        # authenticator was turned on or off) changes nothing, and the page is drawn again as it is now.
        messages.error(request, _("Nothing changed: use one of the forms on this page as it is now."))
    if offered:
        form = SECURITY_FORMS[change](request.POST, prefix=change)
        bound[change] = form
        if form.is_valid() and not password_checks(request, form.cleaned_data["password"]):
            form.add_error("password", _("That is not your current password."))
        if form.is_valid():
            done = _security_change(request, account, change, form)
            if done is not None:
                return done
    forms_shown = {
        key: bound.get(key) or cls(prefix=key)
        for key, cls in SECURITY_FORMS.items()
        if key == "password" or (key == "authenticator_off") == enabled
    }
    device = None
    if not enabled:
        device = (
            mfa.totp_enrolment_pending(user=request.user)
            if request.method == "POST"
            else mfa.totp_enrolment_start(user=request.user)
        )
    return render(
        request,
        "portal/security.html",
        {
            "enabled": enabled,
            "forms": forms_shown,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5) if device else None,
            "secret": mfa.totp_secret_b32(device) if device else "",
        },
        status=400 if request.method == "POST" else 200,
    )


def _security_change(request, account, change: str, form):
    """Make the change a valid form (current password checked) asks for; the response, or None when the
    authenticator's code does not match (the form then says so)."""
    if change == "authenticator_on":
        codes = portal_authenticator_on(account=account, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code", _("That code does not match; scan the QR code again and enter the current code.")
            )
            return None
        second_factor_passed(request, mfa.confirmed_totp(request.user))
        messages.success(
            request, _("Your authenticator app is on: every sign-in now asks for its code. We e-mailed you.")
        )
        return render(request, "portal/recovery_codes.html", {"codes": codes})
    if change == "authenticator_off":
        portal_authenticator_off(account=account)
        messages.success(
            request, _("Your authenticator app is off: sign-in asks for the password only. We e-mailed you.")
        )
    else:
        portal_password_change(account=account, password=form.cleaned_data["new_password"])
        update_session_auth_hash(request, request.user)  # this session stays signed in
        messages.success(request, _("Your new password is set. We e-mailed you about the change."))
    return redirect("portal:security")


# Wrong codes from one network, whatever the account (each account also stops after CODE_TRIES of its own).
CODE_SCOPE, CODE_FAILURES_PER_ADDRESS = "portal-mailed-code", 10


@page("me/code-from-our-letter/", name="limit_lift")
@portal_required
def limit_lift_view(request):
    """A limited account enters the code from the letter mailed to the mailing address on file (or asks for
    a new letter); the limit is lifted and the customer may then do everything in My account."""
    account = request.user.portal_account
    form = forms.MailedCodeForm(request.POST if request.POST.get("step") == "code" else None)
    status = 200
    if request.method == "POST" and account.limited:
        if request.POST.get("step") == "letter":
            try:
                code_letter_again(account_id=account.pk, page_language=request.LANGUAGE_CODE)
            except LimitError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("We are mailing a new letter with a new code to your mailing address.")
                )
            return redirect("portal:limit_lift")
        if failures_reached(request, scope=CODE_SCOPE, limit=CODE_FAILURES_PER_ADDRESS):
            form.add_error(None, _("Too many attempts from your network. Try again in an hour."))
            return render(request, "portal/limit_lift.html", _lift_page(account, form), status=429)
        if form.is_valid():
            try:
                limit_lift(account_id=account.pk, code=form.cleaned_data["code"])
            except LimitError as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, _("Thank you: My account is no longer limited."))
                return redirect("portal:home")
        rate_limited(request, scope=CODE_SCOPE, limit=CODE_FAILURES_PER_ADDRESS, window_seconds=3600)
        status = 400
    return render(request, "portal/limit_lift.html", _lift_page(account, form), status=status)


def _lift_page(account, form) -> dict:
    expiry = code_expiry(account)
    left = letters_left(account) if account.limited else 0
    return {
        "account": account,
        "form": form,
        "expires": expiry,
        "tries": CODE_TRIES,
        "letters_most": LETTERS_PER_PERIOD,
        "letters_days": LETTER_PERIOD.days,
        "no_more_letters": too_many() if account.limited and left <= 0 else "",
    }
