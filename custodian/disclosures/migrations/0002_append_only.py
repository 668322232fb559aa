"""The accounting of disclosures is append-only in the database itself (see audit 0002)."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("disclosures_disclosureentry",)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "the accounting of disclosures"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
