"""Destruction records and erasure records are append-only."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("retention_destructionrecord", "retention_erasurerecord")


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "a destruction record"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
