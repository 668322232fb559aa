"""Investigation notes and security assessments are append-only."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("incidents_incidentnote", "incidents_securityassessment")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "an incident record"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
