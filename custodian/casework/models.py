"""Customer requests: the work that request-driven purposes are tied to."""

from django.conf import settings
from django.db import models


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


class RequestChannel(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    PORTAL = "portal", "Customer portal"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone call"
    PAPER = "paper", "Paper form"
    IN_PERSON = "in_person", "In person"


class CustomerRequest(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=24, choices=RequestKind.choices)
    channel = models.CharField(max_length=16, choices=RequestChannel.choices)
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

    class Meta:
        indexes = [
            models.Index(fields=["customer", "status", "owning_service"]),
            models.Index(fields=["owning_service", "status", "due_on"]),
        ]

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

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
