"""Deposits, refunds and budget plans are kept under their account and its customer alike
(`billing.models.AccountRecord`): none keeps a reverse name on the account (nothing read one). Names only:
no column, index or row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0010_budget_plan_stopped"),
        ("customers", "0005_customer_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="budgetplan",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="customers.account"
            ),
        ),
        migrations.AlterField(
            model_name="deposit",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="customers.account"
            ),
        ),
        migrations.AlterField(
            model_name="refund",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="customers.account"
            ),
        ),
    ]
