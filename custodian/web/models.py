from django.db import models


class RateCount(models.Model):
    """One attempt counter (custodian.web.counters): a keyed hash, the attempts in its window, and when the
    window ends (Unix seconds)."""

    key = models.CharField(max_length=80, primary_key=True)
    count = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
