"""A correction that asks more than the bill it replaced gives its increase its own due date: the day the
increase is due is kept on the correction (empty on every other bill), while what was asked before keeps the
original due date (`billing.arrears`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0008_fewer_bill_index_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="bill",
            name="increase_due_on",
            field=models.DateField(blank=True, null=True),
        ),
    ]
