from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffSignInForm(AuthenticationForm):
    """The staff sign-in's user name and password, with the console's own words when they are refused."""

    error_messages = {
        "invalid_login": (
            "That user name and password do not match a staff account. Check both (the password is "
            "case-sensitive); repeated failures lock the account for a while. Forgotten your password? Ask "
            "IT or the privacy officer for a new set-up link."
        ),
        "inactive": "This staff account is switched off. Ask IT or the privacy officer.",
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ItIsYouForm(forms.Form):
    """Proof, in a signed-in session, that the member is at the keyboard: their password or a current code
    from their authenticator app (a recovery code is not enough: it may be what is being replaced)."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("or a code from your authenticator app"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        min_length=12,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    again = forms.CharField(
        label=_("The same password again"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("again"):
            self.add_error("again", _("The two passwords differ."))
        return data
