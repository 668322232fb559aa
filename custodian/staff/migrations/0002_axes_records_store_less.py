"""Sign-in records written before custodian.staff.lockout: drop the copied forms, replace typed user names
that are no account's with their keyed hash, and mask customers' addresses and browsers."""

from django.db import migrations


def store_less(apps, schema_editor):
    from django.utils.crypto import salted_hmac

    from custodian.analytics.capture import agent, mask_ip

    User = apps.get_model("auth", "User")
    accounts = set(User.objects.values_list("username", flat=True))
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        fields = {f.name for f in model._meta.get_fields()}
        for row in model.objects.all().iterator():
            if "post_data" in fields:
                row.post_data, row.get_data = "", ""
            if row.username and row.username not in accounts and not row.username.startswith("unknown-"):
                digest = salted_hmac("custodian.lockout.username", row.username, algorithm="sha256")
                row.username = "unknown-" + digest.hexdigest()[:32]
            if (row.path_info or "").startswith("/portal/"):
                row.ip_address = mask_ip(row.ip_address).split("/")[0] or None
                seen = agent(row.user_agent or "")
                row.user_agent = f"{seen.browser} {seen.browser_major} / {seen.os} / {seen.device}"[:255]
            row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(store_less, migrations.RunPython.noop)]
