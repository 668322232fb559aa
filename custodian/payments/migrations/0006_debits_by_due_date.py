"""Automatic payment debits each part of a month by its own due date: a debit names the due date of the part
it pays, and a bill may have a second debit, for a correction's increase when that falls due (never two for
one due date of a bill). The debits already sent paid their bill's due date."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def due_dates_of_debits_sent(apps, schema_editor):
    AchDebit = apps.get_model("payments", "AchDebit")
    Bill = apps.get_model("billing", "Bill")
    AchDebit.objects.filter(due_on__isnull=True).update(
        due_on=Subquery(Bill.objects.filter(pk=OuterRef("bill_id")).values("due_on")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0009_increase_due_on"),
        ("payments", "0005_payment_for_a_deposit"),
    ]

    operations = [
        migrations.AddField(
            model_name="achdebit",
            name="due_on",
            field=models.DateField(null=True, help_text="the due date of the part of the month it pays"),
        ),
        migrations.RunPython(due_dates_of_debits_sent, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="achdebit",
            name="due_on",
            field=models.DateField(help_text="the due date of the part of the month it pays"),
        ),
        migrations.AlterField(
            model_name="achdebit",
            name="bill",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="ach_debits", to="billing.bill"
            ),
        ),
        migrations.AddConstraint(
            model_name="achdebit",
            constraint=models.UniqueConstraint(
                fields=("bill", "due_on"), name="one_debit_per_bill_and_due_date"
            ),
        ),
    ]
