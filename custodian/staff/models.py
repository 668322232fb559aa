"""Staff membership in the utility's support services (the roles the policy file declares)."""

from django.conf import settings
from django.db import models

from custodian.staff.choices import ChangeKind, ChangeStatus


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


class StaffChange(models.Model):
    """A staff change that widens someone's access to customer data or power to decide on others' access, or
    lets one person act as another, held until an administrator independent of the asker and of the member
    concerned approves it (custodian.staff.independence): until then it does nothing, and past `expires_at`
    it can no longer be approved."""

    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # What was asked: the support services and leads to set, or the token's name and lifetime.
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"change {self.pk}: {self.get_kind_display()} for {self.subject}"


class StaffOrigin(models.Model):
    """Who added a member of staff from the console: an approval must come from someone independent of the
    asker and of the member concerned, and no account joined to either by adding, up or down, is
    (custodian.staff.independence). Members added on the server's command line have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_origin"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} added by {self.created_by}"


class SetupLink(models.Model):
    """A one-time link by e-mail with which a member of staff chooses their own password (a new account, an
    approved reset): nobody else ever sees the password. Only a digest of the link's secret is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"set-up link for {self.user}"
