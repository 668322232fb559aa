"""The addresses given at sign-up for online accounts that no longer exist (deleted at the customer's request
to delete their data, or an unconfirmed sign-up a later one replaced) are deleted, as they now are when the
account goes: an address is kept as the one a customer signs in with only while that online account exists.
Undone, nothing comes back."""

from django.db import migrations

SIGN_IN_REF_PREFIX = "portal-signup:"  # as custodian.casework.package_words names it, frozen here


def deleted(apps, schema_editor):
    documents = apps.get_model("vault", "SealedDocument")
    accounts = set(apps.get_model("portal", "PortalAccount").objects.values_list("pk", flat=True))
    orphans = [
        pk
        for pk, ref in documents.objects.filter(ref__startswith=SIGN_IN_REF_PREFIX).values_list("pk", "ref")
        if ref.removeprefix(SIGN_IN_REF_PREFIX).isdigit()
        and int(ref.removeprefix(SIGN_IN_REF_PREFIX)) not in accounts
    ]
    documents.objects.filter(pk__in=orphans).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_earlier_sign_ups_limited")]

    operations = [migrations.RunPython(deleted, migrations.RunPython.noop)]
