"""The policy archive and the notices of a change are append-only."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("transparency_policyversion", "transparency_policychangenotice")


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "the policy archive"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
