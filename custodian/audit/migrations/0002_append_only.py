"""Make the access log append-only in the database itself, and create the chain's head row."""

from django.db import migrations

from custodian.audit.append_only import PG_FUNCTION, drop_append_only, make_append_only

TABLES = ("audit_accessevent", "audit_checkpoint")


def forwards(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, None)
    make_append_only(schema_editor, TABLES, "the access log")


def backwards(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
