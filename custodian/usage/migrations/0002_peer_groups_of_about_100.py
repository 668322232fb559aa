# The aggregates are recomputed by `comparison_reports`: the old table is dropped, not converted.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("usage", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="PeerGroupMonth"),
        migrations.CreateModel(
            name="PeerGroupMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("peer_group", models.CharField(max_length=120)),
                ("premise_type", models.CharField(max_length=16)),
                ("heating_fuel", models.CharField(max_length=16)),
                ("area", models.CharField(help_text="ZIP code, or ZIP code / feeder", max_length=40)),
                ("size_band", models.CharField(max_length=16)),
                ("month", models.CharField(max_length=7)),
                ("homes", models.PositiveIntegerField()),
                ("average_kwh", models.FloatField()),
                ("efficient_kwh", models.FloatField()),
                ("computed_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("peer_group", "month"), name="one_row_per_group_month")
                ],
            },
        ),
        migrations.CreateModel(
            name="PeerGroupMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("peer_group", models.CharField(db_index=True, max_length=120)),
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="customers.customer"
                    ),
                ),
            ],
        ),
    ]
