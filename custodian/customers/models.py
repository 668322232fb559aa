"""Customer accounts, premises and service points: the structure of the utility's customer base.

Nothing here is personal data in clear: names, contacts, addresses, account numbers, bank accounts and
meter usage live encrypted in the vault (custodian.vault) and are read only through its gate.
"""

from django.db import models


class CustomerClass(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    COMMERCIAL = "commercial", "Commercial"
    # Someone who wrote or called us without (yet) an account: their request and contact details only.
    INQUIRER = "inquirer", "Inquirer (no account)"


class Customer(models.Model):
    customer_class = models.CharField(max_length=16, choices=CustomerClass.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Customer {self.pk}"


class PremiseType(models.TextChoices):
    SINGLE_FAMILY = "single_family", "Single-family home"
    MULTI_FAMILY = "multi_family", "Apartment or multi-family"
    MANUFACTURED = "manufactured", "Manufactured home"
    COMMERCIAL = "commercial", "Commercial building"


class HeatingFuel(models.TextChoices):
    GAS = "gas", "Natural gas"
    ELECTRIC = "electric", "Electric"
    OTHER = "other", "Other (propane, oil, wood)"


class Premise(models.Model):
    """Where service is delivered. Attributes used for peer groups; the street address is in the vault."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="premises")
    premise_type = models.CharField(max_length=16, choices=PremiseType.choices)
    size_sqft = models.PositiveIntegerField()
    heating_fuel = models.CharField(max_length=16, choices=HeatingFuel.choices)
    zip_code = models.CharField(max_length=10)
    feeder = models.CharField(max_length=16)
    is_vacant = models.BooleanField(default=False)
    on_assistance_rate = models.BooleanField(default=False)
    self_generation = models.BooleanField(default=False)


class Service(models.TextChoices):
    ELECTRIC = "electric", "Electric"
    GAS = "gas", "Natural gas"
    WATER = "water", "Water"


SERVICE_UNITS = {Service.ELECTRIC: "kWh", Service.GAS: "therm", Service.WATER: "gal"}


class ServicePoint(models.Model):
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="service_points")
    service = models.CharField(max_length=8, choices=Service.choices)
    meter_number = models.CharField(max_length=20, unique=True)
    unit = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["premise", "service"], name="one_service_point_per_service")
        ]
