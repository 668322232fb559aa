"""Every token has an owner and an expiry; a vendor token belongs to a registered vendor.

Tokens made for a vendor function rather than a registered vendor, and system job tokens without a staff
member who answers for them, can't be given an owner: they are deleted (they stop working).
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def owners_and_expiry(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(kind="vendor", vendor__isnull=True).delete()
    ApiToken.objects.filter(kind__in=["staff", "system"], owner__isnull=True).delete()
    ApiToken.objects.filter(kind="vendor").update(owner=None, job="")
    days = timedelta(days=settings.CUSTODIAN_API_TOKEN_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + days
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_vendor_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="apitoken", old_name="user", new_name="owner"),
        migrations.AlterField(
            model_name="apitoken",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="staff: the member it acts as; system job: the staff member who answers for it",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(model_name="apitoken", name="expires_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(owners_and_expiry, migrations.RunPython.noop),
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField()),
        migrations.RemoveField(model_name="apitoken", name="vendor_function"),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=(
                    Q(kind="staff", owner__isnull=False, job="", vendor__isnull=True)
                    | (Q(kind="system", owner__isnull=False, vendor__isnull=True) & ~Q(job=""))
                    | Q(kind="vendor", owner__isnull=True, job="", vendor__isnull=False)
                ),
                name="api_token_has_one_owner",
            ),
        ),
    ]
