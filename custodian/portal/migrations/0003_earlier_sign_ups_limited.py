"""Online accounts opened before the mailed code's rule, signed up where no e-mail address was on file (their
confirmation link reached only an address typed on the page) and never given a code, are limited as a new
one is (`custodian.portal.mailed_code.earlier_sign_ups_limit`). No letter is mailed from here: the customer
asks for it on the page "Code from our letter". Undone, nothing changes back: a limit lifted by a migration
would be a limit nobody lifted with the code."""

from django.db import migrations

from custodian.portal.mailed_code import earlier_sign_ups_limit


def limited(apps, schema_editor):
    earlier_sign_ups_limit(
        accounts=apps.get_model("portal", "PortalAccount"), values=apps.get_model("vault", "PersonalValue")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_limited_until_the_mailed_code"),
        ("vault", "0009_sealed_document_customer_index"),
    ]

    operations = [migrations.RunPython(limited, migrations.RunPython.noop)]
