"""Green Button Connect My Data in the portal: the consent screen a third party sends the customer to
(OAuth 2.0 authorization code with PKCE), the customer's authorised apps, and revoking one (its tokens end
in the same transaction)."""

import contextlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.exceptions import FatalClientError
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749.errors import InvalidClientIdError

from custodian.connect.scopes import ScopeError, scope_parse, services_of_scope
from custodian.connect.selectors import (
    approved_third_party_of_client,
    authorization_of_customer,
    authorization_standing,
    authorizations_of_customer,
)
from custodian.connect.services import (
    DURATIONS,
    ConnectError,
    authorization_grant,
    authorization_revoke,
    history_start,
    meter_words,
    meters_to_choose,
)
from custodian.dates import long_date
from custodian.disclosures.services import AccountingError
from custodian.netaddr import client_ip
from custodian.portal.access import portal_actor, portal_required, signed_in_customer
from custodian.portal.account_views import RETURN_AFTER_SIGN_IN
from custodian.routing import page
from custodian.usage.services import usage_points_held
from custodian.usage.services.presentation import SERVICE_WORDS
from custodian.vault.gate import Denied
from custodian.web.confirmation import confirmation_page, confirmed

DURATION_LABELS = {
    "90": gettext_lazy("90 days"),
    "365": gettext_lazy("One year"),
    "1095": gettext_lazy("Three years"),
}


class ConsentForm(AllowForm):
    services = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Which meters' data"),
        choices=(),
    )
    usage_points = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Which of your meters"),
        help_text=gettext_lazy(
            "You have more than one meter of this service: choose the ones whose data they receive."
        ),
        choices=(),
    )
    duration = forms.ChoiceField(
        label=gettext_lazy("For how long"),
        choices=list(DURATION_LABELS.items()),
        initial="365",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, services=(), meters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s, SERVICE_WORDS[s]) for s in sorted(services)]
        self.fields["services"].initial = sorted(services)
        # Each length with the day it ends, as the consent's words say it.
        today = timezone.localdate()
        self.fields["duration"].choices = [
            (
                key,
                _("%(duration)s, until %(day)s")
                % {"duration": label, "day": long_date(today + timedelta(days=DURATIONS[key]))},
            )
            for key, label in DURATION_LABELS.items()
        ]
        keys = [k for s in sorted(meters or {}) for k in meters[s]]
        self.fields["usage_points"].choices = [(k, meter_words(k).capitalize()) for k in keys]
        self.fields["usage_points"].initial = keys

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("allow") and not cleaned.get("services") and not self.has_error("services"):
            self.add_error("services", _("Choose the data of at least one service."))
        return cleaned


def return_here_after_sign_in(view):
    """A signed-out customer sent here by a third party signs in and comes back to the same request."""

    def wrapper(request, *args, **kwargs):
        if request.method == "GET":
            request.session[RETURN_AFTER_SIGN_IN] = request.get_full_path()
        response = view(request, *args, **kwargs)
        signing_in = response.status_code == 302 and response.get("Location", "").split("?")[0] in (
            reverse("portal:login"),
            reverse("portal:code"),
        )
        if not signing_in:
            request.session.pop(RETURN_AFTER_SIGN_IN, None)
        return response

    return wrapper


@page("connect/authorize/", name="connect_authorize")
@method_decorator([return_here_after_sign_in, portal_required], name="dispatch")
class ConsentScreen(AuthorizationView):
    """The third party's authorisation request, shown to the signed-in customer in plain words; what they
    agree to is kept word for word as their consent. An unknown or unapproved client, a scope it did not
    register, and a request without PKCE are refused before anything is shown."""

    template_name = "portal/connect_authorize.html"
    form_class = ConsentForm

    def _scope(self):
        scopes = self.oauth2_data.get("scopes") or (self.request.POST.get("scope", "").split())
        if len(scopes) != 1:
            return None
        try:
            return scope_parse(scopes[0])
        except ScopeError:
            return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        scope = self._scope() if hasattr(self, "oauth2_data") else None
        if scope is None and self.request.method == "POST":
            with contextlib.suppress(ScopeError):
                scope = scope_parse(self.request.POST.get("scope", ""))
        kwargs["services"] = services_of_scope(scope) if scope else ()
        customer = signed_in_customer(self.request) if scope else None
        kwargs["meters"] = (
            meters_to_choose(
                usage_points_held(fetched_by=portal_actor(self.request), customer_id=customer.pk),
                scope=scope.text,
            )
            if customer is not None
            else {}
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self._scope() if hasattr(self, "oauth2_data") else None
        context["third_party"] = getattr(context.get("application"), "third_party", None)
        context["scope"] = scope
        # The first day of the past data they receive, as the consent's words will say it.
        context["covers_from"] = long_date(history_start(scope.text, timezone.localdate())) if scope else ""
        # Allowing replaces what the customer already shares with this app (its tokens end): said before
        # they choose, so a link sent by anyone cannot end their sharing unnoticed.
        context["replaces"] = _already_shares(self.request, context["third_party"])
        context["durations"] = DURATIONS
        return context

    def error_response(self, error, application, **kwargs):
        """oauthlib's error (its code, its own English words and a representation of its request object) is
        for the third party, not the customer: shown on this page, it says in the customer's language what it
        means for them. A redirect back to the third party carries the error as OAuth says."""
        response = super().error_response(error, application, **kwargs)
        if getattr(response, "context_data", None) is not None:
            response.context_data["error"] = _(
                "The application asking is not one we know or approved, or its request is not valid."
            )
        return response

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        redirect_uri = getattr(self, "oauth2_data", {}).get("redirect_uri")
        if response.status_code == 200 and redirect_uri:
            _form_goes_back_to(response, redirect_uri)
        return response

    def form_invalid(self, form):
        return self._drawn_again(form)

    def _drawn_again(self, form):
        """The screen drawn again with the form's errors, 400, as every form is: the request read from the
        form's hidden fields as its first drawing read it from the link (its client approved: `post`; a
        scope it can't show draws the page that says so)."""
        application = get_application_model().objects.filter(client_id=form.data.get("client_id", "")).first()
        self.oauth2_data = {"scopes": form.data.get("scope", "").split()}
        response = self.render_to_response(
            self.get_context_data(form=form, application=application), status=400
        )
        redirect_uri = form.data.get("redirect_uri", "")
        if application is not None and redirect_uri and application.redirect_uri_allowed(redirect_uri):
            _form_goes_back_to(response, redirect_uri)
        return response

    def post(self, request, *args, **kwargs):
        # The answer to a request whose client is unknown or not approved is the one its GET gets (400, the
        # page saying the request can't be shown, nothing sent to a redirect URI no client registered),
        # whether the customer allows, refuses or the form is incomplete.
        if approved_third_party_of_client(request.POST.get("client_id", "")) is None:
            return self.error_response(FatalClientError(error=InvalidClientIdError()), None)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not form.cleaned_data.get("allow"):
            return super().form_valid(form)  # "deny": the third party is told access_denied
        third_party = approved_third_party_of_client(form.cleaned_data["client_id"])
        try:
            with transaction.atomic():
                authorization_grant(
                    customer=signed_in_customer(self.request),
                    user=self.request.user,
                    third_party=third_party,
                    scope=form.cleaned_data["scope"],
                    services=form.cleaned_data["services"],
                    duration_days=DURATIONS.get(form.cleaned_data["duration"], 0),
                    usage_points=form.cleaned_data.get("usage_points") or (),
                    client_ip=client_ip(self.request),
                )
                response = super().form_valid(form)
                # No code issued (a field changed since the screen was shown, PKCE missing): no consent
                # either, the whole authorisation rolled back.
                issued = parse_qs(urlsplit(response.get("Location", "")).query).get("code")
                if response.status_code != 302 or not issued:
                    raise ConnectError(_("the authorization request is no longer valid"))
        except ConnectError as exc:
            form.add_error(None, str(exc))
            return self._drawn_again(form)
        return response


def _form_goes_back_to(response, redirect_uri: str) -> None:
    """The answer goes back to the third party's registered redirect URI (checked against its registration
    by the caller): the browser may follow the form's redirect to that origin, and no other."""
    parts = urlsplit(redirect_uri)
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, f"{parts.scheme}://{parts.netloc}"],
    }


def _already_shares(request, third_party) -> bool:
    """The signed-in customer has a standing authorisation with `third_party`."""
    if third_party is None:
        return False
    try:
        held = authorizations_of_customer(fetched_by=portal_actor(request))
    except Denied:
        return False
    return any(a.third_party_id == third_party.pk and authorization_standing(a) for a in held)


@page("me/connected-apps/", name="connected_apps")
@portal_required
def connected_apps(request):
    """The apps and companies the customer authorised, what each receives, until when; revoke any."""
    rows = [
        {
            "authorization": a,
            "standing": authorization_standing(a),
            "scope": scope_parse(a.scope),
            "meters": [meter_words(k) for k in a.usage_point_list],
        }
        for a in authorizations_of_customer(fetched_by=portal_actor(request))
    ]
    return render(request, "portal/connected_apps.html", {"rows": rows, "labels": SERVICE_WORDS})


@page("me/connected-apps/<id:authorization_id>/revoke/", name="connected_app_revoke")
@portal_required
def connected_app_revoke(request, authorization_id):
    try:
        authorization = authorization_of_customer(
            fetched_by=portal_actor(request), authorization_id=authorization_id
        )
    except Denied:
        return redirect("portal:connected_apps")
    if request.method == "POST" and authorization_standing(authorization):
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("Revoke an authorization"),
                heading=_("Stop sending your data to %(name)s?") % {"name": authorization.third_party.name},
                lead=_(
                    "Their access ends at once: every token they hold stops working. What they received "
                    "before stays in the record of who we gave it to."
                ),
                summary=[(_("Given"), long_date(timezone.localtime(authorization.created_at).date()))],
                confirm_label=_("Revoke the authorization"),
                cancel_url=reverse("portal:connected_apps"),
                danger=True,
            )
        with contextlib.suppress(AccountingError):  # revoked a moment ago in another tab
            authorization_revoke(authorization=authorization, how="the customer, in the portal")
        messages.success(
            request, _("%(app)s no longer receives your data.") % {"app": authorization.third_party.name}
        )
    return redirect("portal:connected_apps")
