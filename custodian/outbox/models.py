"""The record of every message the utility sends: to whom, which template, when, by whom, what became of it
(delivered, sent again after a temporary failure, refused, bounced or returned), and where its text is.

The text itself is never in clear here: it is sealed in the vault under the customer's data key as their
correspondence (`content_ref` names the sealed document) and read back only through the gate; a digest proves
what was sent to anyone holding the text. A message to nobody's account (an auditor, a member of staff) is
not kept at all beyond its digest: there is no customer key to seal it under.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    # Printed and posted by the letter-mailing vendor, from its export.
    LETTER = "letter", _("Letter")


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting for the mailing vendor's next export")
    # A letter to a customer who chose paperless billing: kept in My account, told by e-mail, never printed.
    ONLINE = "online", _("In My account (paperless): not mailed")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Not delivered yet: will be sent again")
    FAILED = "failed", _("Not delivered: refused, or every attempt failed")
    BOUNCED = "bounced", _("Bounced or returned after it was sent")


class OutboundMessage(models.Model):
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    template = models.CharField(max_length=60, help_text="the template's key, e.g. portal_confirm")
    to_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_address_index = models.CharField(
        max_length=64, blank=True, help_text="blind index of the address: findable, never readable"
    )
    regarding = models.CharField(
        max_length=60, blank=True, help_text="what the message is about, e.g. incident:4 or request:12"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_label = models.CharField(max_length=150, help_text="the staff member or the system job")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="the mail server took it, or the letter went to the mailing vendor"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(
        max_length=200, blank=True, help_text="the kind of failure and the server's code, never the text"
    )
    bounced_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(
        max_length=200, blank=True, help_text="the e-mail's Message-ID (partly random): a bounce names it"
    )
    content_sha256 = models.CharField(max_length=64, help_text="digest of subject and body as sent")
    content_ref = models.CharField(
        max_length=80, blank=True, help_text="the sealed correspondence holding the text; empty: not kept"
    )
    letter_export = models.ForeignKey(
        "disclosures.VendorExport", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The e-mail telling a paperless customer a letter waits in My account names that letter: the e-mail
    # failing for good, the same letter is mailed (one letter on the record, not a second one).
    tells_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the letter kept in My account this e-mail says is waiting",
    )

    # The data categories its text carries, comma-separated, where the letter says so itself (a data
    # request's answer: what it holds); empty: its template's (custodian.outbox.carried).
    carries = models.CharField(max_length=400, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["to_customer", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["to_address_index"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["regarding"]),
        ]

    def __str__(self):
        return f"{self.template} #{self.pk} ({self.status})"
