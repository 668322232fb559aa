from django.db import models


class RateCount(models.Model):
    """One attempt counter (custodian.web.counters): a keyed hash, the attempts in its window, and when the
    window ends (Unix seconds)."""

    key = models.CharField(max_length=80, primary_key=True)
    count = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class FormSent(models.Model):
    """One rendered form that was sent and recorded (custodian.web.once): its one-time token, when, and what
    it recorded (the record's number and the page it went to, no personal data), so that a copy of the same
    form sent again is told where the first went instead of recording a second. Pruned after a day by the
    retention run."""

    token = models.CharField(max_length=43, primary_key=True)
    sent_at = models.DateTimeField(db_index=True)
    number = models.CharField(max_length=20, blank=True)
    url = models.CharField(max_length=400, blank=True)

    def __str__(self):
        return f"{self.token[:6]}…: #{self.number}"
