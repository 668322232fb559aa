"""The access log becomes a Merkle tree: events no longer carry a chain hash; a queue, the tree's leaves,
tiles, head, signed heads and redactions. Events already in the log are queued in their order, so the
sequencer makes them the tree's first leaves."""

from django.db import migrations, models

from custodian.audit.append_only import (
    drop_append_only,
    drop_event_queue,
    drop_log_tables_append_only,
    make_append_only,
    make_event_queue,
    make_log_tables_append_only,
)

RECORDS = ("audit_logleaf", "audit_signedhead", "audit_redaction")


def drop_chain_triggers(apps, schema_editor):
    drop_append_only(schema_editor, ("audit_accessevent", "audit_checkpoint"))


def restore_chain_triggers(apps, schema_editor):
    make_append_only(schema_editor, ("audit_accessevent", "audit_checkpoint"), "the access log")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_accessevent', 'seq'), "
            "COALESCE((SELECT MAX(seq) FROM audit_accessevent), 0) + 1, false)"
        )
    schema_editor.execute("INSERT INTO audit_pendingevent (event_seq) SELECT seq FROM audit_accessevent")
    apps.get_model("audit", "TreeHead").objects.get_or_create(pk=1)
    make_event_queue(schema_editor)
    make_log_tables_append_only(schema_editor)
    make_append_only(schema_editor, RECORDS, "the access log")


def backwards(apps, schema_editor):
    drop_append_only(schema_editor, RECORDS)
    drop_log_tables_append_only(schema_editor)
    drop_event_queue(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_event_on_behalf_of_and_own_request"),
    ]

    operations = [
        migrations.RunPython(drop_chain_triggers, restore_chain_triggers),
        migrations.CreateModel(
            name="LogLeaf",
            fields=[
                ("idx", models.BigIntegerField(primary_key=True, serialize=False)),
                ("event_seq", models.BigIntegerField(unique=True)),
            ],
        ),
        migrations.CreateModel(
            name="PendingEvent",
            fields=[
                ("event_seq", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name="Redaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event_seq", models.BigIntegerField(unique=True)),
                ("leaf_index", models.BigIntegerField()),
                ("leaf_hash", models.CharField(max_length=64)),
                ("reason", models.CharField(max_length=300)),
                ("redacted_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="SignedHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tree_size", models.BigIntegerField()),
                ("root", models.CharField(max_length=64)),
                ("note", models.TextField()),
                ("key_hash", models.CharField(max_length=8)),
                ("signed_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="Tile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.SmallIntegerField()),
                ("idx", models.BigIntegerField()),
                ("hashes", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="TreeHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("size", models.BigIntegerField(default=0)),
                ("root", models.CharField(default="", max_length=64)),
                ("right_edge", models.TextField(blank=True, default="")),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.DeleteModel(
            name="ChainHead",
        ),
        migrations.DeleteModel(
            name="Checkpoint",
        ),
        migrations.RemoveField(
            model_name="accessevent",
            name="hash",
        ),
        migrations.RemoveField(
            model_name="accessevent",
            name="id",
        ),
        migrations.RemoveField(
            model_name="accessevent",
            name="prev_hash",
        ),
        migrations.AddField(
            model_name="accessevent",
            name="nonce",
            field=models.CharField(
                blank=True,
                help_text="random: the leaf hash of a published tree can't be confirmed by guessing an event",
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="seq",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AddConstraint(
            model_name="tile",
            constraint=models.UniqueConstraint(fields=("level", "idx"), name="audit_tile_position"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
