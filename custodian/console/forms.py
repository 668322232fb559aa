"""The console's forms: looking a customer up and reading through the gate, break-glass, a request's intake
and steps (verification, hand-off, closing, corrections and challenges), access reviews.

One module (over 500 lines) on purpose: a form is a list of fields with their labels and limits, and the
forms share the choices built here from the policy file and the casework choices (`purpose_choices`,
`_request_choices`, `_verified_with_choices`)."""

from datetime import datetime
from datetime import time as dtime

from django import forms
from django.utils import timezone

from custodian import bounds
from custodian.casework.choices import (
    REQUEST_CHANNELS,
    VERIFIED_WITH,
    RepresentativeKind,
    RepresentativeScope,
    RequestKind,
    Verification,
)
from custodian.casework.correctable import (
    CORRECTABLE,
    CORRECTED_ELSEWHERE,
    corrected_value,
    named_recipients_read,
)
from custodian.casework.desk import BLANK, NOTE_LIMIT, REPLY_LIMIT, REPLY_TEMPLATES
from custodian.casework.services import RequestError, services_for
from custodian.customers.choices import CustomerClass, Service
from custodian.incidents.flag_reviews import NOTE_LIMIT as FLAG_NOTE_LIMIT
from custodian.policy.loader import current_policy
from custodian.staff.forms import ReauthForm
from custodian.staff.selectors import staff_users
from custodian.usage.forms import UsageUploadForm
from custodian.web.once import OnceForm

LOOKUP_FIELDS = [
    ("name", "Name (first and last, in any order)"),
    ("service_address", "Service address (the street line)"),
    ("account_number", "Account number"),
    ("email", "E-mail address"),
    ("phone", "Telephone number"),
]


def _written(label: str, *, rows: int, **limits) -> forms.CharField:
    """Sentences a member of staff writes (a reason, a finding, a statement): a text area of `rows` rows."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **limits)


def _filter(label: str, anything: str, choices=()) -> forms.ChoiceField:
    """A list's filter (GET): optional, its first choice `anything`, which is empty and filters nothing."""
    return forms.ChoiceField(label=label, required=False, choices=[("", anything), *choices])


def purpose_choices(services):
    policy = current_policy()
    keys = sorted({p for s in services if s in policy.services for p in policy.services[s].purposes})
    return [(k, policy.purposes[k].label) for k in keys]


def _request_choices(requests):
    return [("", "— none —")] + [(str(r.pk), f"#{r.pk} {r.get_kind_display()}") for r in requests]


class LookupForm(forms.Form):
    field = forms.ChoiceField(label="Find by", choices=LOOKUP_FIELDS)
    value = forms.CharField(label="Value", max_length=200)
    purpose = forms.ChoiceField(label="Purpose")
    request = forms.ChoiceField(
        label="Open request you are working (needed for request-driven purposes: finds only its customer)",
        required=False,
    )

    def __init__(self, *args, services=(), requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = purpose_choices(services)
        self.fields["request"].choices = _request_choices(requests)


def lookup_refusal(asked: dict) -> str:
    """Why the gate refused a lookup, in the words true of the case: the purpose does not read what was
    searched by, or a request-driven purpose was used without an open request of the member's service (or
    with one that is not open, or not theirs)."""
    policy = current_policy()
    purpose = policy.purposes[asked["purpose"]]
    if policy.category_for_field(asked["field"]) not in purpose.categories:
        label = dict(LOOKUP_FIELDS)[asked["field"]].split(" (")[0]
        usable = [
            text.split(" (")[0].lower()
            for key, text in LOOKUP_FIELDS
            if policy.category_for_field(key) in purpose.categories
        ]
        instead = f"search by {', '.join(usable)}" if usable else "choose another purpose"
        return (
            f"The purpose {purpose.label} does not read “{label}”, so it cannot find customers by it: "
            f"{instead}, or choose the purpose you are working for."
        )
    if purpose.request_required and not asked.get("request"):
        return (
            f"{purpose.label} acts only on a customer's request: choose the open request your service owns "
            "that you are working."
        )
    if asked.get("request"):
        return "That request is not an open request your service owns: choose one that is, or none."
    return "Your support service may not look customers up for that purpose."


class UsageImportForm(UsageUploadForm):
    """A Green Button file for one customer, imported for an open request of theirs that the importer's
    service owns (a complaint about the meter, a file the customer sent in): the gate checks the request."""

    request = forms.ChoiceField(label="Open request of this customer's you are working (the file is for it)")

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = _request_choices(requests)


class RevealForm(forms.Form):
    fields = forms.MultipleChoiceField(label="Show", widget=forms.CheckboxSelectMultiple)
    purpose = forms.ChoiceField(label="Purpose of this look")
    request = forms.ChoiceField(label="Open request you are working", required=False)

    def __init__(self, *args, services=(), requests=(), emergency_purposes=(), **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["fields"].choices = [
            (c.field, c.label) for c in policy.categories.values() if c.key != "correspondence"
        ]
        choices = purpose_choices(services)
        held = {k for k, _ in choices}
        choices += [
            (p, f"{policy.purposes[p].label} (emergency access)") for p in emergency_purposes if p not in held
        ]
        self.fields["purpose"].choices = choices
        self.fields["request"].choices = _request_choices(requests)


class BreakGlassAskForm(forms.Form):
    """Emergency access, first step: the purpose and why it cannot wait."""

    # Every purpose that reads something: the gate, not the form, decides who may use which (and logs a
    # refusal), so the policy file's emergency scope is enforced in one place.
    purpose = forms.ChoiceField(label="Purpose")
    reason = _written("Why this cannot wait", rows=3, min_length=10)

    def __init__(self, *args, emergency_purposes=None, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["purpose"].choices = [
            (k, p.label)
            for k, p in policy.purposes.items()
            if p.categories and (emergency_purposes is None or k in emergency_purposes)
        ]


class BreakGlassForm(ReauthForm, BreakGlassAskForm):
    """Emergency access, confirmed: the purpose and the reason carried from the first step, then the password
    and a fresh code entered on the confirmation page."""

    field_order = ["purpose", "reason", "password", "code"]


# What a staff member verifies by themselves at intake (the portal's sign-in and the bill-figure check are
# the system's).
STAFF_CHECKS = (Verification.ACCOUNT_AND_FACT, Verification.PHOTO_ID)


def _verified_with_choices():
    return [("", "—")] + [(Verification(m).label, list(VERIFIED_WITH[m].items())) for m in STAFF_CHECKS]


class IntakeForm(OnceForm):
    records = "casework.CustomerRequest"
    channel = forms.ChoiceField(
        label="How it reached us",
        choices=[("phone", "Phone call"), ("in_person", "Walk-in"), ("paper", "Paper form or letter")],
    )
    kind = forms.ChoiceField(label="Type of request", choices=RequestKind.choices)
    account_number = forms.CharField(label="Account number (if a customer)", required=False, max_length=40)
    purpose = forms.ChoiceField(
        label="Purpose you find the account for (the look-up is logged under it)", required=False
    )
    verification = forms.ChoiceField(
        label="How you verified the person",
        choices=[(m.value, m.label) for m in (*STAFF_CHECKS, Verification.NOT_A_CUSTOMER)],
    )
    verified_with = forms.ChoiceField(
        label="What you checked (the kind of fact or ID, not its value)",
        required=False,
        choices=_verified_with_choices,
    )
    name = forms.CharField(label="Name (if not a customer)", required=False, max_length=200)
    phone = bounds.PhoneField(label="Telephone (if not a customer)", required=False)
    email = forms.EmailField(label="E-mail (if not a customer)", required=False)
    message = _written("What the customer asked", rows=5, max_length=10000)
    notice_given = forms.BooleanField(
        label="I read the notice at collection for this type of request to the caller or visitor (a letter: "
        "none was shown before it was written, and the record says so)",
        required=True,
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        # Purposes of the staff member's services that may find an account by its number: named before any
        # read, never guessed by trying one after another.
        self.fields["purpose"].choices = [("", "—")] + [
            (k, label)
            for k, label in purpose_choices(services)
            if "account_number" in policy.purposes[k].categories
        ]

    def clean(self):
        data = super().clean()
        if not data.get("account_number") and not any(data.get(k) for k in ("name", "phone", "email")):
            raise forms.ValidationError(
                "Give the customer's account number, or a name and a way to reach someone not yet a customer."
            )
        if data.get("account_number") and not data.get("purpose"):
            self.add_error(
                "purpose",
                "Name the purpose you find the account for."
                if len(self.fields["purpose"].choices) > 1
                else "Your support services don't find accounts by number: record a name and a way to reach "
                "the person instead.",
            )
        method = data.get("verification")
        if (
            method
            and method != Verification.NOT_A_CUSTOMER
            and data.get("verified_with") not in VERIFIED_WITH[method]
        ):
            self.add_error(
                "verified_with", "Choose what you checked: " + ", ".join(VERIFIED_WITH[method].values()) + "."
            )
        return data


class RepresentativeForm(OnceForm):
    records = "casework.Representative"
    kind = forms.ChoiceField(label="Authority", choices=RepresentativeKind.choices)
    scope = forms.MultipleChoiceField(
        label="What the representative may do",
        choices=RepresentativeScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Which of the customer's data they may see (the document's limits)",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = bounds.DateField(label="Until (the document's end, or a review date)")
    name = forms.CharField(label="Representative's name", max_length=200)
    email = forms.EmailField(label="Representative's e-mail address (their sign-in)")
    channel = forms.ChoiceField(
        label="How the document reached us",
        choices=[("in_person", "Brought to the counter"), ("paper", "By mail")],
    )
    document = bounds.FileField(label="The document (a scan or PDF)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["categories"].choices = [
            (key, c.label) for key, c in policy.categories.items() if key in policy.self_access_categories
        ]


class RevokeForm(forms.Form):
    """End a representative's authority, saying why (kept with the record): a reason too short is drawn
    again beside its field on the representatives page, with what was typed."""

    reason = forms.CharField(
        label="Reason",
        min_length=5,
        max_length=300,
        error_messages={
            "min_length": "Say why the authority ends.",
            "required": "Say why the authority ends.",
        },
    )


class VerifyForm(forms.Form):
    """Verify the person behind a request that came by e-mail, the web form, a call or a letter."""

    method = forms.ChoiceField(
        label="How the person proved who they are",
        choices=[(m.value, m.label) for m in (Verification.ACCOUNT_AND_BILL, *STAFF_CHECKS)],
    )
    account_number = forms.CharField(label="Account number the person gave", max_length=40)
    bill_kwh = bounds.WholeNumberField(
        label="Last month's electricity use from their bill, kWh (checked against our records)",
        required=False,
        min_value=0,
        max_value=10_000_000,
    )
    verified_with = forms.ChoiceField(
        label="What you checked yourself (the kind of fact or ID, not its value)",
        required=False,
        choices=_verified_with_choices,
    )


class AnswerForm(forms.Form):
    confirmed = forms.BooleanField(required=True)

    def __init__(self, *args, goes: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the answer goes, by the rule the sending follows (`recipients.answer_goes`).
        self.fields["confirmed"].label = goes


class HandOffForm(forms.Form):
    to_service = forms.ChoiceField(label="Hand off to")
    reason = forms.CharField(label="Reason", max_length=500)

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Only the services the policy file lets work this kind of request (all of them without a kind).
        services = current_policy().services
        offered = services_for(kind) if kind else list(services)
        self.fields["to_service"].choices = [(k, services[k].label) for k in offered]


class CloseForm(forms.Form):
    reason = _written(
        "Outcome",
        rows=3,
        max_length=500,
        help_text="What was done or answered, as the request's history and the customer will read it.",
    )


class AssignForm(forms.Form):
    to = forms.ChoiceField(label="Give it to")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(str(u.pk), u.get_full_name() or u.get_username()) for u in members]


class NoteForm(OnceForm):
    text = forms.CharField(
        label="Note",
        max_length=NOTE_LIMIT,
        help_text="For colleagues: sealed with the customer's data, and every reading of it is logged.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyTemplateForm(forms.Form):
    template = forms.ChoiceField(
        label="Start from",
        choices=[(t.key, t.label) for t in REPLY_TEMPLATES],
    )


class ReplyForm(OnceForm):
    body = forms.CharField(
        label="Your reply",
        max_length=REPLY_LIMIT,
        # Where it goes is said above the box, by the rule the sending follows (`recipients.reply_goes`).
        help_text=f"Replace every {BLANK} before sending.",
        widget=forms.Textarea(attrs={"rows": 9}),
    )


class QueueForm(forms.Form):
    """The request queue's filters and order (GET): every field optional."""

    kind = _filter("Type", "Any type", RequestKind.choices)
    channel = _filter("Channel", "Any channel", REQUEST_CHANNELS)
    due = _filter("Due", "Any time", [("overdue", "Overdue"), ("soon", "Overdue or due within 2 days")])
    assigned = _filter("Assigned", "To anyone or nobody", [("me", "To me"), ("nobody", "To nobody yet")])
    order = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("due", "Due date, earliest first"),
            ("oldest", "Age, oldest first"),
            ("newest", "Age, newest first"),
            ("kind", "Type"),
        ],
    )


class ReviewForm(forms.Form):
    note = _written("Finding", rows=2, max_length=2000)


class AccessReviewForm(forms.Form):
    """The access review's filters (GET): every field optional; none shows the latest events."""

    staff = _filter("Staff member", "Anyone")
    customer_id = bounds.IdField(label="Customer number", required=False)
    purpose = _filter("Purpose", "Any purpose")
    decision = _filter("Decision", "Allowed or refused", [("allow", "Allowed"), ("deny", "Refused")])
    since = bounds.DateField(label="From", required=False)
    until = bounds.DateField(label="Until", required=False)
    actor_kind = _filter(
        "Or who else",
        "Anyone",
        [
            ("staff", "Staff"),
            ("customer", "Customers"),
            ("representative", "Customers' representatives"),
            ("system", "System jobs"),
            ("vendor", "Vendors"),
        ],
    )
    actor_id = forms.CharField(
        label="Their number or job name",
        help_text="A customer number (a representative's own, for a representative), a job's name or a "
        "vendor's number, with who it is.",
        required=False,
        max_length=64,
    )
    own_request = forms.BooleanField(label="Only reads through requests the reader entered", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices += [(k, p.label) for k, p in current_policy().purposes.items()]
        self.fields["staff"].choices += [
            (str(u.pk), u.get_full_name() or u.get_username())
            for u in staff_users().order_by("first_name", "last_name", "username")
        ]

    def clean(self):
        data = super().clean()
        if data.get("actor_id") and not data.get("actor_kind"):
            # Staff member 3, customer 3 and vendor 3 are different actors: an id alone matches none.
            self.add_error("actor_kind", "Say who the number is: a staff member, customer, job or vendor.")
        if data.get("staff") and (data.get("actor_kind") or data.get("actor_id")):
            self.add_error("staff", "Choose a staff member, or someone else, not both.")
        return data

    def filters(self) -> dict:
        """The selector's filters from what was chosen (the staff member by name as a staff actor's id)."""
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        return {
            "customer_id": d["customer_id"],
            "actor_kind": "staff" if d["staff"] else d["actor_kind"] or None,
            "actor_id": d["staff"] or d["actor_id"] or None,
            "purpose": d["purpose"] or None,
            "decision": d["decision"] or None,
            "own_request": d["own_request"],
            "since": datetime.combine(d["since"], dtime.min, tz) if d["since"] else None,
            "until": datetime.combine(d["until"], dtime.max, tz) if d["until"] else None,
        }


class AudienceForm(forms.Form):
    customer_class = _filter("Customers", "all", [c for c in CustomerClass.choices if c[0] != "inquirer"])
    service = _filter("With service", "any", Service.choices)
    zip_code = forms.CharField(label="ZIP code", required=False, max_length=10)


class CorrectionForm(OnceForm):
    """A corrected value typed in: only items a person gives us (the others are corrected by their own
    workflows, and the form says where), checked by the field every other form takes it with; the others
    the customer named, one per line as "name | address", each line that isn't one named in the error."""

    field = forms.ChoiceField(label="Item to correct")
    value = forms.CharField(label="Corrected value", max_length=2000)
    named_recipients = _written(
        "Others the customer asked us to tell (one per line: name | e-mail or mailing address)",
        rows=2,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["field"].choices = [
            (c.field, c.label) for c in policy.categories.values() if c.field in CORRECTABLE
        ]

    def full_clean(self):
        # An item corrected by its own workflow is answered with where, not "select a valid choice".
        super().full_clean()
        field = self.data.get("field", "")
        if field in CORRECTED_ELSEWHERE and "field" in self.errors:
            self.errors["field"] = self.error_class([CORRECTED_ELSEWHERE[field]])

    def clean(self):
        """The value as its own field keeps it (a telephone number as 507-451-2480, an address on one
        line); each named recipient a name and an address to reach them."""
        data = super().clean()
        if data.get("field") and data.get("value"):
            try:
                data["value"] = corrected_value(data["field"], data["value"])
            except RequestError as exc:
                self.add_error("value", str(exc))
        data["named"], problems = named_recipients_read(data.get("named_recipients", ""))
        for problem in problems:
            self.add_error("named_recipients", problem)
        return data


def _challengeable():
    return [(c.key, c.label) for c in current_policy().categories.values() if c.key != "correspondence"]


class MeterChallengeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happens to the challenged readings",
        choices=[
            ("reread", "Field services reads the meter again"),
            ("adjustment", "Billing adjusts the bill"),
        ],
    )
    note = forms.CharField(
        label="Which readings, and why (sent to the customer)", max_length=2000, min_length=10
    )


class InFullForm(forms.Form):
    reason = _written(
        "Why this repeat is answered in full (kept on the request)", rows=2, max_length=1000, min_length=10
    )


class MeterResultForm(forms.Form):
    result = forms.ChoiceField(
        label="What the re-read or the review found",
        choices=[
            ("confirmed", "The readings were accurate"),
            ("corrected", "The readings were wrong and are corrected"),
        ],
    )
    findings = _written("What was found (sent to the customer)", rows=3, max_length=2000, min_length=10)


class DisagreementForm(forms.Form):
    statement = _written("Your statement of disagreement", rows=4, min_length=10, max_length=5000)


class DeclineForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label="The data the customer challenged", choices=_challengeable, widget=forms.CheckboxSelectMultiple
    )
    explanation = _written(
        "Why the data is correct (sent to the customer)", rows=3, min_length=20, max_length=5000
    )


class FlagReviewForm(forms.Form):
    """What the privacy officer's review of an unusual-access flag found; the hidden fields name the flag
    (its kind and actor), as the privacy home lists it."""

    kind = forms.CharField(widget=forms.HiddenInput)
    actor_kind = forms.CharField(widget=forms.HiddenInput)
    actor_id = forms.CharField(widget=forms.HiddenInput)
    note = _written(
        "What the review found",
        rows=2,
        max_length=FLAG_NOTE_LIMIT,
        error_messages={"required": "Say what the review found (a sentence)."},
    )

    def names(self, flag) -> bool:
        """This form was sent for `flag` (one form a flag on the page, all sent to one step)."""
        sent = (self.data.get("kind"), self.data.get("actor_kind"), self.data.get("actor_id"))
        return sent == (flag.kind, flag.actor_kind, str(flag.actor_id))


class ThirdPartyReviewForm(forms.Form):
    """The privacy officer's decision on a Connect My Data third party, chosen by the button pressed; a
    refusal or a suspension says why (the connect service holds that rule)."""

    decision = forms.ChoiceField(
        choices=[("approved", "Approve"), ("refused", "Refuse"), ("suspended", "Suspend")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label="Reason (needed to refuse or suspend)", required=False, max_length=500)
