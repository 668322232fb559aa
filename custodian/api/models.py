"""API clients: staff members, system jobs and vendors, each with a bearer token (stored hashed)."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=8, choices=[("staff", "Staff"), ("system", "System job"), ("vendor", "Vendor")]
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    job = models.CharField(max_length=40, blank=True)
    vendor_function = models.CharField(max_length=40, blank=True)
    vendor = models.ForeignKey("disclosures.Vendor", null=True, blank=True, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
