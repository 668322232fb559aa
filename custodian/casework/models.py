"""Customer requests: the work that request-driven purposes are tied to."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from custodian.vault.models import PERSON_CHANNELS


class RequestKind(models.TextChoices):
    BILLING_QUESTION = "billing_question", "Billing question"
    PAYMENT = "payment", "Payment"
    PROBLEM = "problem", "Problem or outage"
    SERVICE_CHANGE = "service_change", "Start, stop or transfer service"
    PRIVACY_QUESTION = "privacy_question", "Privacy question"
    DATA_ACCESS = "data_access", "Data access request"
    CORRECTION = "correction", "Correction request"
    OTHER = "other", "Other"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Verification(models.TextChoices):
    """How the person behind a request was verified: by a staff member who entered or verified it (a call,
    visit or letter), by the portal's sign-in, or by the account number and a bill figure checked against the
    records."""

    ACCOUNT_AND_FACT = "account_and_fact", "Account number and one more fact from the account"
    PHOTO_ID = "photo_id", "Photo ID shown at the counter"
    NOT_A_CUSTOMER = "not_a_customer", "Not a customer yet: no account to verify against"
    PORTAL_SIGN_IN = "portal_sign_in", "Signed in to the customer portal"
    ACCOUNT_AND_BILL = (
        "account_and_bill",
        "Account number and a figure from the bill, checked against our records",
    )


# What was checked, by method: the kind of fact or document, never its value (nothing personal in clear).
VERIFIED_WITH = {
    Verification.ACCOUNT_AND_FACT: {
        "name": "Name on the account",
        "service_address": "Service address",
        "mailing_address": "Mailing address",
        "phone": "Telephone number on file",
        "email": "E-mail address on file",
        "last_bill": "Amount of the last bill",
        "last_payment": "Date or amount of the last payment",
    },
    Verification.PHOTO_ID: {
        "drivers_license": "Driver's license or state ID card",
        "passport": "Passport",
        "other_government_id": "Other government photo ID",
    },
    Verification.NOT_A_CUSTOMER: {},
    Verification.PORTAL_SIGN_IN: {},
    Verification.ACCOUNT_AND_BILL: {"last_electric_kwh": "Last month's electricity use on the bill"},
}
# Methods that verify the person as the account's customer (a data request's package needs one of them).
VERIFYING = frozenset(
    {
        Verification.ACCOUNT_AND_FACT,
        Verification.PHOTO_ID,
        Verification.PORTAL_SIGN_IN,
        Verification.ACCOUNT_AND_BILL,
    }
)
# A request to see or correct one's data asks more of the staff member's check than a question does: the
# one more fact comes from the bill, which someone who merely knows the customer does not have.
DATA_REQUEST_FACTS = frozenset({"last_bill", "last_payment"})
# The methods each staff-entered channel allows: no ID can be shown over the phone or in a letter.
VERIFICATION_BY_CHANNEL = {
    "phone": {Verification.ACCOUNT_AND_FACT, Verification.NOT_A_CUSTOMER},
    "paper": {Verification.ACCOUNT_AND_FACT, Verification.NOT_A_CUSTOMER},
    "in_person": {Verification.ACCOUNT_AND_FACT, Verification.PHOTO_ID, Verification.NOT_A_CUSTOMER},
}


class CustomerRequest(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=24, choices=RequestKind.choices)
    channel = models.CharField(max_length=16, choices=[(c.value, c.label) for c in PERSON_CHANNELS])
    status = models.CharField(max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    owning_service = models.CharField(max_length=32)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    # For idempotent imports: a hash of the e-mail's Message-ID (or of the raw message when it has none).
    source_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Staff-entered requests: how the staff member who entered it (opened_by) verified the person, and what
    # was checked (a key of VERIFIED_WITH). Empty for requests from the portal, the web form and e-mail.
    verification = models.CharField(max_length=20, choices=Verification.choices, blank=True)
    verified_with = models.CharField(max_length=24, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A request that arrived from someone not yet known (an inquirer) and was then verified as an account's
    # customer moves to that customer; the inquirer it arrived as is kept (its messages are sealed there).
    received_as = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A data request's answer: when, and the letter that carried it (on the outbox's record).
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        "outbox.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["customer", "status", "owning_service"]),
            models.Index(fields=["owning_service", "status", "due_on"]),
        ]

    @property
    def is_verified(self) -> bool:
        return self.verification in VERIFYING

    @property
    def verification_label(self) -> str:
        if not self.verification:
            return ""
        checked = VERIFIED_WITH[self.verification].get(self.verified_with, "")
        return f"{self.get_verification_display()}{f' ({checked})' if checked else ''}"

    @property
    def is_overdue(self) -> bool:

        return (
            self.status == RequestStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class RequestEvent(models.Model):
    """The request's history: opened, handed off (with a reason), closed."""

    request = models.ForeignKey(CustomerRequest, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16)
    from_service = models.CharField(max_length=32, blank=True)
    to_service = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)


class RepresentativeKind(models.TextChoices):
    POWER_OF_ATTORNEY = "power_of_attorney", "Power of attorney"
    GUARDIAN = "guardian", "Guardian"
    CONSERVATOR = "conservator", "Conservator"
    ESTATE = "estate", "Personal representative of the estate"
    PROPERTY_MANAGER = "property_manager", "Property manager (owner's account)"


class RepresentativeScope(models.TextChoices):
    """What a representative may do in the portal for the customer. Each portal page needs one."""

    VIEW = "view", "See the customer's data, bills, usage and letters"
    REQUESTS = "requests", "Make requests (questions, data requests, challenges) for the customer"
    PAYMENTS = "payments", "Pay bills and arrange payments"
    CONTACT = "contact", "Change contact details and the marketing choice"
    CONSENTS = "consents", "Give and revoke consents, ask for the data to be deleted"


class Representative(models.Model):
    """Someone authorised to act for a customer (Minn. Stat. § 13.02 subd. 8's "individual" includes a
    guardian or other representative): who (their own record, `person`: a name and an e-mail address sealed
    there), by what authority (the document sealed under the customer's key, `document_ref`), verified by
    staff, what they may do (`scope`), which of the customer's data they may see (`categories`: the gate
    refuses them any other) and until when. They act in the portal; every act is logged naming both."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="representatives"
    )
    person = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="represents")
    kind = models.CharField(max_length=20, choices=RepresentativeKind.choices)
    scope = models.CharField(max_length=100)
    # The policy file's data categories they may read for the customer, comma-separated; the gate enforces it.
    categories = models.CharField(max_length=400, default="")
    document_ref = models.CharField(max_length=80)
    starts_on = models.DateField()
    expires_on = models.DateField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scope.split(",") if s]

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        day = on or timezone.localdate()
        return (
            self.verified_at is not None
            and self.revoked_at is None
            and self.starts_on <= day <= self.expires_on
        )
