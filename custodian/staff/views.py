import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from custodian.policy.loader import current_policy
from custodian.redirects import safe_next
from custodian.staff import mfa
from custodian.staff.approvals import setup_link_for, setup_link_use
from custodian.staff.decorators import console_required
from custodian.staff.forms import CodeForm, ItIsYouForm, SetPasswordForm, StaffSignInForm
from custodian.staff.reauth import it_is_them
from custodian.staff.selectors import services_of
from custodian.staff.services import recovery_codes_renew
from custodian.staff.sessions import second_factor_passed


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffSignInForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        nxt = self.get_redirect_url()
        response = super().form_valid(form)
        if nxt:
            self.request.session["after_mfa"] = nxt
        return response

    def form_invalid(self, form):
        # Drawn again with its error (a password not recognized): 400, as every form drawn again.
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self):
        return reverse("staff:mfa")


def _after_mfa(request):
    target = safe_next(request, request.session.pop("after_mfa", None), "staff:home", under="/staff/")
    return redirect(target)


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Second step of sign-in: enrol a TOTP app on first sign-in, else enter a code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("staff:login")
    if user.is_verified():
        return _after_mfa(request)
    if not mfa.has_confirmed_totp(user):
        return mfa_setup(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_second_factor(user=user, token=form.cleaned_data["code"])
        if device is not None:
            second_factor_passed(request, device)
            return _after_mfa(request)
        form.add_error("code", "That code is not valid. Codes change every 30 seconds; try the current one.")
    return render(request, "staff/mfa_verify.html", {"form": form}, status=400 if form.is_bound else 200)


def mfa_setup(request):
    """Enrolment: scan the QR code (or type the key), confirm with a code, keep the recovery codes."""
    user = request.user
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrolment_confirm(user=user, token=form.cleaned_data["code"])
        if codes is not None:
            second_factor_passed(request, mfa.confirmed_totp(user))
            return render(request, "staff/recovery_codes.html", {"codes": codes, "after_enrolment": True})
        form.add_error("code", "That code does not match. Scan the QR code again and enter the current code.")
    device = (
        mfa.totp_enrolment_pending(user=user)
        if request.method == "POST"
        else mfa.totp_enrolment_start(user=user)
    )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "staff/mfa_setup.html",
        {"form": form, "qr_data_uri": qr.svg_data_uri(scale=5), "secret": mfa.totp_secret_b32(device)},
        status=400 if form.is_bound else 200,
    )


@console_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes, once the member proves again it is them: codes outlast a session taken over."""
    form = ItIsYouForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if it_is_them(request, **form.cleaned_data):
            codes = recovery_codes_renew(user=request.user)
            return render(request, "staff/recovery_codes.html", {"codes": codes})
        form.add_error(None, "Password or code not accepted; your recovery codes are unchanged.")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/recovery_codes.html", {"codes": None, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def set_up(request, token):
    """A member of staff chooses their own password from the one-time link e-mailed to them (a new account,
    an approved reset); then they sign in and, if they have none, enrol an authenticator."""
    if setup_link_for(token) is None:
        return render(request, "staff/set_up.html", {"form": None}, status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if setup_link_use(raw=token, password=form.cleaned_data["password"]) is None:
            return render(request, "staff/set_up.html", {"form": None}, status=404)
        messages.success(request, "Your password is set: sign in with it.")
        return redirect("staff:login")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/set_up.html", {"form": form}, status=status)


@console_required
def home(request):
    policy = current_policy()
    services = [policy.services[s] for s in sorted(services_of(request.user)) if s in policy.services]
    purposes = sorted({p for s in services for p in s.purposes})
    return render(
        request,
        "staff/home.html",
        {
            "services": services,
            "purposes": [policy.purposes[p] for p in purposes],
            "reviews_access": any(s.reviews_access for s in services),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )
