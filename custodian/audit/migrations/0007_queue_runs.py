"""The sequencer's queue holds runs of consecutive event numbers instead of one row per event: on
PostgreSQL the statement trigger queues a bulk write's thousands of events as one row (or a few); SQLite
needs no queue at all (one writer at a time: the events waiting are those numbered above the last event in
the tree, custodian.audit.tree), so its row trigger, which cost as much as the event's own insert, goes.

Events waiting when this runs stay waiting: on PostgreSQL each queued event becomes a run of one; on SQLite
they are already the ones numbered above the tree's last event (the sequencer took them in order)."""

from django.db import migrations, models

from custodian.audit.append_only import drop_event_queue, make_event_queue, make_runs_queue


def runs_from_events(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("UPDATE audit_pendingevent SET last_seq = first_seq")
    else:
        schema_editor.execute("DELETE FROM audit_pendingevent")


def events_from_runs(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO audit_pendingevent (first_seq, last_seq) "
            "SELECT e.seq, e.seq FROM audit_pendingevent p "
            "JOIN audit_accessevent e ON e.seq > p.first_seq AND e.seq <= p.last_seq"
        )
    else:
        schema_editor.execute(
            "INSERT INTO audit_pendingevent (first_seq, last_seq) SELECT seq, seq FROM audit_accessevent "
            "WHERE seq > (SELECT COALESCE(MAX(event_seq), 0) FROM audit_logleaf)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_pending_event_rowid"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: drop_event_queue(schema_editor),
            lambda apps, schema_editor: make_event_queue(schema_editor),
        ),
        migrations.RenameField(model_name="pendingevent", old_name="event_seq", new_name="first_seq"),
        migrations.AddField(
            model_name="pendingevent",
            name="last_seq",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(runs_from_events, events_from_runs),
        migrations.RunPython(
            lambda apps, schema_editor: make_runs_queue(schema_editor),
            lambda apps, schema_editor: drop_event_queue(schema_editor),
        ),
    ]
