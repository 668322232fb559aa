"""Two fields of an access event: who a system job or vendor export acted for, and whether the request that
allowed a read was entered by the reader."""

from django.db import migrations, models

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("audit_accessevent",)


def _triggers_again(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table, which drops its triggers: make it append-only again.
    if schema_editor.connection.vendor == "sqlite":
        drop_append_only(schema_editor, TABLES)
        make_append_only(schema_editor, TABLES, "the access log")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="on_behalf_of",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="own_request",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.RunPython(_triggers_again, migrations.RunPython.noop),
    ]
