"""Budget billing stopped with a difference the customer owes: the plan waits, `stopped`, for the account's
next bill to ask it (`billing.budget`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0009_increase_due_on"),
    ]

    operations = [
        migrations.AlterField(
            model_name="budgetplan",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "On budget billing"),
                    ("stopped", "Stopped: the difference owed goes on the next bill"),
                    ("ended", "Ended"),
                ],
                default="active",
                max_length=8,
            ),
        ),
    ]
