"""Retention runs and the destruction records they write: what was destroyed, how many, how, under which item
of the retention schedule (as the policy file cited it that day). Append-only in the database."""

from django.conf import settings
from django.db import models


class RetentionRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    as_of = models.DateField(help_text="the day the periods are counted back from")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by_label = models.CharField(max_length=150, help_text="a staff member or the scheduler")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    policy_version = models.CharField(max_length=20)


class DestructionRecord(models.Model):
    """One record series destroyed in one run. Written in the transaction that destroys (or, for the interval
    store's files, right after), never changed."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records")
    schedule_item = models.CharField(max_length=40, help_text="the policy file's retention schedule item")
    citation = models.CharField(max_length=400, help_text="the schedule and its item, as cited that day")
    period = models.CharField(max_length=40, help_text="e.g. 6 years")
    cutoff = models.DateTimeField(help_text="what was older than this was destroyed")
    what = models.CharField(max_length=300)
    method = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    details = models.JSONField(default=dict, help_text="counts by kind, never personal data")
    destroyed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["schedule_item", "destroyed_at"])]


class ErasureRecord(models.Model):
    """A customer's request to erase their data, carried out as far as the law allows: what was deleted, and
    the letter that answered it (what was deleted, what is kept and why). Append-only."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    carried_out_at = models.DateTimeField()
    requested_via = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    values_deleted = models.PositiveIntegerField()
    online_account_deleted = models.BooleanField()
    answer_letter = models.ForeignKey("outbox.OutboundMessage", on_delete=models.PROTECT, related_name="+")
    deletes_later = models.JSONField(
        default=dict,
        blank=True,
        help_text="field → the day (YYYY-MM-DD) a value kept for a while is deleted, as the answer told",
    )
