"""Every event is sealed as it is written: an HMAC of its whole content under a key outside the database
(custodian.audit.seals). Events written before keep the column empty and their leaves as they were.

SQLite adds (and removes) the column by rebuilding the table, which drops its triggers: they are made again
after, as in 0008."""

from django.db import migrations, models

from custodian.audit.append_only import events_append_only_again


def _again(apps, schema_editor):
    events_append_only_again(schema_editor, sealed_redactions=False)  # the trigger of its time


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_event_actor_commitment"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _again),
        migrations.AddField(
            model_name="accessevent",
            name="seal",
            field=models.CharField(blank=True, db_default="", max_length=40),
        ),
        migrations.RunPython(_again, migrations.RunPython.noop),
    ]
