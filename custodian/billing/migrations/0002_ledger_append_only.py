"""The ledger is a record of money owed and paid: the database refuses UPDATE and DELETE on its entries
(a mistake is reversed by another entry)."""

from django.db import migrations

from custodian.audit.append_only import PG_FUNCTION, drop_append_only, make_append_only

TABLES = ["billing_ledgerentry"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, None)  # the function body has % signs, not parameters
    make_append_only(schema_editor, TABLES, label="the ledger")


def backwards(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_bills_and_ledger"), ("audit", "0002_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
