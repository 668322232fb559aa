"""Encrypted personal data, its provenance, data keys and emergency-access grants.

`PersonalValue.ciphertext` is never read outside custodian.vault (a test enforces it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

# The app's choices live in choices.py (forms and views name them without the models); named here too.
from custodian.vault.choices import (  # noqa: F401
    PERSON_CHANNELS,
    Channel,
)


class Provenance(models.Model):
    """How a submission reached us: every personal value points at one."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(
        max_length=150, help_text="who recorded it: a staff name, 'the customer'"
    )
    notice_key = models.CharField(
        max_length=40, blank=True, help_text="the notice at collection shown; empty: none was shown"
    )
    notice_version = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=200, blank=True)

    @property
    def channel_label(self):
        """The channel in the reader's language, as get_channel_display gives it, looked up by its value:
        get_channel_display hashes every channel's translated label on each call (a row of the portal
        home each)."""
        return Channel(self.channel).label if self.channel in Channel.values else self.channel


class DataKey(models.Model):
    customer = models.OneToOneField("customers.Customer", primary_key=True, on_delete=models.PROTECT)
    key_id = models.CharField(max_length=40, db_index=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)


class PersonalValue(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=32)
    ciphertext = models.BinaryField()
    blind_index = models.CharField(max_length=64, blank=True, db_index=True)
    provenance = models.ForeignKey(Provenance, on_delete=models.PROTECT, related_name="values")
    recorded_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "field"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_value",
            )
        ]
        indexes = [models.Index(fields=["customer", "field", "superseded_at"])]


class BreakGlassGrant(models.Model):
    """Emergency access: a reason, a time limit, an audit entry, and review afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=40)
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)


class SealedDocument(models.Model):
    """A message or file a customer sent (category `correspondence`), sealed under the customer's data key.

    `ref` names what it belongs to (e.g. "request:12:message:1"); the filename and content are inside the
    seal, so only the gate can read them.
    """

    # Indexed by (customer, ref) and (customer, category, ref) below, which serve every read by customer.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    category = models.CharField(max_length=32)
    ref = models.CharField(max_length=80)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    ciphertext = models.BinaryField()
    provenance = models.ForeignKey(Provenance, on_delete=models.PROTECT, related_name="documents")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "ref"], name="one_document_per_ref")]
        indexes = [models.Index(fields=["customer", "category", "ref"])]


class DataDestruction(models.Model):
    """A customer whose data was destroyed under the retention schedule: their data key was destroyed first,
    then their sealed values, documents and interval blocks. The customer's internal number stays (the access
    log, the ledger and the accounting of disclosures refer to it) and the gate answers with this record
    (the schedule item and the day) instead of an error or an empty page. Append-only."""

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule_item = models.CharField(max_length=40, help_text="the policy file's retention schedule item")
    destroyed_at = models.DateTimeField()
    record_ref = models.CharField(max_length=60, help_text="the destruction record, e.g. retention run 12")


class ReadHold(models.Model):
    """Reads without a request past the policy file's limit per hour, held by the gate until a reviewer of
    access (the privacy officer) approves or refuses; an approval lets the staff member read on until it
    ends. The hold and the decision are in the access log too."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    purpose = models.CharField(max_length=40)
    customers_in_hour = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    approved_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "status", "approved_until"])]
