"""On SQLite the sequencer's queue is keyed by its rowid (one B-tree, not a table and a unique index): the
trigger that queues every access event inserts there, and that insert cost as much as the event's own row.
The trigger names the table, so it is dropped while the table is rebuilt and made again after. On
PostgreSQL the column stays a bigint and nothing changes but the trigger made again."""

from django.db import migrations

import custodian.audit.models
from custodian.audit.append_only import drop_event_queue, make_event_queue


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_no_truncate"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: drop_event_queue(schema_editor),
            lambda apps, schema_editor: make_event_queue(schema_editor),
        ),
        migrations.AlterField(
            model_name="pendingevent",
            name="event_seq",
            field=custodian.audit.models.RowidBigIntegerField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(
            lambda apps, schema_editor: make_event_queue(schema_editor),
            lambda apps, schema_editor: drop_event_queue(schema_editor),
        ),
    ]
