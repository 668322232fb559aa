"""Two index entries fewer on every bill: a bill's run is no longer indexed (nothing reads bills by the run that
issued them, and each of a run's thousands of bills had an entry), and on PostgreSQL its document reference
keeps its unique index but loses the second, pattern-matching one Django adds beside it for LIKE queries
(bills are found by their reference whole, never by its beginning). Indexes are dropped by name (SQLite would
otherwise rebuild the table)."""

import django.db.models.deletion
from django.db import migrations, models

DOCUMENT_REF_LIKE = "billing_bill_document_ref_ec880a1b_like"


def _pattern_index_dropped(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{DOCUMENT_REF_LIKE}"')


def _pattern_index_restored(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{DOCUMENT_REF_LIKE}" ON "billing_bill" ("document_ref" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_fewer_bill_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bill",
                    name="run",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bills",
                        to="billing.billrun",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_bill_run_id_cf99d4c3"',
                    'CREATE INDEX "billing_bill_run_id_cf99d4c3" ON "billing_bill" ("run_id")',
                ),
                migrations.RunPython(_pattern_index_dropped, _pattern_index_restored),
            ],
        ),
    ]
