"""The record of every message the utility sends: to whom, which template, when, by whom, and what became of
it. The content itself is not kept in clear: a digest proves what was sent to someone who holds the text."""

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    # Letters printed and posted by the mailing vendor go through the same record.
    LETTER = "letter", "Letter"


class Status(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    template = models.CharField(max_length=60, help_text="the template's key, e.g. portal_confirm")
    to_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_address_index = models.CharField(
        max_length=64, blank=True, help_text="blind index of the address: findable, never readable"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_label = models.CharField(max_length=150, help_text="the staff member or the system job")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(
        max_length=200, blank=True, help_text="the kind of failure and the server's code, never the text"
    )
    content_sha256 = models.CharField(max_length=64, help_text="digest of subject and body as sent")

    class Meta:
        indexes = [
            models.Index(fields=["to_customer", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["to_address_index"]),
        ]

    def __str__(self):
        return f"{self.template} #{self.pk} ({self.status})"
