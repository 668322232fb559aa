from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.payments.nacha import routing_valid
from custodian.policy.loader import current_policy
from custodian.portal.consenting import PAST_MONTHS
from custodian.portal.held_form import TypedBefore
from custodian.web.notices import NoticeShown
from custodian.web.once import OnceForm


def _new_password(label, **limits):
    """A password the person chooses: hidden as it is typed, offered to the browser as a new one (its
    password manager suggests one), and checked against the password rules (`AUTH_PASSWORD_VALIDATORS`)."""
    return forms.CharField(
        label=label,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        validators=[validate_password],
        **limits,
    )


class EnrolForm(forms.Form):
    account_number = forms.CharField(label=_("Account number (top right of your bill)"), max_length=40)
    last_electric_kwh = bounds.WholeNumberField(
        label=_("Electricity used last month, in kWh (on your bill)"), min_value=0, max_value=10_000_000
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = _new_password(_("Choose a password (12 characters or more)"))


def _current_password():
    return forms.CharField(
        label=_("Your current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AuthenticatorOnForm(forms.Form):
    """Switch on an authenticator app: the current password and a code from the app, in one form."""

    password = _current_password()
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=20)


class AuthenticatorOffForm(forms.Form):
    password = _current_password()


class PasswordChangeForm(forms.Form):
    password = _current_password()
    new_password = _new_password(_("New password (12 characters or more)"))


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=20, required=False)

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


class MailedCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from our letter"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ContactDetailsForm(OnceForm, TypedBefore, forms.Form):
    held_action = "update_contact"
    html_static_when_unbound = True  # empty, its markup is the code's (custodian.web.forms_renderer)

    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
    )
    phone = bounds.PhoneField(
        label=_("Telephone"), required=False, help_text=_("A US number, such as 507-451-2480.")
    )
    mailing_address = bounds.MailingAddressField(label=_("Mailing address"), required=False, max_length=300)
    # Both are voluntary (the notice at collection): either may be removed; an empty field keeps what we hold.
    remove_phone = forms.BooleanField(label=_("Remove my telephone number"), required=False)
    remove_email = forms.BooleanField(label=_("Remove my e-mail address"), required=False)

    TYPED = ("email", "phone", "mailing_address")
    REMOVED = {"remove_phone": "phone", "remove_email": "email"}

    def __init__(self, *args, covered=None, **kwargs):
        """`covered`: the data categories a representative's authority covers, whose contact details alone
        are offered (they may neither change nor remove another); None, every one (the customer themself)."""
        super().__init__(*args, **kwargs)
        if covered is None:
            return
        policy = current_policy()
        for name in [*self.TYPED, *self.REMOVED]:
            if policy.category_for_field(self.REMOVED.get(name, name)) not in covered:
                del self.fields[name]

    @property
    def offers_any(self) -> bool:
        """Whether any contact detail is offered (a page shows no form with nothing to change)."""
        return any(name in self.fields for name in self.TYPED)

    def clean(self):
        data = super().clean()
        for box, field in self.REMOVED.items():
            if data.get(box) and (data.get(field) or "").strip():
                self.add_error(box, _("Type a new one or remove it, not both."))
        return data

    def typed(self) -> dict[str, str]:
        """The values typed (an empty field keeps what we hold)."""
        return {k: v.strip() for k in self.TYPED if (v := self.cleaned_data.get(k)) and v.strip()}

    def removed(self) -> list[str]:
        """The fields whose value the customer asked to remove."""
        return [field for box, field in self.REMOVED.items() if self.cleaned_data.get(box)]


class DisagreementForm(OnceForm, TypedBefore, NoticeShown):
    held_action = "disagreement"

    statement = bounds.ShownTextField(
        label=_(
            "Your statement of disagreement (kept with the data and sent with it whenever we disclose it)"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        max_length=5000,
    )


class PortalRequestForm(OnceForm, TypedBefore, NoticeShown):
    records = "casework.CustomerRequest"
    held_action = "request"

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[
            ("privacy_question", _("Ask a privacy question")),
            ("data_access", _("See all the data you hold about me")),
            ("correction", _("Correct data you hold about me")),
        ],
    )
    message = bounds.ShownTextField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each right's deadline as the policy file's `[deadlines]` gives it, in the page's language.
        within = current_policy().deadline_words()
        self.fields["kind"].choices = [
            (kind, gettext("%(what)s (answered within %(within)s)") % {"what": label, "within": within[kind]})
            if kind in within
            else (kind, label)
            for kind, label in self.fields["kind"].choices
        ]


def _categories():
    return [
        (k, c.in_language().label)
        for k, c in current_policy().categories.items()
        if k not in ("correspondence", "marketing_preference")
    ]


class ConsentForm(OnceForm):
    records = "disclosures.Consent"
    html_static_when_unbound = True  # empty, its markup is the code's (custodian.web.forms_renderer)

    recipient_name = bounds.ShownTextField(label=_("Who may receive it"), max_length=200)
    recipient_contact = bounds.ShownTextField(label=_("How to reach them"), max_length=300)
    categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=_categories, widget=forms.CheckboxSelectMultiple
    )
    purpose = bounds.ShownTextField(label=_("For what purpose"), max_length=200)
    # Which of the data already held the consent reaches back to: chosen, never a default the customer
    # did not see (a solar installer sizing panels asks for a year of meter usage; a name needs none).
    covers_past = forms.TypedChoiceField(
        label=_("From when"),
        choices=[(str(months), label) for months, label in PAST_MONTHS.items()],
        coerce=int,
        widget=forms.RadioSelect,
    )
    covers_until = bounds.DateField(label=_("Until (leave empty: until you revoke it)"), required=False)
    agree = forms.BooleanField(label=_("I give this consent and have read the terms above"))

    def clean_categories(self):
        # A category sent more than once (a crafted or doubled form) is one category, in the order first sent:
        # the consent's words name each once, as the consent keeps them.
        return list(dict.fromkeys(self.cleaned_data["categories"]))

    def clean_covers_until(self):
        # Said by the field, before the consent is recorded: the record's own rule (an end on or after the
        # day it is signed) is worded for staff and would be shown above the form.
        until = self.cleaned_data.get("covers_until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(
                _("Choose today or a later day, or leave it empty: a consent can't end before it is given.")
            )
        return until


class _AccountChoice(forms.Form):
    """A form about one of the signed-in customer's accounts: the choices are theirs only."""

    account = forms.TypedChoiceField(label=_("Account"), coerce=int)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, label) for a, label in accounts]
        if len(accounts) == 1:
            self.fields["account"].initial = accounts[0][0].pk
            self.fields["account"].widget = forms.HiddenInput()


class PayForm(OnceForm, _AccountChoice):
    """A card payment toward one account. More than the account owes is refused by the amount's field unless
    the customer ticks that they mean to pay ahead: a slip of the keyboard ($9,999 for $99.99) is caught
    before the processor charges it, and a customer who means to build a credit still can, on purpose.
    (A field's error rather than a confirmation page: every other payment keeps its one step.) One checkout
    per form drawn: a copy sent again (a double click on the button) opens no second checkout, and is taken
    back to the bills, where the payment started shows, not to the processor's page (`again_page`)."""

    records = "payments.PaymentSession"
    again_page = "portal:bills"

    amount = bounds.MoneyField(
        label=_("Amount to pay ($)"), min_value=1, max_value=10_000, decimal_places=2, max_digits=8
    )
    pay_ahead = forms.BooleanField(
        label=_(
            "I mean to pay more than I owe: the rest stays on my account as a credit toward my next bills"
        ),
        required=False,
    )

    def __init__(self, *args, balances=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.balances = balances  # account id → what it owes today (None: not checked)

    def clean(self):
        data = super().clean()
        account, amount = data.get("account"), data.get("amount")
        if self.balances is None or account is None or amount is None or data.get("pay_ahead"):
            return data
        owed = max(self.balances.get(account, 0), 0)
        if amount > owed:
            self.add_error(
                "amount",
                _(
                    "That is more than the $%(owed)s this account owes. Pay up to what it owes, or tick "
                    "the box below if you mean to pay ahead (the rest stays as a credit toward your next "
                    "bills)."
                )
                % {"owed": f"{owed:,.2f}"},
            )
        return data


class PaymentAgreementForm(OnceForm, _AccountChoice):
    records = "collecting.PaymentAgreement"
    installment = bounds.MoneyField(
        label=_("What you can pay each month toward what you owe ($), if you know"),
        required=False,
        min_value=1,
        max_value=10_000,
        decimal_places=2,
        max_digits=8,
    )


class AutopayForm(OnceForm, _AccountChoice):
    routing = forms.RegexField(
        label=_("Bank routing number (9 digits)"),
        regex=r"^\d{9}$",
        max_length=9,
        strip=True,
        error_messages={"invalid": _("Give the routing number's 9 digits, with no spaces or dashes.")},
    )
    bank_account = forms.RegexField(
        label=_("Bank account number"),
        regex=r"^[0-9A-Za-z-]{1,17}$",
        max_length=17,
        strip=True,
        error_messages={
            "invalid": _(
                "Give the account number as your bank prints it: 17 digits, letters or dashes at most."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of account"), choices=[("checking", _("Checking")), ("savings", _("Savings"))]
    )
    authorize = forms.BooleanField(
        label=_(
            "I authorize the utility to debit this bank account for each bill on its due date, until I "
            "stop automatic payment here or by calling."
        ),
        required=True,
    )

    def clean_routing(self):
        # The check digit is checked here, by the field, in words a customer knows: the payment service's
        # own check (the ACH file's rule) speaks of the check digit and would be shown above the form.
        routing = self.cleaned_data["routing"]
        if not routing_valid(routing):
            raise forms.ValidationError(
                _(
                    "This routing number is not right: check the 9 digits printed first at the bottom "
                    "of a check, or ask your bank."
                )
            )
        return routing


class ServiceChangeForm(OnceForm):
    """Stop service or move it within the territory: the customer's account, the day, the new service address
    for a move, and where the final bill goes."""

    records = "customers.ServiceChange"

    account = forms.TypedChoiceField(label=_("Service at"), coerce=int)
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            ("stop", _("Stop service: I am moving away from the territory")),
            ("transfer", _("Move my service to a new address in the territory")),
        ],
        widget=forms.RadioSelect,
    )
    on = bounds.DateField(label=_("Last day of service (stop), or moving day (move)"))
    new_service_address = bounds.ShownTextField(
        label=_("New service address (moving within the territory)"), max_length=200, required=False
    )
    final_bill_address = bounds.MailingAddressField(
        label=_("Where should we mail your final bill? (leave empty to keep your mailing address)"),
        required=False,
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, label) for a, label in accounts]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "transfer" and not (data.get("new_service_address") or "").strip():
            self.add_error("new_service_address", _("Give the address you are moving to."))
        return data


class RepresentativeSetupForm(forms.Form):
    password = _new_password(_("Choose a password"), min_length=12, max_length=200)


class PasswordResetAskForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address you sign in with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
    )


class PasswordResetForm(forms.Form):
    password = _new_password(_("New password (12 characters or more)"))
