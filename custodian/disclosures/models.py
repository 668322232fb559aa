"""The accounting of disclosures (model: 45 CFR 164.528): one append-only entry per customer per
disclosure outside the utility, kept at least six years; and the notices a correction sends to past
recipients (Minn. Stat. § 13.04 subd. 4)."""

from django.conf import settings
from django.db import models


class DisclosureEntry(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField()
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.CharField(max_length=300, blank=True)
    data_description = models.CharField(max_length=500)
    categories = models.CharField(
        max_length=300, help_text="comma-separated category keys of the policy file"
    )
    purpose = models.CharField(max_length=40)
    basis_kind = models.CharField(
        max_length=24,
        choices=[
            ("consent", "Prior written consent"),
            ("legal_authority", "Legal authority"),
            ("vendor_determination", "Vendor determination"),
        ],
    )
    basis_ref = models.CharField(max_length=100, help_text="consent id, legal citation or determination id")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "disclosed_at"])]

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class CorrectionNotice(models.Model):
    """A past recipient (or one the customer named) to be told that data they received was corrected."""

    request = models.ForeignKey(
        "casework.CustomerRequest", on_delete=models.PROTECT, related_name="correction_notices"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.CharField(max_length=300, blank=True)
    categories = models.CharField(max_length=300)
    source = models.CharField(
        max_length=16,
        choices=[("accounting", "Disclosure accounting"), ("customer", "Named by the customer")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
