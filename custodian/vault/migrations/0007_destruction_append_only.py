"""A destruction of a customer's data is recorded once and never changed."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("vault_datadestruction",)


class Migration(migrations.Migration):
    dependencies = [("vault", "0006_destruction_and_read_holds"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "a destruction record"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
