"""A redaction keeps its event's time and is sealed with the events' sealing key (custodian.audit.redaction),
and the events' delete trigger asks what such a redaction holds (custodian.audit.append_only). Redactions
made before keep both empty, and `audit verify` names them (docs/decisions.md).

SQLite adds (and removes) the columns by rebuilding the redactions' table, which drops its append-only
triggers, and can't rename the rebuilt table while the events' delete trigger names it: that trigger is
dropped before and made again after, with the redactions' own."""

from django.db import migrations, models

from custodian.audit.append_only import (
    EVENTS,
    drop_append_only,
    events_deleted_only_under_sealed_redactions,
    make_append_only,
)

REDACTIONS = ["audit_redaction"]


def _events_delete_dropped(schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_delete")


def _triggers_made(schema_editor, sealed: bool):
    drop_append_only(schema_editor, REDACTIONS)
    make_append_only(schema_editor, REDACTIONS, "the access log")
    events_deleted_only_under_sealed_redactions(schema_editor, sealed=sealed)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_event_seal"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, se: _events_delete_dropped(se), lambda apps, se: _triggers_made(se, sealed=False)
        ),
        migrations.AddField(
            model_name="redaction",
            name="at_us",
            field=models.BigIntegerField(
                help_text="the event's time: microseconds since the epoch", null=True
            ),
        ),
        migrations.AddField(
            model_name="redaction",
            name="seal",
            field=models.CharField(blank=True, db_default="", max_length=40),
        ),
        migrations.RunPython(
            lambda apps, se: _triggers_made(se, sealed=True), lambda apps, se: _events_delete_dropped(se)
        ),
    ]
