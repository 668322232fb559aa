"""PostgreSQL's TRUNCATE fires no row trigger: refuse it on every record table made append-only before
make_append_only refused it too (the disclosure records and the ledger)."""

from django.db import migrations

from custodian.audit.append_only import make_truncate_refused

TABLES = (
    "disclosures_disclosureentry",
    "disclosures_consent",
    "disclosures_consentrevocation",
    "disclosures_vendordetermination",
    "disclosures_disclosurerequest",
    "billing_ledgerentry",
)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_verifiable_log"),
        ("disclosures", "0005_vendor_exports"),
        ("billing", "0002_ledger_append_only"),
    ]
    operations = [migrations.RunPython(lambda apps, se: make_truncate_refused(se, TABLES), backwards)]
