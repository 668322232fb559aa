"""Each entry of the accounting of disclosures names the batch it was written in, whose event in the access
log seals it (custodian.disclosures.sealed). Entries written before name none.

The table is append-only: its triggers are lifted for adding the column (SQLite rebuilds the table for it,
which drops them) and put back after."""

from django.db import migrations, models

from custodian.audit.append_only import drop_append_only, make_append_only

TABLES = ("disclosures_disclosureentry",)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0009_law_enforcement_second_approval")]

    operations = [
        migrations.RunPython(
            lambda apps, se: drop_append_only(se, TABLES),
            lambda apps, se: make_append_only(se, TABLES, "the accounting of disclosures"),
        ),
        migrations.AddField(
            model_name="disclosureentry",
            name="batch",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(
            lambda apps, se: make_append_only(se, TABLES, "the accounting of disclosures"),
            lambda apps, se: drop_append_only(se, TABLES),
        ),
    ]
