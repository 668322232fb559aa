"""A vendor determination takes effect only once a second person approves it: the decisions, append-only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("disclosures_determinationdecision",)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0007_statements_of_disagreement"),
        ("audit", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeterminationDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("approved", models.BooleanField()),
                ("decided_at", models.DateTimeField()),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "determination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision",
                        to="disclosures.vendordetermination",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "a disclosure record"),
            lambda apps, se: drop_append_only(se, TABLES),
        ),
    ]
