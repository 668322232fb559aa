"""The accounting of disclosures (model: 45 CFR 164.528): one append-only entry per customer per
disclosure outside the utility, kept at least six years; and the notices a correction sends to past
recipients (Minn. Stat. § 13.04 subd. 4)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.disclosures.choices import LEGAL_AUTHORITY_KINDS
from custodian.textlist import CommaList


class DisclosureEntry(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField()
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.CharField(max_length=300, blank=True)
    data_description = models.CharField(max_length=500)
    categories = models.CharField(
        max_length=300, help_text="comma-separated category keys of the policy file"
    )
    purpose = models.CharField(max_length=200, help_text="the purpose of the disclosure")
    basis_kind = models.CharField(
        max_length=24,
        choices=[
            ("consent", _("Prior written consent")),
            ("legal_authority", _("Legal authority")),
            ("vendor_determination", _("Vendor determination")),
        ],
    )
    basis_ref = models.CharField(max_length=100, help_text="consent id, legal citation or determination id")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The batch the entry was written in, whose event in the access log seals it
    # (custodian.disclosures.sealed); empty on entries written before.
    batch = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["customer", "disclosed_at"])]

    category_list = CommaList("categories")


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

    category_list = CommaList("categories")


class Disagreement(models.Model):
    """The customer's statement of disagreement with data the utility found accurate and complete
    (Minn. Stat. § 13.04 subd. 4(a)): kept with the data, and included whenever the data in dispute is
    disclosed. The statement is the customer's own words, sealed as their correspondence (`sealed_ref`);
    here only which data it concerns and when. Append-only."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("casework.CustomerRequest", on_delete=models.PROTECT, related_name="+")
    categories = models.CharField(max_length=300)
    sealed_ref = models.CharField(max_length=80)
    recorded_at = models.DateTimeField(auto_now_add=True)

    category_list = CommaList("categories")


class Consent(models.Model):
    """A customer's prior written consent to disclose named data to a named recipient for a purpose.

    Immutable once signed; revocation is a separate record. Signed on paper (the scan is sealed in the vault,
    a staff member verified the signature) or electronically in the portal (the exact text shown, time, IP).
    The consent's own words (who receives the data, how to reach them, for what, and the text the customer
    agreed to) are the customer's and may name a person: they are sealed in the vault as the customer's
    correspondence under `sealed_ref` and read through the gate (`disclosures.selectors.consent_words`).
    """

    METHODS = [("paper", "Paper, signature verified by staff"), ("electronic", "Electronic, in the portal")]

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    sealed_ref = models.CharField(
        max_length=80, help_text="the sealed words: recipient, contact, purpose, text shown"
    )
    categories = models.CharField(max_length=300)
    covers_from = models.DateField(help_text="historical data from this date")
    covers_until = models.DateField(
        null=True, blank=True, help_text="future data until this date (empty: until revoked)"
    )
    expires_on = models.DateField(null=True, blank=True)
    allows_sale = models.BooleanField(default=False, help_text="the consent names sale or payment explicitly")
    terms = models.TextField(
        help_text="the terms the customer was given: how to revoke, no further sharing, "
        "refusing does not affect service"
    )
    method = models.CharField(max_length=12, choices=METHODS)
    signed_at = models.DateTimeField()
    signer_ip = models.CharField(max_length=64, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan_ref = models.CharField(max_length=80, blank=True, help_text="paper: the sealed scan's reference")
    recorded_at = models.DateTimeField(auto_now_add=True)

    category_list = CommaList("categories")

    def lapse(self, at=None) -> str | None:
        """Why the consent does not stand at `at` (now when not given): "not_signed" (signed later),
        "revoked", "expired" (past `expires_on`) or "period_ended" (past `covers_until`); None while it
        stands. The one rule the gate's reads for a third party, the disclosure desk, Connect My Data and the
        customer's own record of their consents all apply. A revocation not loaded is looked up."""
        at = at or timezone.now()
        day = timezone.localdate(at)
        revocation = getattr(self, "revocation", None)
        if self.signed_at > at:
            return "not_signed"
        if revocation is not None and revocation.revoked_at <= at:
            return "revoked"
        if self.expires_on is not None and self.expires_on < day:
            return "expired"
        if self.covers_until is not None and self.covers_until < day:
            return "period_ended"
        return None


class ConsentRevocation(models.Model):
    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="revocation")
    revoked_at = models.DateTimeField()
    how = models.CharField(max_length=100, help_text="portal, letter, phone call …")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class LegalAuthority(models.Model):
    """A subpoena, court order or statutory release (Minn. Stat. § 13.685) and what it covers."""

    KINDS = LEGAL_AUTHORITY_KINDS

    kind = models.CharField(max_length=12, choices=KINDS)
    citation = models.CharField(max_length=300)
    statute_release = models.CharField(
        max_length=200, blank=True, help_text="which entry of the § 13.685 list"
    )
    is_law_enforcement = models.BooleanField(default=False)
    requester = models.CharField(max_length=200)
    requester_address = models.CharField(max_length=300, blank=True)
    document_name = models.CharField(max_length=200)
    document = models.BinaryField()
    document_sha256 = models.CharField(max_length=64)
    customers = models.ManyToManyField("customers.Customer", related_name="+")
    categories = models.CharField(max_length=300)
    valid_until = models.DateField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Every legal authority names its second approver when recorded; it covers nothing until they approve it
    # themselves, in their own session (`legal_authority_second_approve`). `is_law_enforcement` only says what
    # it is, confirmed by them.
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    category_list = CommaList("categories")

    @property
    def awaits_second_approver(self) -> bool:
        return self.second_approved_at is None


class Vendor(models.Model):
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=40, help_text="a vendor function of the policy file")
    contact = models.CharField(max_length=300)
    contract_start = models.DateField()
    contract_end = models.DateField()
    public_key = models.CharField(
        max_length=64, help_text="the vendor's X25519 public key (base64) for export files"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)


class VendorDetermination(models.Model):
    """The determination that the vendor's use of the data directly advances the general welfare, health or
    safety of the public: who decided, when, why, and when it must be reviewed. Append-only. It takes effect
    only once a second person approves it (`DeterminationDecision`); until then it is waiting."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="determinations")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    rationale = models.TextField()
    review_by = models.DateField()


class DeterminationDecision(models.Model):
    """A second person's answer to a vendor determination: approved (it takes effect) or declined (it never
    does; the one who recorded it withdraws it this way). One per determination. Append-only."""

    determination = models.OneToOneField(
        VendorDetermination, on_delete=models.PROTECT, related_name="decision"
    )
    approved = models.BooleanField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()


class DisclosureRequest(models.Model):
    """Every request to disclose, granted or refused, with the reason."""

    recipient_name = models.CharField(max_length=200)
    recipient_address = models.CharField(max_length=300, blank=True)
    categories = models.CharField(max_length=300)
    purpose = models.CharField(max_length=200)
    basis_kind = models.CharField(max_length=24)
    basis_ref = models.CharField(max_length=100, blank=True)
    is_sale = models.BooleanField(default=False)
    customer_count = models.PositiveIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=[("disclosed", "Disclosed"), ("refused", "Refused")])
    reason = models.CharField(max_length=500)


class VendorExport(models.Model):
    """One export file for a vendor. `done` only once the file is complete and every customer in it is in
    the accounting; anything else is cleaned up and can be re-run."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="exports")
    determination = models.ForeignKey(VendorDetermination, on_delete=models.PROTECT, related_name="+")
    function = models.CharField(max_length=40)
    for_marketing = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=[("running", "Running"), ("done", "Done"), ("failed", "Failed")]
    )
    file_name = models.CharField(max_length=200)
    sealed_key = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    categories = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class VendorPseudonym(models.Model):
    """Which customer a vendor's pseudonym stands for: results come back keyed by pseudonym and are
    re-identified here, inside Custodian, never by the vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(max_length=32)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "pseudonym"], name="one_pseudonym_per_vendor")
        ]
