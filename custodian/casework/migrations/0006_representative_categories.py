from django.db import migrations, models

# The authorities registered before data categories were named covered all of the customer's own data (the
# policy file's self-access categories as they stood): they keep exactly that, named, so the gate can check it.
BEFORE = (
    "account_number,bank_account,bills,correspondence,disconnection_protection,email,mailing_address,"
    "marketing_preference,meter_usage,name,phone,service_address"
)


def name_what_they_had(apps, schema_editor):
    apps.get_model("casework", "Representative").objects.filter(categories="").update(categories=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_representatives")]

    operations = [
        migrations.AddField(
            model_name="representative",
            name="categories",
            field=models.CharField(default="", max_length=400),
        ),
        migrations.RunPython(name_what_they_had, migrations.RunPython.noop),
    ]
