"""Peer groups of the neighbour comparisons: which group each eligible home is in (from its premise's type,
heating fuel, size and location: nobody's use), and the monthly aggregates of the groups that passed the
aggregation threshold (at least 15 homes, none over 15 %), so nothing here is any one customer's use. A
customer's own use stays sealed and is joined to their group's row only when they (or staff, for a
purpose) read it through the gate."""

from django.db import models


class PeerGroupMember(models.Model):
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="+")
    peer_group = models.CharField(max_length=120, db_index=True)


class PeerGroupMonth(models.Model):
    peer_group = models.CharField(max_length=120)
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
            models.UniqueConstraint(fields=["peer_group", "month"], name="one_row_per_group_month")
        ]
