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
    """How a staff member verified the person behind a request they entered (a call, visit or letter)."""

    ACCOUNT_AND_FACT = "account_and_fact", "Account number and one more fact from the account"
    PHOTO_ID = "photo_id", "Photo ID shown at the counter"
    NOT_A_CUSTOMER = "not_a_customer", "Not a customer yet: no account to verify against"


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
}
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

    class Meta:
        indexes = [
            models.Index(fields=["customer", "status", "owning_service"]),
            models.Index(fields=["owning_service", "status", "due_on"]),
        ]

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
