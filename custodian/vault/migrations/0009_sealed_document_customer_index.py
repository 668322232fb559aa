"""A sealed document's customer was indexed three times (alone, and first in the (customer, ref) and
(customer, category, ref) indexes, which serve every read by customer): the first is dropped, by name (SQLite
would otherwise rebuild the table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_customer_language"),
        ("vault", "0008_staff_note_channel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sealeddocument",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "vault_sealeddocument_customer_id_7dccb124"',
                    'CREATE INDEX "vault_sealeddocument_customer_id_7dccb124" ON "vault_sealeddocument" ("customer_id")',
                ),
            ],
        ),
    ]
