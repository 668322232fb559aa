"""PostgreSQL's TRUNCATE fires no row trigger: refuse it on the disclosure records too."""

from django.db import migrations

from custodian.audit.append_only import make_truncate_refused

TABLES = (
    "disclosures_disclosureentry",
    "disclosures_consent",
    "disclosures_consentrevocation",
    "disclosures_vendordetermination",
    "disclosures_disclosurerequest",
)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_vendor_exports"), ("audit", "0004_verifiable_log")]
    operations = [migrations.RunPython(lambda apps, se: make_truncate_refused(se, TABLES), backwards)]
