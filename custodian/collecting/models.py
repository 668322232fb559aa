"""Collections: payment agreements, the facts Minnesota's protections turn on, notices and disconnection
orders.

Kept in clear are only the facts the law's tests need (dates, yes/no, the kind of certifier), so the
collections worklist can show every account's protections without opening anyone's data; a certification
form or income document itself, when one is kept, is sealed in the vault like correspondence.
"""

from django.db import models


class PaymentAgreement(models.Model):
    """A schedule for paying arrears that considers the household's financial resources (Minn. Stat.
    § 216B.098 subd. 3; § 216B.097 subd. 1(a)(2))."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested by the customer"
        ACTIVE = "active", "Active, payments kept"
        BROKEN = "broken", "Payments not kept"
        COMPLETED = "completed", "Paid off"

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="payment_agreements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField()
    monthly_installment = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    considers_household_resources = models.BooleanField(default=True)
    agreed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)


class HouseholdProtection(models.Model):
    """What § 216B.097 subd. 1(a) asks about a household: income at or below 50 % of the state median
    (verified on the utility's form, by the energy assistance provider, or deemed by public assistance),
    and the referral to energy assistance."""

    class IncomeBasis(models.TextChoices):
        UTILITY_FORM = "utility_form", "Verified on the utility's form"
        ASSISTANCE_PROVIDER = "assistance_provider", "Verified by the local energy assistance provider"
        PUBLIC_ASSISTANCE = (
            "public_assistance",
            "Deemed: receives public assistance at or below the threshold",
        )

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="+")
    income_verified_on = models.DateField(null=True, blank=True)
    income_basis = models.CharField(max_length=20, choices=IncomeBasis.choices, blank=True)
    referred_on = models.DateField(null=True, blank=True)


class MedicalCertification(models.Model):
    """§ 216B.098 subd. 5: a certification that losing service would threaten a resident's health or
    safety. Only the dates and the certifier's kind; nothing about the condition."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    phoned_on = models.DateField(null=True, blank=True)
    certified_on = models.DateField(null=True, blank=True)
    certifier_kind = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class HeatAlert(models.Model):
    """A National Weather Service heat alert in effect in a county (§ 216B.0975)."""

    county = models.CharField(max_length=40, default="Steele")
    kind = models.CharField(max_length=30)
    starts_on = models.DateField()
    ends_on = models.DateField()


class DisconnectionNotice(models.Model):
    """A notice of proposed disconnection given to the customer, with what it contained."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=8)
    sent_on = models.DateField()
    delivered_in_person = models.BooleanField(default=False)
    contents = models.JSONField(default=list)
    amount_past_due = models.DecimalField(max_digits=12, decimal_places=2)


class DisconnectionOrder(models.Model):
    """An order to field services to disconnect a service. Exists only when no protection forbade it on
    the day it was issued for; refused attempts are kept with their reasons."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=8)
    scheduled_for = models.DateField()
    issued = models.BooleanField()
    reasons = models.JSONField(default=list, help_text="why the law forbade it, with citations")
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
