"""API clients: staff members, system jobs and registered vendors, each with a bearer token (stored
hashed).

Every token has an owner and an expiry. A staff token acts as its owner; a system job's token acts as the
job on behalf of its owner (the staff member who answers for it, named on every access event it causes); a
vendor token belongs to one registered vendor and reaches only that vendor's export files. Whether a token
still works is decided on every request (owner active, vendor current), never only when it is issued.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=8, choices=[("staff", "Staff"), ("system", "System job"), ("vendor", "Vendor")]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="staff: the member it acts as; system job: the staff member who answers for it",
    )
    job = models.CharField(max_length=40, blank=True)
    vendor = models.ForeignKey("disclosures.Vendor", null=True, blank=True, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="api_token_has_one_owner",
                condition=(
                    Q(kind="staff", owner__isnull=False, job="", vendor__isnull=True)
                    | (Q(kind="system", owner__isnull=False, vendor__isnull=True) & ~Q(job=""))
                    | Q(kind="vendor", owner__isnull=True, job="", vendor__isnull=False)
                ),
            )
        ]

    @property
    def owner_label(self) -> str:
        if self.kind == "vendor":
            return f"vendor {self.vendor_id} ({self.vendor.name})"
        return self.owner.get_username()
