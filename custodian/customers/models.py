"""Customers, premises, service points and the accounts that join them over time.

A premise and its meters belong to the utility's territory, not to whoever lives there: an account links a
customer to a premise from the day service starts to the day it stops, so a move-out closes one account and
the next occupant's move-in opens another at the same premise with the same meters.

Nothing here is personal data in clear: names, contacts, addresses, account numbers, bank accounts and
meter usage live encrypted in the vault (custodian.vault) and are read only through its gate.
"""

from django.db import models

# The app's choices live in choices.py (forms and views name them without the models); named here too.
from custodian.customers.choices import (  # noqa: F401
    SERVICE_UNITS,
    AccountRole,
    CloseReason,
    CustomerClass,
    HeatingFuel,
    PremiseType,
    Service,
    ServiceChangeKind,
    ServiceChangeStatus,
)


class Customer(models.Model):
    customer_class = models.CharField(max_length=16, choices=CustomerClass.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The language the customer chose in the portal (a code of settings.LANGUAGES; empty: not chosen). Kept in
    # clear like the customer class: the pages must be drawn before anything could be opened.
    language = models.CharField(max_length=8, blank=True)

    def __str__(self):
        return f"Customer (internal ref. {self.pk})"


class Premise(models.Model):
    """Where service is delivered, whoever lives there. Attributes used for peer groups; the street address
    each customer gave is in the vault."""

    premise_type = models.CharField(max_length=16, choices=PremiseType.choices)
    size_sqft = models.PositiveIntegerField()
    heating_fuel = models.CharField(max_length=16, choices=HeatingFuel.choices)
    zip_code = models.CharField(max_length=10)
    feeder = models.CharField(max_length=16)
    is_vacant = models.BooleanField(default=False)
    on_assistance_rate = models.BooleanField(default=False)
    self_generation = models.BooleanField(default=False)


class ServicePoint(models.Model):
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="service_points")
    service = models.CharField(max_length=8, choices=Service.choices)
    meter_number = models.CharField(max_length=20, unique=True)
    unit = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["premise", "service"], name="one_service_point_per_service")
        ]


class Account(models.Model):
    """A customer's service at a premise over time. Open while `closed_on` is empty; a closed account's
    closing date is where the retention schedule counts from. `opened_notice_*` is the notice at
    collection shown when service was applied for, as it was then."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts")
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="accounts")
    role = models.CharField(max_length=16, choices=AccountRole.choices, default=AccountRole.OCCUPANT)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    opened_notice_key = models.CharField(max_length=40, blank=True)
    opened_notice_version = models.CharField(max_length=20, blank=True)
    # The notice for the meter readings the premise's meters will collect, shown with the application.
    metering_notice_key = models.CharField(max_length=40, blank=True)
    metering_notice_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One account carries a premise at a time: the occupant's, or the owner's while it is vacant.
            models.UniqueConstraint(
                fields=["premise"],
                condition=models.Q(closed_on__isnull=True),
                name="one_open_account_per_premise",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="account_closes_after_it_opens",
            ),
        ]
        indexes = [models.Index(fields=["customer", "closed_on"])]

    def __str__(self):
        return f"Account (internal ref. {self.pk})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ServiceChange(models.Model):
    """A customer's request to stop service or move it within the territory (from the portal, or taken by
    customer service on a call), and what was done with it. Only ids, kinds and dates in clear: an address the
    customer gave with it (where to send the final bill, the new service address) is sealed in the vault
    under `address_ref`, read through the gate for providing services."""

    Kind = ServiceChangeKind
    Status = ServiceChangeStatus

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="service_changes")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="service_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField(help_text="the last day of service (stop) or the moving day (transfer)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    channel = models.CharField(max_length=12)
    notice_key = models.CharField(max_length=40, blank=True)
    notice_version = models.CharField(max_length=20, blank=True)
    address_ref = models.CharField(max_length=80, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            # One open request per account: a second is an edit of the first, withdrawn and asked again.
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(status="requested"), name="one_open_change_per_account"
            )
        ]
