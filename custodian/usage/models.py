"""Peer groups of the neighbour comparisons: which group each eligible home is in (from its premise's type,
heating fuel, size and location: nobody's use), and the monthly aggregates of the groups that passed the
aggregation threshold (the policy file's `[aggregation]`: at least so many homes, none over so large a
share), so nothing here is any one customer's use. A
customer's own use stays sealed and is joined to their group's row only when they (or staff, for a
purpose) read it through the gate."""

from django.db import models

from custodian.background import Run


class PeerGroupMember(models.Model):
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="+")
    peer_group = models.CharField(max_length=120, db_index=True)


class PeerGroupMonth(models.Model):
    """A shown group's month of one service: its homes' average and efficient fifth's use, in the service's
    billing unit (kWh, therms, gallons; the field names are electricity's, the service's first)."""

    peer_group = models.CharField(max_length=120)
    service = models.CharField(max_length=8, default="electric")
    premise_type = models.CharField(max_length=16)
    heating_fuel = models.CharField(max_length=16)
    area = models.CharField(max_length=40, help_text="ZIP code, or ZIP code / feeder")
    size_band = models.CharField(max_length=16)
    month = models.CharField(max_length=7)
    homes = models.PositiveIntegerField()
    average_kwh = models.FloatField()
    efficient_kwh = models.FloatField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["peer_group", "service", "month"], name="one_row_per_group_service_month"
            )
        ]


class ReportRun(Run):
    """One bulk generation of the neighbour comparisons for every eligible home, and optionally the mailing
    of the letters through a report-mailing vendor's export; its progress is what the console shows."""

    mail_vendor = models.ForeignKey(
        "disclosures.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    export = models.ForeignKey(
        "disclosures.VendorExport", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class MeteredUnit(models.Model):
    """The unit a usage point's gas or water meter reads in (ft3, m3, gal, therm) and its scale (the file's
    powerOfTenMultiplier: CCF is ft3 with 2), as the latest Green Button file imported for it said. The
    interval store keeps gas in therms and water in gallons (the billing units); the export gives the
    metered unit back. In clear, like the interval store's index: it describes the meter, not its use."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    usage_point = models.CharField(max_length=40, help_text="gas, gas#2, water, …")
    unit = models.CharField(max_length=8)
    power = models.SmallIntegerField(default=0, help_text="powerOfTenMultiplier of the metered values")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "usage_point"], name="one_metered_unit_per_point")
        ]
