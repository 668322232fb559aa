"""Collections: payment agreements, notices and disconnection orders, and a flag that a household has facts
on file for Minnesota's protections.

The facts themselves (whether the household's income qualifies and on what basis, its referral to energy
assistance, a medical certification's dates and the certifier's kind) are sensitive personal data: they are
sealed in the vault (category `disconnection_protection`) and read through the gate for collecting
payments. In clear is only `ProtectionOnFile`, which says there is something to check and nothing about
what (docs/decisions.md, "Protection facts sealed").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from custodian.collecting.choices import DeclineReason


class PaymentAgreement(models.Model):
    """A schedule for paying arrears that considers the household's financial resources (Minn. Stat.
    § 216B.098 subd. 3; § 216B.097 subd. 1(a)(2)). `status` is what was decided (asked, agreed, ended);
    whether an agreed one's payments are kept is read from the ledger against its schedule on the day asked
    (`collecting.agreements.standing_of`), never stored."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested by the customer")
        ACTIVE = "active", _("Agreed")
        # Answered without an agreement (`collecting.services.payment_agreement_decline`).
        DECLINED = "declined", _("Answered without an agreement")
        BROKEN = "broken", _("Payments not kept")
        COMPLETED = "completed", _("Paid off")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="payment_agreements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField()
    monthly_installment = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # What was past due on the day it was agreed: the arrears the installments pay (`collecting.agreements`).
    arrears_agreed = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    considers_household_resources = models.BooleanField(default=True)
    agreed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)
    # A request answered without an agreement: why, the monthly installment the utility offered (when the
    # customer declined its terms), who answered and when. The bar on notices and disconnections then lifts.
    declined_because = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    offered_installment = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    declined_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_on = models.DateField(null=True, blank=True)


class ProtectionOnFile(models.Model):
    """That the customer has facts on file for the protections against disconnection, and nothing more: the
    worklist and disconnection orders read the sealed facts (through the gate, for collecting payments) only
    for the customers flagged here, so customers with nothing on file are not read at all."""

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()


class HeatAlert(models.Model):
    """A National Weather Service heat alert in effect in a county (§ 216B.0975)."""

    county = models.CharField(max_length=40, default="Steele")
    kind = models.CharField(max_length=30)
    starts_on = models.DateField()
    ends_on = models.DateField()


class DisconnectionNotice(models.Model):
    """A notice of proposed disconnection given to the customer, with what it contained, and what happened
    after it that Minn. Stat. § 216B.097 subd. 3(b)-(c) asks about (an answer, the occupancy investigation,
    an appeal)."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=8)
    sent_on = models.DateField()
    delivered_in_person = models.BooleanField(default=False)
    contents = models.JSONField(default=list)
    amount_past_due = models.DecimalField(max_digits=12, decimal_places=2)
    # § 216B.097 subd. 2(b): the copy sent to the local energy assistance provider
    copied_to_assistance_provider_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True, help_text="the customer answered the notice")
    occupancy_investigated_on = models.DateField(null=True, blank=True)
    unit_occupied = models.BooleanField(null=True, blank=True)
    occupant_told_of_rule_on = models.DateField(null=True, blank=True)
    assistance_provider_told_unoccupied_on = models.DateField(null=True, blank=True)
    appeal_filed_on = models.DateField(null=True, blank=True)
    appeal_resolved_on = models.DateField(null=True, blank=True)


class DisconnectionOrder(models.Model):
    """An order to field services to disconnect a service. Exists only when no protection forbade it on
    the day it was issued for; refused attempts are kept with their reasons. An issued order not yet carried
    out (its day today or later) is withdrawn when the customer asks for a payment agreement or one is agreed
    (Minn. Stat. § 216B.098 subd. 3; `collecting.withdrawals`): field services no longer carries it out, and
    nothing issues it again (a refused request needs a new notice and a new order)."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=8)
    scheduled_for = models.DateField()
    issued = models.BooleanField()
    # § 216B.097 subd. 3(a)(1): a Friday disconnection only when the customer declined a payment agreement
    # offered that day in person or by telephone
    agreement_declined_that_day = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, help_text="why the law forbade it, with citations")
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Why, in English with its citation, as `reasons` records a refusal.
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    withdrawn_for = models.ForeignKey(
        PaymentAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
