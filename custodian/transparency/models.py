"""The archive of the privacy policy's versions (the policy file and the published text, as each took effect)
and the notices that told customers of a change. Append-only."""

from django.conf import settings
from django.db import models


class PolicyVersion(models.Model):
    version = models.CharField(max_length=20, unique=True)
    effective_date = models.DateField()
    policy_file = models.TextField(help_text="the policy file as it was")
    published_text = models.TextField(help_text="the published policy text as it was")
    sha256 = models.CharField(max_length=64, help_text="digest of the policy file and the text together")
    changes = models.JSONField(
        default=list, help_text="what changed, in plain words, for the customers' notice"
    )
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "pk"]

    def __str__(self):
        return f"Policy {self.version}"


class PolicyChangeNotice(models.Model):
    """Customers told of a policy version: when, by whom, how many by e-mail and by letter."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="notices")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emails = models.PositiveIntegerField()
    letters = models.PositiveIntegerField()
