from django import forms

from custodian.casework.choices import RequestKind
from custodian.web.notices import NoticeShown

PUBLIC_KINDS = [k for k in RequestKind.choices]


class ContactForm(NoticeShown):
    topic = forms.ChoiceField(label="What is it about?", choices=PUBLIC_KINDS)
    message = forms.CharField(label="Your message", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail, if you want an answer by e-mail (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Telephone, if you want a call back (optional)",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    account_number = forms.CharField(
        label="Account number, if you have one (optional)", required=False, max_length=40
    )
    # A field people don't see and bots fill in.
    website = forms.CharField(
        label="Leave this field empty",
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
                "Give an e-mail address or a telephone number so we can answer this request."
            )
        return data
