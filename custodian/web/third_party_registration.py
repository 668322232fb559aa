"""Green Button Connect My Data on the public site: third parties register here (ESPI
ApplicationInformation): who they are, how to reach them, what they do with the data and how they keep it,
where to send customers back, the scopes they will ask for. The registration waits for the privacy officer's
review (the connect app keeps it); the client id (and secret, shown once) are useless until it is approved."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.connect.services import ConnectError, third_party_register
from custodian.routing import page
from custodian.web.once import OnceForm, once
from custodian.web.protection import rate_limited

# Registrations an address may send a day: a real third party registers once or twice; a script filling the
# privacy officer's review list with junk is stopped here (counted across server processes).
REGISTRATIONS_PER_DAY = 5


def _text_area(label, help_text) -> forms.CharField:
    return bounds.ShownTextField(label=label, help_text=help_text, widget=forms.Textarea)


class RegistrationForm(OnceForm):
    records = "connect.ThirdParty"
    name = bounds.ShownTextField(max_length=200, label=_("Organisation name"))
    contact = bounds.ShownTextField(max_length=300, label=_("Contact (e-mail and telephone)"))
    website = bounds.ShownURLField(max_length=300, label=_("Website"), assume_scheme="https")
    purpose = bounds.ShownTextField(
        max_length=500, label=_("What you do with customers' data"), widget=forms.Textarea
    )
    data_practices = _text_area(
        _("Data practices"),
        _(
            "How long you keep the data, whom you share it with, how you secure it, how a customer "
            "has it deleted."
        ),
    )
    redirect_uris = _text_area(_("Redirect URIs"), _("One a line; https (http only on localhost)."))
    scopes = _text_area(
        _("ESPI scopes"),
        _(
            "One scope string a line, e.g. FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;"
            "HistoryLength=13"
        ),
    )
    notify_uri = bounds.ShownTextField(
        required=False,
        max_length=300,
        label=_("Notify URI"),
        help_text=_(
            "Where we post the list of new data for your customers (ESPI BatchList); https. "
            "Optional: without it, you fetch on your own schedule."
        ),
    )
    public_client = forms.BooleanField(
        required=False, label=_("A public client (an app on a phone or in a browser: no client secret)")
    )


@page("connect/register/", name="connect_register")
def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method != "POST":
        return render(request, "connect/register.html", {"form": form})
    if not form.is_valid():
        return render(request, "connect/register.html", {"form": form}, status=400)
    # Only complete, well-formed registrations are counted: each one lands on the privacy officer's review
    # list, which is what the limit protects. One refused for a missing or malformed field keeps nothing, and
    # counting it would leave a third party that fixes its form shut out for the day.
    if rate_limited(request, scope="connect-register", limit=REGISTRATIONS_PER_DAY, window_seconds=24 * 3600):
        form.add_error(
            None,
            gettext(
                "Too many registrations from your network today. Try again tomorrow, or write to our privacy "
                "officer."
            ),
        )
        return render(request, "connect/register.html", {"form": form}, status=429)

    def answer():
        try:
            registration = third_party_register(**form.cleaned_data)
        except ConnectError as exc:
            form.add_error(None, str(exc))
            return render(request, "connect/register.html", {"form": form}, status=400)
        return render(request, "connect/registered.html", {"registration": registration}, status=201)

    return once(request, form, answer, again=lambda request, sent: _registered_already(request, form))


def _registered_already(request, form):
    """A registration sent again (a second click, a reload): registered once; its client secret was shown
    once, on the page that answered the first."""
    form.add_error(
        None,
        gettext(
            "This registration was sent already and waits for review. Its client id and secret were shown "
            "once, on the page that answered it."
        ),
    )
    return render(request, "connect/register.html", {"form": form}, status=409)
