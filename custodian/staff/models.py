"""Staff membership in the utility's support services (the roles the policy file declares)."""

from django.conf import settings
from django.db import models


class ServiceMembership(models.Model):
    """A staff user belongs to one or more support services; the service key must exist in the policy file."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    service = models.CharField(max_length=32)
    # The service's lead: besides taking its requests, gives them to colleagues of the same service.
    lead = models.BooleanField(default=False)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="one_membership_per_service")]

    def __str__(self):
        return f"{self.user} in {self.service}"
