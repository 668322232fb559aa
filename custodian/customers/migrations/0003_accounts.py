"""Accounts over time: a premise and its meters no longer belong to a customer; an account links a
customer to a premise from its opening to its closing date. Each premise's customer becomes its open
account, opened the day the customer was created, with the account application notice (the one every
customer so far applied under)."""

import django.db.models.deletion
from django.db import migrations, models


def premises_to_accounts(apps, schema_editor):
    Premise = apps.get_model("customers", "Premise")
    Account = apps.get_model("customers", "Account")
    Account.objects.bulk_create(
        [
            Account(
                customer_id=p.customer_id,
                premise_id=p.pk,
                role="occupant",
                opened_on=p.customer.created_at.date(),
                opened_notice_key="account_application",
            )
            for p in Premise.objects.select_related("customer").iterator()
        ],
        batch_size=2000,
    )


def accounts_to_premises(apps, schema_editor):
    Account = apps.get_model("customers", "Account")
    for a in Account.objects.order_by("closed_on", "-opened_on").iterator():
        a.premise.customer_id = a.customer_id
        a.premise.save(update_fields=["customer"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_inquirers")]

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("occupant", "Occupant (the customer lives or does business there)"),
                            ("owner", "Owner or landlord (vacant unit)"),
                        ],
                        default="occupant",
                        max_length=16,
                    ),
                ),
                ("opened_on", models.DateField()),
                ("closed_on", models.DateField(blank=True, null=True)),
                (
                    "close_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("move_out", "Moved out (stop service)"),
                            ("transfer", "Service transferred to another premise in the territory"),
                            ("tenant_moved_in", "A tenant's account opened (owner's vacancy account ends)"),
                        ],
                        max_length=20,
                    ),
                ),
                ("opened_notice_key", models.CharField(blank=True, max_length=40)),
                ("opened_notice_version", models.CharField(blank=True, max_length=20)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="customers.customer",
                    ),
                ),
                (
                    "premise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="customers.premise",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["customer", "closed_on"], name="customers_a_custome_957265_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("closed_on__isnull", True)),
                        fields=("premise",),
                        name="one_open_account_per_premise",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("closed_on__isnull", True),
                            ("closed_on__gte", models.F("opened_on")),
                            _connector="OR",
                        ),
                        name="account_closes_after_it_opens",
                    ),
                ],
            },
        ),
        migrations.RunPython(premises_to_accounts, accounts_to_premises),
        migrations.RemoveField(model_name="premise", name="customer"),
    ]
