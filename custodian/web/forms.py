from django import forms
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.casework.choices import RequestKind
from custodian.web.notices import NoticeShown
from custodian.web.once import OnceForm

PUBLIC_KINDS = [k for k in RequestKind.choices]


def errors_in_words(form) -> str:
    """A form's errors as one line for a message: each field named by its label as the page shows it
    ("Customers: This field is required."), never by its key; errors of the whole form as they are."""
    return "; ".join(
        f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )


class ContactForm(OnceForm, NoticeShown):
    records = "casework.CustomerRequest"
    topic = forms.ChoiceField(label=_("What is it about?"), choices=PUBLIC_KINDS)
    message = bounds.ShownTextField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    name = bounds.ShownTextField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail, if you want an answer by e-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = bounds.PhoneField(label=_("Telephone, if you want a call back (optional)"), required=False)
    account_number = bounds.ShownTextField(
        label=_("Account number, if you have one (optional)"), required=False, max_length=40
    )
    # A field people don't see and bots fill in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("topic") in ("data_access", "correction", "billing_question", "payment") and not (
            data.get("email") or data.get("phone")
        ):
            raise forms.ValidationError(
                _("Give an e-mail address or a telephone number so we can answer this request.")
            )
        return data
