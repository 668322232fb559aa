"""Who acted is committed to in an event's leaf instead of written out: the commitment (in the leaf) and its
secret salt (not in it). Events written before keep both empty and their leaves as they were.

SQLite adds (and removes) these columns by rebuilding the table, which drops its triggers: they are made
again after the columns are added, and after they are removed when the migration is reversed."""

from django.db import migrations, models

from custodian.audit.append_only import events_append_only_again


def _again(apps, schema_editor):
    events_append_only_again(schema_editor, sealed_redactions=False)  # the trigger of its time


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_queue_runs"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _again),
        migrations.AddField(
            model_name="accessevent",
            name="actor_commitment",
            field=models.CharField(blank=True, db_default="", max_length=64),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="actor_salt",
            field=models.CharField(blank=True, db_default="", max_length=32),
        ),
        migrations.RunPython(_again, migrations.RunPython.noop),
    ]
