"""Page views stored before the stricter rules: referrer "hosts" that are IP literals, single labels, private
names or our own site are emptied, 6to4 prefixes (whose /48 is a whole IPv4 address) are re-masked as that
address's /24, and the old "mobile" class becomes "phone". (A Teredo or NAT64 /48 kept no more than part of a
relay's address.) Updates go by distinct value: a few queries per distinct host or prefix."""

from django.conf import settings
from django.db import migrations


def reduce_stored_views(apps, schema_editor):
    from custodian.analytics.capture import mask_ip, referrer_host, site_hosts

    PageView = apps.get_model("analytics", "PageView")
    ours = site_hosts(tuple(settings.ALLOWED_HOSTS), "")
    hosts = PageView.objects.exclude(referrer_host="").values_list("referrer_host", flat=True).distinct()
    for host in list(hosts):
        kept = referrer_host(f"https://{host}/", ours)
        if kept != host:
            PageView.objects.filter(referrer_host=host).update(referrer_host=kept)
    sixtofour = PageView.objects.filter(ip_prefix__startswith="2002:")
    for prefix in list(sixtofour.values_list("ip_prefix", flat=True).distinct()):
        remasked = mask_ip(prefix.split("/")[0])
        if remasked != prefix:
            PageView.objects.filter(ip_prefix=prefix).update(ip_prefix=remasked)
    PageView.objects.filter(device="mobile").update(device="phone")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [migrations.RunPython(reduce_stored_views, migrations.RunPython.noop)]
