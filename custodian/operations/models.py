from django.db import models


class JobState(models.Model):
    """One scheduled job's state, kept by the scheduler and the runs themselves: when it was last queued,
    started, finished, its last success and failure (with an error text scrubbed of personal data), and the
    lease that keeps two runs of it from overlapping (on any host)."""

    name = models.CharField(max_length=64, primary_key=True)
    registered_at = models.DateTimeField()  # the first time a scheduler saw this job
    last_scheduled_for = models.DateTimeField(null=True)  # the schedule slot last queued
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_success_at = models.DateTimeField(null=True)
    last_failure_at = models.DateTimeField(null=True)
    last_outcome = models.CharField(max_length=16, blank=True)  # success | failure | skipped
    last_summary = models.CharField(max_length=300, blank=True)  # counts from the last success
    last_error = models.CharField(max_length=500, blank=True)  # scrubbed (custodian.operations.logs)
    last_duration_ms = models.PositiveIntegerField(null=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.last_outcome or 'never run'})"
