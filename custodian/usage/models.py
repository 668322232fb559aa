"""Peer-group aggregates of the neighbour comparisons: only groups that passed the aggregation threshold
(at least 15 homes, none over 15 %), so nothing here is any one customer's data. A customer's own use stays
in the vault and is joined to their group's row only when they (or staff, for a purpose) read it."""

from django.db import models


class PeerGroupMonth(models.Model):
    premise_type = models.CharField(max_length=16)
    heating_fuel = models.CharField(max_length=16)
    zip_code = models.CharField(max_length=10)
    size_band = models.CharField(max_length=16)
    month = models.CharField(max_length=7)
    homes = models.PositiveIntegerField()
    average_kwh = models.FloatField()
    efficient_kwh = models.FloatField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["premise_type", "heating_fuel", "zip_code", "size_band", "month"],
                name="one_row_per_group_month",
            )
        ]
