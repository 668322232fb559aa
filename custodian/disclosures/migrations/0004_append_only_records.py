"""Consents, revocations, vendor determinations and disclosure requests are append-only."""

from django.db import migrations

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = (
    "disclosures_consent",
    "disclosures_consentrevocation",
    "disclosures_vendordetermination",
    "disclosures_disclosurerequest",
)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_consents_authorities_vendors"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "a disclosure record"),
            lambda apps, se: drop_append_only(se, TABLES),
        )
    ]
