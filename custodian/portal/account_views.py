"""The portal's account pages: sign-up (account number, bill figure, e-mail confirmation), sign-in, the
optional second factor at sign-in, re-authentication, a new e-mail address's confirmation. The sign-in's
security page is `security_views`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from custodian.netaddr import client_ip, rate_subject
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.access import message_page, portal_required
from custodian.portal.email_change import EmailChangeError, email_change_asked, email_change_confirm
from custodian.portal.held_form import held_drop
from custodian.portal.password_reset import (
    RESET_HOURS,
    portal_password_reset_request,
    portal_password_set,
    reset_account,
)
from custodian.portal.services import (
    NOT_MATCHED,
    Enrolment,
    EnrolmentError,
    confirmation_account,
    login_name,
    portal_confirm,
    portal_enrol,
)
from custodian.redirects import safe_next
from custodian.routing import page
from custodian.staff import mfa
from custodian.staff.forms import CodeForm
from custodian.staff.sessions import privilege_raised, second_factor_passed
from custodian.vault.normalize import normalize
from custodian.web.after_response import redirect_then
from custodian.web.languages import url_in_language
from custodian.web.protection import failures_reached, over_limit, rate_limited
from custodian.web.steps import drawn_status


@page("enrol/", name="enrol")
def enrol(request):
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # The bill figure is a small secret: a few tries per network and per account number a day, so it
        # can't be guessed by trying every value (`account_rate_limited`).
        if rate_limited(request, scope="enrol", limit=10, window_seconds=24 * 3600) or account_rate_limited(
            request, d["account_number"]
        ):
            form.add_error(None, _("Too many attempts. Try again tomorrow, or call us to sign up."))
            return render(
                request,
                "portal/enrol.html",
                {"form": form, "notice": current_policy().notice_at("portal_sign_up")},
                status=429,
            )
        try:
            sent = portal_enrol(
                enrolment=Enrolment(**d),
                confirm_url=lambda t, language: url_in_language(
                    request, reverse("portal:confirm", args=[t]), language
                ),
                page_language=request.LANGUAGE_CODE,
            )
            if not sent:  # online already (its holder told): the answer a wrong figure gets
                raise EnrolmentError(NOT_MATCHED)
        except EnrolmentError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "portal/enrol_sent.html", {"email": d["email"]})
    return render(
        request,
        "portal/enrol.html",
        {"form": form, "notice": current_policy().notice_at("portal_sign_up")},
        status=drawn_status(form),
    )


# Sign-up tries a day for one account number: from one network, and from all networks together. Five from
# anywhere let anyone holding a customer's account number shut the customer out of signing up every day with
# five wrong figures; now that takes twenty, from at least four networks, while a guesser still gets no more
# than twenty tries at the figure a day (docs/decisions.md, "Sign-up's tries per account number").
TRIES_PER_NETWORK = 5
TRIES_FROM_ANYWHERE = 20


def account_rate_limited(request, account_number: str) -> bool:
    """TRIES_PER_NETWORK sign-up attempts per account number a day from the client's network, and
    TRIES_FROM_ANYWHERE from any; each attempt counted in both."""
    number = normalize("account_number", account_number)
    network = rate_subject(client_ip(request)) or "unknown"
    day = 24 * 3600
    here = over_limit(
        scope="enrol-account-network",
        subject=f"{number}|{network}",
        limit=TRIES_PER_NETWORK,
        window_seconds=day,
    )
    anywhere = over_limit(
        scope="enrol-account", subject=number, limit=TRIES_FROM_ANYWHERE, window_seconds=day
    )
    return here or anywhere


@page("confirm/<str:token>/", name="confirm")
def confirm(request, token):
    """A sign-up's confirmation link: opening it shows a button (mail scanners open links); the button
    confirms."""
    try:
        account = confirmation_account(token)
    except EnrolmentError as exc:
        return message_page(request, title=_("Link not valid"), message=str(exc), status=400)
    if request.method == "POST" and account.confirmed_at is None:
        portal_confirm(token=token, page_language=request.LANGUAGE_CODE)
        messages.success(request, _("The sign-up is confirmed. Sign in with the address you signed up with."))
        return redirect("portal:login")
    if account.confirmed_at is not None:
        return message_page(
            request,
            title=_("Confirmed"),
            message=_("This sign-up is confirmed already. Sign in with the address you signed up with."),
            sign_in=True,
        )
    return render(
        request,
        "portal/confirm_link.html",
        {
            "title": _("Confirm the sign-up for My account"),
            "message": _(
                "Someone, probably you or someone in your household, signed up for online access to this "
                "utility account. Confirm only if you know about it: the sign-in then sees the account's "
                "bills, usage and details. If you don't know about it, close this page: nothing happens."
            ),
            "button": _("Confirm the sign-up"),
        },
    )


@page("contact/confirm/<str:token>/", name="email_confirm")
def email_confirm(request, token):
    """A new e-mail address's confirmation link: opening it shows a button; the button records the address."""
    try:
        email_change_asked(token)
    except EmailChangeError as exc:
        return message_page(request, title=_("Link not valid"), message=str(exc), status=400)
    if request.method == "POST":
        email_change_confirm(token=token, page_language=request.LANGUAGE_CODE)
        return message_page(
            request,
            title=_("E-mail address changed"),
            message=_(
                "Saved: this is now your e-mail address on file; bills and notices come here. We told the "
                "address it replaces."
            ),
        )
    return render(
        request,
        "portal/confirm_link.html",
        {
            "title": _("Confirm your new e-mail address"),
            "message": _(
                "Confirm to make this the e-mail address where we send your bills and notices. If you did "
                "not ask for this, close this page: nothing changes."
            ),
            "button": _("Confirm the new address"),
        },
    )


# Failed sign-ins from one address (an IPv6 one by its /64) in ten minutes, whatever the accounts tried.
SIGN_IN_SCOPE = "portal-sign-in"
SIGN_IN_FAILURES_PER_ADDRESS = 30


@page("sign-in/", name="login")
def sign_in(request):
    form = forms.SignInForm(request.POST or None)
    # Lockout counts failures per account (django-axes, its page: staff.lockout.locked_out); one address
    # failing on many accounts is slowed here, its failures (never its successes: a household or an office
    # behind one address signs in often) counted under a salted hash of the address, never stored.
    if request.method == "POST" and failures_reached(
        request, scope=SIGN_IN_SCOPE, limit=SIGN_IN_FAILURES_PER_ADDRESS
    ):
        form.add_error(None, _("Too many sign-in attempts from your network. Try again in a few minutes."))
        return render(request, "portal/sign_in.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=login_name(form.cleaned_data["email"]), password=form.cleaned_data["password"]
        )
        if user is not None and hasattr(user, "portal_account"):
            login(request, user)
            return_after_sign_in(request, request.GET.get("next"))
            return redirect("portal:code" if mfa.has_confirmed_totp(user) else after_sign_in(request))
        form.add_error(
            None, _("E-mail address or password not recognized (or the address is not confirmed yet).")
        )
    if request.method == "POST":  # a sign-in that did not succeed
        rate_limited(request, scope=SIGN_IN_SCOPE, limit=SIGN_IN_FAILURES_PER_ADDRESS, window_seconds=600)
    return render(request, "portal/sign_in.html", {"form": form}, status=drawn_status(form))


# A page that sent a signed-out customer to sign in first and wants them back (the Connect My Data consent
# screen, with the third party's request in its query string; a page whose sign-in ran out mid-task, named
# by the sign-in's `next`): kept in the session through the second factor's step, a portal path only.
RETURN_AFTER_SIGN_IN = "portal_return_after_sign_in"


def return_after_sign_in(request, target) -> None:
    """Keep `target` (a sign-in's `next`) to return to once signed in, if it is a path of the portal on this
    site (`safe_next`: never another site, such as https://evil.example or //evil.example); else keep
    nothing new."""
    wanted = safe_next(request, target, "", under="/portal/")
    if wanted:
        request.session[RETURN_AFTER_SIGN_IN] = wanted


def after_sign_in(request) -> str:
    return safe_next(
        request, request.session.pop(RETURN_AFTER_SIGN_IN, None), "portal:home", under="/portal/"
    )


@page("sign-out/", name="logout")
@require_POST
def sign_out(request):
    logout(request)
    response = redirect("web:portal")
    held_drop(response)  # what a form held for this browser goes with the session
    return response


@page("sign-in/code/", name="code")
def code(request):
    """The second step of sign-in for customers who turned on an authenticator app."""
    if not request.user.is_authenticated or not hasattr(request.user, "portal_account"):
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_second_factor(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            second_factor_passed(request, device)
            return redirect(after_sign_in(request))
        form.add_error(
            "code", _("That code is not valid. Codes change every 30 seconds; try the current one.")
        )
    return render(request, "portal/code.html", {"form": form}, status=drawn_status(form))


@page("me/confirm-it-is-you/", name="reauthenticate")
@portal_required
def reauthenticate(request):
    """Enter the password again (and the authenticator's code, if the customer uses one) to see bank details
    in full for a few minutes."""
    form = forms.ReauthenticateForm(request.POST or None, needs_code=mfa.has_confirmed_totp(request.user))
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        device = (
            mfa.verify_second_factor(user=request.user, token=form.cleaned_data["code"])
            if form.needs_code
            else True
        )
        if user is not None and user.pk == request.user.pk and device is not None:
            privilege_raised(request)
            return redirect(safe_next(request, request.GET.get("next"), "portal:home", under="/portal/"))
        form.add_error(None, _("Password or code not accepted."))
    return render(
        request,
        "portal/reauthenticate.html",
        {"form": form, "minutes": settings.CUSTODIAN_REAUTH_SECONDS // 60},
        status=drawn_status(form),
    )


@page("password/", name="password_forgotten")
def password_forgotten(request):
    """Ask for a reset link. The answer is the same whether or not the address signs in."""
    form = forms.PasswordResetAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, scope="portal-password-reset", limit=10, window_seconds=3600):
            form.add_error(None, _("Too many requests from your network. Try again in an hour, or call us."))
            return render(request, "portal/password_forgotten.html", {"form": form}, status=429)
        email, language = form.cleaned_data["email"], request.LANGUAGE_CODE

        def reset_mail():
            portal_password_reset_request(
                email=email,
                reset_url=lambda uid, token, in_language: url_in_language(
                    request, reverse("portal:password_reset", args=[uid, token]), in_language
                ),
                page_language=language,
            )

        messages.info(
            request,
            _(
                "If that address signs in to My account, we sent it a link to set a new password. "
                "It works once, for %(hours)s hours."
            )
            % {"hours": RESET_HOURS},
        )
        # The look-up and the e-mail after the answer is sent: a known address answers no later than an
        # unknown one.
        return redirect_then("portal:login", reset_mail)
    return render(request, "portal/password_forgotten.html", {"form": form}, status=drawn_status(form))


@page("password/<str:uid>/<str:token>/", name="password_reset")
def password_reset(request, uid, token):
    account = reset_account(uid, token)
    if account is None:
        return message_page(
            request,
            title=_("Link not valid"),
            message=_("This link has expired or was used already. Ask for a new one at sign-in."),
            status=400,
        )
    form = forms.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        portal_password_set(account=account, password=form.cleaned_data["password"])
        messages.success(request, _("Your new password is set. Sign in with it."))
        return redirect("portal:login")
    return render(request, "portal/password_reset.html", {"form": form})
