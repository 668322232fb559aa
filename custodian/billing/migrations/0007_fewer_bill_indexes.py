"""Fewer indexes on every bill and ledger charge: the customer of a bill and the account of a ledger entry were
indexed twice (alone, and first in a composite index that serves the same reads), and a bill's re-biller and
the bill that trued it up, empty on nearly every bill, had an index entry per bill; they are now indexed only
where set. Indexes are dropped by name (SQLite would otherwise rebuild the tables, and a rebuilt ledger loses
its append-only triggers)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_deposit_interest"),
        ("customers", "0005_customer_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bill",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                migrations.AlterField(
                    model_name="bill",
                    name="rebilled_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="bill",
                    name="trued_up_in",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="true_ups",
                        to="billing.bill",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger",
                        to="customers.account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_bill_customer_id_a8a94fda"',
                    'CREATE INDEX "billing_bill_customer_id_a8a94fda" ON "billing_bill" ("customer_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_bill_rebilled_by_id_34376fb3"',
                    'CREATE INDEX "billing_bill_rebilled_by_id_34376fb3" ON "billing_bill" ("rebilled_by_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_bill_trued_up_in_id_b341d9c6"',
                    'CREATE INDEX "billing_bill_trued_up_in_id_b341d9c6" ON "billing_bill" ("trued_up_in_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_ledgerentry_account_id_ac8d6a24"',
                    'CREATE INDEX "billing_ledgerentry_account_id_ac8d6a24" ON "billing_ledgerentry" ("account_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(
                condition=models.Q(("rebilled_by__isnull", False)),
                fields=["rebilled_by"],
                name="bill_rebilled_by_set",
            ),
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(
                condition=models.Q(("trued_up_in__isnull", False)),
                fields=["trued_up_in"],
                name="bill_trued_up_in_set",
            ),
        ),
    ]
